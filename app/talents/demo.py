"""Demo data of this domain for `flask seed-demo` (idempotent).

- `demo-orgdept-1` (组织部小周, role `org_dept`) and `demo-street-1` (古湖街道小孙, street admin
  of 古湖街道).
- Twelve talents: ten in 观湖社区's pool, two in 昌达街社区's.
- Candidates for 观湖花园党支部, one at each stage: 王建华 `nominated` (three items checked),
  李淑芬 `verified`, 赵国强 `appointed` (副书记, a seat), 孙志明 `rejected` (a negative item:
  受过党纪政务处分 — appointing him is 409 `negative_list`).
- The ledger of 观湖社区 with three mismatches: 孙卫东 (grid only: not registered), 钱芳
  (floating, not in the grid data), 吴桂兰 (registered on the roster, not in the grid data);
  赵哥 and 老周 (`demo-volunteer-1`, `demo-mediator-1`, registered in the app) are matched
  with the grid data by their phones.
"""
import sqlalchemy as sa

from app.auth.models import Consent, RoleGrant, User
from app.common.timeutil import utcnow
from app.community.models import Community, Compound, Street
from app.demo import get_or_create
from app.extensions import db
from app.organisations.models import OrgBody
from app.talents import service
from app.talents.models import (
    CHECK_ITEMS,
    Candidate,
    CandidateCheck,
    LedgerEntry,
    Talent,
    TalentTag,
)

# name, birth year, field, expertise, unit, willing, health / availability, phone, community
TALENTS = [
    ("王建华", 1960, "教育", ["宣讲", "青少年辅导"], "古湖中学", ["担任小区党组织书记", "宣讲"],
     "身体健康，工作日可参加", "13600001001", "观湖社区"),
    ("李淑芬", 1958, "医疗", ["健康咨询", "慢病管理"], "区人民医院", ["义诊", "担任小区党组织书记"],
     "血压偏高，每周可服务两个半天", "13600001002", "观湖社区"),
    ("赵国强", 1961, "工程", ["房屋维修", "加装电梯"], "市建筑设计院", ["加装电梯协调", "改造监督"],
     "身体健康", "13600001003", "观湖社区"),
    ("孙志明", 1956, "财务", ["账务审核"], "区财政局", ["共管账户监督"], "", "13600001004",
     "观湖社区"),
    ("周桂英", 1954, "法律", ["调解", "法律咨询"], "区人民法院", ["矛盾调解"],
     "腿脚不便，可电话咨询", "13600001005", "观湖社区"),
    ("吴德胜", 1963, "党务", ["党务", "组织生活"], "区委组织部", ["担任小区党组织书记"],
     "身体健康", "13600001006", "观湖社区"),
    ("郑美华", 1959, "教育", ["书法", "宣讲"], "实验小学", ["老年大学授课"], "", "13600001007",
     "观湖社区"),
    ("冯建军", 1952, "公安", ["治安巡逻", "调解"], "古湖派出所", ["治安巡逻"],
     "夜间不便", "13600001008", "观湖社区"),
    ("陈玉兰", 1962, "社区工作", ["走访", "调解"], "古湖街道办", ["邻里走访"], "", "13600001009",
     "观湖社区"),
    ("褚文斌", 1950, "文化", ["摄影", "写作"], "区文化馆", ["宣传"], "每月可服务四次",
     "13600001010", "观湖社区"),
    ("卫秀珍", 1957, "医疗", ["护理"], "区中医院", ["助老"], "", "13600001011", "昌达街社区"),
    ("蒋立新", 1955, "工程", ["水电维修"], "供电公司", ["义务维修"], "", "13600001012",
     "昌达街社区"),
]
ALL_MET = {item: ("clear" if i >= 5 else "met") for i, item in enumerate(CHECK_ITEMS)}
# name, source, recommended_by, position, checks, stage
CANDIDATES = [
    ("王建华", "self", "", "head",
     {"political_quality": "met", "work_style": "met", "criminal_record": "clear"}, "nominated"),
    ("李淑芬", "unit", "区人民医院退休党支部", "head", ALL_MET, "verified"),
    ("赵国强", "unit", "市建筑设计院离退休党总支", "deputy", ALL_MET, "appointed"),
    ("孙志明", "self", "", "member", {**ALL_MET, "discipline_violation": "hit"}, "rejected"),
]
# name, phone, compound, source, unit, openid of the user (or None)
LEDGER = [
    ("赵哥", "13500000001", "观湖花园", "grid", "", "demo-volunteer-1"),
    ("老周", "13500000002", "观湖花园", "grid", "", "demo-mediator-1"),
    ("陈建华", "13500000011", "观湖花园", "grid", "", "demo-committee-1"),
    ("陈建华", "13500000011", "观湖花园", "registered", "区住建委机关党委", "demo-committee-1"),
    ("孙卫东", "13700000021", "观湖花园", "grid", "", None),
    ("钱芳", "13700000022", "观湖花园", "floating", "外地某纺织厂党支部", None),
    ("周丽", "", "老粮站院落", "floating", "外区某社区党委", None),
    ("周丽", "", "老粮站院落", "grid", "", None),
    ("吴桂兰", "13700000023", "滨河零散楼栋", "registered", "区税务局机关党委", None),
]


def _one(model, **keys):
    return db.session.scalar(sa.select(model).filter_by(**keys))


def _person(openid: str, nickname: str, phone: str, **grant) -> User:
    user = get_or_create(User, {"nickname": nickname, "phone": phone}, openid=openid)
    get_or_create(Consent, {"granted": True}, user_id=user.id, kind="phone")
    get_or_create(RoleGrant, user_id=user.id, revoked_at=None, **grant)
    return user


def seed() -> None:
    now = utcnow()
    street = _one(Street, name="古湖街道")
    orgdept = _person("demo-orgdept-1", "组织部小周", "13800000009", role="org_dept")
    _person("demo-street-1", "古湖街道小孙", "13800000008", role="street_admin",
            street_id=street.id)
    staff = _one(User, openid="demo-staff-1")
    communities = {c.name: c for c in db.session.scalars(sa.select(Community))}
    talents = {}
    for (name, year, field, expertise, unit, willing, note, phone, cname) in TALENTS:
        talent = get_or_create(Talent, {
            "phone": phone, "birth_year": year, "former_field": field, "former_unit": unit,
            "party_member": True, "health_note": note, "created_by_id": staff.id,
            "created_at": now}, community_id=communities[cname].id, name=name)
        for kind, values in (("expertise", expertise), ("willing", willing)):
            for value in values:
                get_or_create(TalentTag, talent_id=talent.id, kind=kind, value=value)
        talents[name] = talent
    db.session.expire_all()
    garden = _one(Compound, community_id=communities["观湖社区"].id, name="观湖花园")
    party = _one(OrgBody, community_id=garden.community_id, kind="compound_party",
                 name="观湖花园党支部")
    for name, source, by, position, checks, stage in CANDIDATES:
        _candidate(party, talents[name], source, by, position, checks, stage, staff, orgdept,
                   now)
    compounds = {c.name: c for c in db.session.scalars(sa.select(Compound).where(
        Compound.community_id == garden.community_id))}
    for name, phone, cname, source, unit, openid in LEDGER:
        user = _one(User, openid=openid) if openid else None
        get_or_create(LedgerEntry, {
            "community_id": garden.community_id, "unit_name": unit,
            "user_id": user.id if user else None, "created_by_id": staff.id,
            "created_at": now}, compound_id=compounds[cname].id, source=source, name=name,
            phone=phone)


def _candidate(party, talent, source, by, position, checks, stage, staff, orgdept, now):
    candidate = get_or_create(Candidate, {
        "talent_id": talent.id, "user_id": talent.user_id, "source": source,
        "recommended_by": by, "position": position, "status": "nominated",
        "created_by_id": staff.id, "created_at": now}, body_id=party.id, name=talent.name)
    for item, result in checks.items():
        get_or_create(CandidateCheck, {"result": result, "checked_by_id": staff.id,
                                       "checked_at": now}, candidate_id=candidate.id, item=item)
    db.session.expire(candidate, ["checks"])
    if candidate.status == "nominated" and stage in ("verified", "appointed"):
        service.verify(orgdept, party.id, candidate.id, True, "审核通过", now)
    if candidate.status == "nominated" and stage == "rejected":
        service.verify(orgdept, party.id, candidate.id, False, "触及负面清单", now)
    if candidate.status == "verified" and stage == "appointed":
        service.appoint(orgdept, party.id, candidate.id, {}, now)

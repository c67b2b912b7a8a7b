"""银发人才库: filing, search by field / expertise / willingness / age / community, who may see
the pool (staff of the community, street admins of its street, 组织部, admins), masking."""
from datetime import UTC, datetime

import sqlalchemy as sa

from app.talents.service import current_year


def test_search_by_field_expertise_willingness_age_and_name(world):
    year = current_year(datetime.now(UTC))
    world.talent(name="张建国", birth_year=year - 66, former_field="教育",
                 expertise=["宣讲", "写作"], willing=["担任小区党组织书记"])
    world.talent(name="李秀兰", birth_year=year - 61, former_field="医疗",
                 expertise=["健康咨询"], willing=["义诊"])
    world.talent(name="王德明", birth_year=year - 72, former_field="法律",
                 expertise=["调解", "宣讲"], willing=["调解"])
    world.talent(name="赵红", birth_year=year - 60, former_field="教育", community=world.c2,
                 who="staff2")

    def names(query, who="staff1"):
        return sorted(t["name"] for t in world.get(f"/talents?{query}", who)["items"])

    assert names(f"community_id={world.c1}") == ["张建国", "李秀兰", "王德明"]
    assert names("field=教育") == ["张建国"]  # staff1 sees its own community only
    assert names("field=教育", who="orgdept") == ["张建国", "赵红"]
    assert names("expertise=宣讲") == ["张建国", "王德明"]
    assert names("willing=调解") == ["王德明"]
    assert names("age_max=66") == ["张建国", "李秀兰"]  # 66 is still within age_max=66
    assert names("age_max=65") == ["李秀兰"]
    assert names("age_min=66&age_max=80") == ["张建国", "王德明"]
    assert names("q=秀") == ["李秀兰"]
    assert names("expertise=宣讲&field=法律") == ["王德明"]
    one = world.get(f"/talents?field=法律&community_id={world.c1}", "staff1")["items"][0]
    assert one["age"] == 72 and one["expertise"] == ["调解", "宣讲"]
    assert one["willing"] == ["调解"] and one["former_unit"] == "古湖中学"


def test_the_age_counts_against_the_year_in_shanghai():
    assert current_year(datetime(2026, 12, 31, 15, 59, tzinfo=UTC)) == 2026
    assert current_year(datetime(2026, 12, 31, 16, 0, tzinfo=UTC)) == 2027  # midnight +08


def test_only_staff_street_admins_and_org_dept_see_the_pool(world):
    tid = world.talent()["id"]
    for who in ("staff1", "street1", "orgdept", "admin"):
        assert [t["id"] for t in world.get(f"/talents?community_id={world.c1}", who)
                ["items"]] == [tid], who
        world.get(f"/talents/{tid}", who)
    for who in ("staff2", "street_other"):
        world.get(f"/talents?community_id={world.c1}", who, expect=403)
        body = world.get(f"/talents/{tid}", who, expect=404)
        assert "张建国" not in str(body)
    assert world.get("/talents", "staff2")["items"] == []  # its own community has none
    for who in ("r_garden", "outsider"):
        world.get("/talents", who, expect=403)
        world.get(f"/talents/{tid}", who, expect=404)
    # Filing: staff of the community and 组织部; not street admins, other staff, residents.
    world.talent(who="orgdept")
    for who in ("street1", "staff2", "r_garden"):
        world.talent(who=who, expect=403)


def test_phones_masked_in_lists_full_on_the_profile_for_those_who_call(world):
    from app.audit.models import AuditEntry

    tid = world.talent(phone="13912345678")["id"]
    for who in ("staff1", "street1", "orgdept"):
        item = world.get(f"/talents?community_id={world.c1}", who)["items"][0]
        assert item["phone"] == "139****5678", who
    assert world.count(AuditEntry, action="unmask") == 0
    assert world.get(f"/talents/{tid}", "staff1")["phone"] == "13912345678"
    assert world.get(f"/talents/{tid}", "orgdept")["phone"] == "13912345678"
    assert world.get(f"/talents/{tid}", "street1")["phone"] == "139****5678"
    seen = world.db_value(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "unmask", AuditEntry.target_type == "talent",
        AuditEntry.target_id == tid))
    assert seen == 2


def test_bad_input_is_a_4xx(world):
    year = current_year(datetime.now(UTC))
    world.talent(birth_year=year + 1, expect=422)
    world.talent(birth_year=1800, expect=422)
    world.talent(expertise=["x" * 33], expect=422)
    world.talent(phone="not a phone", expect=422)
    world.talent(community=999999, expect=404)
    world.talent(role="admin", expect=422)  # unknown fields are refused
    world.get("/talents?age_max=-1", "staff1", expect=422)
    world.get("/talents?community_id=abc", "staff1", expect=422)
    world.get("/talents?limit=100000", "staff1")  # clamped


def test_staff_keep_a_profile_up_to_date(world):
    tid = world.talent(expertise=["宣讲"], willing=["义诊"])["id"]
    changed = world.call("PATCH", f"/talents/{tid}", "staff1", {
        "health_note": "腿脚不便，可电话咨询", "expertise": ["调解", "宣讲"]}, 200)
    assert changed["health_note"] == "腿脚不便，可电话咨询"
    assert changed["expertise"] == ["调解", "宣讲"] and changed["willing"] == ["义诊"]
    assert [t["id"] for t in world.get("/talents?expertise=调解", "staff1")["items"]] == [tid]
    world.call("PATCH", f"/talents/{tid}", "orgdept", {"former_unit": "区教育局"}, 200)
    world.call("PATCH", f"/talents/{tid}", "street1", {"former_unit": "x"}, 403)
    world.call("PATCH", f"/talents/{tid}", "staff2", {"former_unit": "x"}, 404)
    world.call("PATCH", f"/talents/{tid}", "staff1", {"community_id": 2}, 422)
    world.call("PATCH", f"/talents/{tid}", "staff1", {"birth_year": 2999}, 422)

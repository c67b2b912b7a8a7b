"""Points mall: items and who manages them, redemption, limits, vouchers, write-off (核销),
cancellation and expiry refunds, the merchant's sales list."""
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from app.audit.models import AuditEntry
from app.auth.models import RoleGrant
from app.catalog.models import Partner
from app.common.timeutil import utcnow
from app.community.models import Community
from app.extensions import db
from app.mall import service as mall
from app.mall.jobs import sweep_job
from app.mall.models import MallItem, Merchant, Voucher
from app.mall.service import CODE_ALPHABET, new_code
from app.timebank.models import Account, Transfer
from app.web.idempotency import IdempotencyKey

MALL = "/api/v1/mall"


@pytest.fixture
def shop(bank):
    """A merchant with one member and a published item of price 10."""
    member = bank.user("shop-member")
    merchant = bank.merchant(members=[member])
    item = bank.item(merchant, title="大米", price_points=10, stock=5, per_user_limit=2,
                     valid_days=7)
    return {"member": member, "merchant": merchant, "item": item}


def _redeem(client, bank, uid, item, key=None):
    h = bank.headers(uid)
    if key:
        h["Idempotency-Key"] = key
    return client.post(f"{MALL}/items/{item}/redeem", headers=h)


def test_redeem_debits_credits_takes_stock_and_issues_a_voucher(bank, client, shop):
    uid = bank.user(points=25)
    resp = _redeem(client, bank, uid, shop["item"], key="r1")
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    voucher = body["voucher"]
    assert body["balance"] == 15 and voucher["status"] == "issued"
    assert len(voucher["code"]) == 16 and voucher["qr_payload"].endswith(voucher["code"])
    assert voucher["expires_at"].endswith("+08:00")
    assert bank.scalar(sa.select(MallItem.stock).where(MallItem.id == shop["item"])) == 4
    merchant_account = client.get(f"{MALL}/merchants/{shop['merchant']}/account",
                                  headers=bank.headers(shop["member"])).get_json()
    assert merchant_account["balance"] == 10
    entries = client.get("/api/v1/timebank/entries", headers=bank.headers(uid)).get_json()
    assert entries["items"][0]["kind"] == "redeem"
    assert entries["items"][0]["ref"] == f"voucher:{voucher['id']}"
    assert bank.verify()["ok"]


def test_a_new_merchants_account_reads_zero_and_the_read_creates_nothing(bank, client):
    member = bank.user()
    merchant = bank.merchant(members=[member])
    resp = client.get(f"{MALL}/merchants/{merchant}/account", headers=bank.headers(member))
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json() == {"merchant_id": merchant, "account_id": None, "balance": 0}
    assert bank.count(Account, Account.merchant_id == merchant) == 0


def test_voucher_codes_are_unguessable_and_distinct(bank, client, shop):
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000 and all(set(c) <= set(CODE_ALPHABET) for c in codes)


def test_redeem_refusals(bank, client, shop):
    poor = bank.user(points=9)
    resp = _redeem(client, bank, poor, shop["item"])
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "insufficient_points"
    rich = bank.user(points=1000)
    for _ in range(2):
        assert _redeem(client, bank, rich, shop["item"]).status_code == 201
    third = _redeem(client, bank, rich, shop["item"])
    assert third.status_code == 409 and third.get_json()["error"]["code"] == "limit_reached"
    other = bank.user(points=1000)
    for uid in (other, other, bank.user(points=10)):
        assert _redeem(client, bank, uid, shop["item"]).status_code == 201
    assert bank.scalar(sa.select(MallItem.stock).where(MallItem.id == shop["item"])) == 0
    last = _redeem(client, bank, bank.user(points=100), shop["item"])
    assert last.get_json()["error"]["code"] == "out_of_stock"
    assert bank.balance(poor) == 9
    assert client.post(f"{MALL}/items/99999/redeem",
                       headers=bank.headers(rich)).status_code == 404


def test_out_of_stock_leaves_the_loser_unchanged(bank, client):
    merchant = bank.merchant()
    item = bank.item(merchant, stock=1)
    a, b = bank.user(points=50), bank.user(points=50)
    assert _redeem(client, bank, a, item).status_code == 201
    resp = _redeem(client, bank, b, item)
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "out_of_stock"
    assert bank.balance(b) == 50
    assert bank.count(Voucher, Voucher.user_id == b) == 0


def test_unpublished_items_are_hidden_from_residents(bank, client, shop):
    hidden = bank.item(shop["merchant"], title="未上架", published=False)
    uid = bank.user(points=100)
    assert client.get(f"{MALL}/items/{hidden}", headers=bank.headers(uid)).status_code == 404
    assert _redeem(client, bank, uid, hidden).status_code == 404
    listed = client.get(f"{MALL}/items?include_unpublished=1&merchant_id={shop['merchant']}",
                        headers=bank.headers(uid)).get_json()["items"]
    assert [i["id"] for i in listed] == [shop["item"]]
    mine = client.get(f"{MALL}/items?include_unpublished=1&merchant_id={shop['merchant']}",
                      headers=bank.headers(shop["member"])).get_json()["items"]
    assert {i["id"] for i in mine} == {shop["item"], hidden}


def test_items_are_managed_by_the_merchant_or_its_community_staff(bank, client, shop):
    staff = bank.user(roles=[("staff", {"community_id": bank.community()})])
    stranger = bank.user()
    body = {"merchant_id": shop["merchant"], "title": "理发一次", "kind": "service",
            "price_points": 30, "stock": 10, "per_user_limit": 1, "valid_days": 30,
            "published": True}
    assert client.post(f"{MALL}/items", headers=bank.headers(stranger),
                       json=body).status_code == 403
    resp = client.post(f"{MALL}/items", headers=bank.headers(shop["member"]), json=body)
    assert resp.status_code == 201 and resp.get_json()["merchant"]["id"] == shop["merchant"]
    item = resp.get_json()["id"]
    assert client.patch(f"{MALL}/items/{item}", headers=bank.headers(stranger),
                        json={"price_points": 1}).status_code == 403
    resp = client.patch(f"{MALL}/items/{item}", headers=bank.headers(staff),
                        json={"price_points": 25, "published": False})
    assert resp.status_code == 200 and resp.get_json()["price_points"] == 25
    for bad in ({"kind": "car"}, {"price_points": 0}, {"stock": -1}, {"per_user_limit": 0},
                {"merchant_id": 2}, {"valid_days": 0}):
        assert client.patch(f"{MALL}/items/{item}", headers=bank.headers(staff),
                            json=bad).status_code == 422, bad


def test_write_off_once_by_a_member_of_the_merchant(bank, client, shop):
    uid, stranger = bank.user(points=50), bank.user()
    other_member = bank.user()
    bank.merchant(name="别家", members=[other_member])
    code = _redeem(client, bank, uid, shop["item"]).get_json()["voucher"]["code"]
    url = f"{MALL}/vouchers/writeoff"
    for who in (stranger, other_member, uid):
        resp = client.post(url, headers=bank.headers(who), json={"code": code})
        assert resp.status_code == 403, who
    resp = client.post(url, headers=bank.headers(shop["member"]), json={"code": code.lower()})
    assert resp.status_code == 200 and resp.get_json()["voucher"]["status"] == "used"
    twice = client.post(url, headers=bank.headers(shop["member"]), json={"code": code})
    assert twice.status_code == 409
    assert twice.get_json()["error"]["code"] == "voucher_not_issued"
    assert client.post(url, headers=bank.headers(shop["member"]),
                       json={"code": "NOSUCHCODE234567"}).status_code == 404
    assert bank.balance(uid) == 40


@pytest.mark.parametrize("form", ["{qr}", " {qr} ", "LLT-VOUCHER:{code}", "{code}"])
def test_write_off_takes_the_qr_payload_or_the_bare_code(bank, client, shop, form):
    uid = bank.user(points=50)
    voucher = _redeem(client, bank, uid, shop["item"]).get_json()["voucher"]
    assert voucher["qr_payload"] == f"llt-voucher:{voucher['code']}"
    scanned = form.format(qr=voucher["qr_payload"], code=voucher["code"])
    resp = client.post(f"{MALL}/vouchers/writeoff", headers=bank.headers(shop["member"]),
                       json={"code": scanned})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["voucher"]["status"] == "used"
    assert client.post(f"{MALL}/vouchers/writeoff", headers=bank.headers(shop["member"]),
                       json={"code": "llt-voucher:"}).status_code == 404


def test_expired_voucher_cannot_be_written_off_and_is_refunded_once(bank, client, shop, app):
    uid = bank.user(points=50)
    code = _redeem(client, bank, uid, shop["item"]).get_json()["voucher"]["code"]
    assert bank.balance(uid) == 40
    with time_machine.travel(utcnow() + timedelta(days=8)):
        h = bank.headers(shop["member"])
        resp = client.post(f"{MALL}/vouchers/writeoff", headers=h, json={"code": code})
        assert resp.status_code == 409
        assert resp.get_json()["error"]["code"] == "voucher_expired"
        assert bank.balance(uid) == 50
        again = client.post(f"{MALL}/vouchers/writeoff", headers=h, json={"code": code})
        assert again.get_json()["error"]["code"] == "voucher_not_issued"
        result = app.test_cli_runner().invoke(args=["timebank", "sweep-vouchers"])
        assert result.exit_code == 0 and "refunded 0" in result.output
    assert bank.balance(uid) == 50
    assert bank.count(Transfer, Transfer.kind == "refund") == 1
    assert bank.scalar(sa.select(MallItem.stock).where(MallItem.id == shop["item"])) == 5
    assert bank.verify()["ok"]


def test_sweep_refunds_every_expired_voucher_once(bank, client, shop, app):
    uid = bank.user(points=100)
    for _ in range(2):
        _redeem(client, bank, uid, shop["item"])
    used = _redeem(client, bank, bank.user(points=10), shop["item"]).get_json()["voucher"]
    client.post(f"{MALL}/vouchers/writeoff", headers=bank.headers(shop["member"]),
                json={"code": used["code"]})
    runner = app.test_cli_runner()
    assert "refunded 0" in runner.invoke(args=["mall", "sweep-vouchers"]).output
    with time_machine.travel(utcnow() + timedelta(days=7, seconds=1)):
        assert "refunded 2" in runner.invoke(args=["mall", "sweep-vouchers"]).output
        assert "refunded 0" in runner.invoke(args=["mall", "sweep-vouchers"]).output
    assert bank.balance(uid) == 100
    statuses = client.get(f"{MALL}/vouchers", headers=bank.headers(uid)).get_json()["items"]
    assert [v["status"] for v in statuses] == ["expired", "expired"]
    assert bank.verify()["ok"]


def test_sweep_job_commits_batch_after_batch_and_purges_old_idempotency_keys(bank, client,
                                                                            shop, app):
    uid = bank.user(points=100)
    for i in range(3):
        _redeem(client, bank, uid, shop["item"] if i < 2 else bank.item(shop["merchant"]),
                key=f"sweep-{i}")
    assert bank.count(IdempotencyKey) == 3
    with time_machine.travel(utcnow() + timedelta(days=31)), app.app_context():
        assert sweep_job(batch=2) == 3
        db.session.rollback()  # what the job did is committed already
    assert bank.count(Voucher, Voucher.status == "expired") == 3
    assert bank.count(IdempotencyKey) == 0 and bank.balance(uid) == 100
    assert bank.verify()["ok"]


def test_owner_cancels_an_unused_voucher_and_gets_the_points_back_once(bank, client, shop):
    uid, stranger = bank.user(points=30), bank.user()
    voucher = _redeem(client, bank, uid, shop["item"]).get_json()["voucher"]
    url = f"{MALL}/vouchers/{voucher['id']}/cancel"
    assert client.post(url, headers=bank.headers(stranger)).status_code == 404
    resp = client.post(url, headers=bank.headers(uid))
    assert resp.status_code == 200 and resp.get_json()["voucher"]["status"] == "cancelled"
    assert client.post(url, headers=bank.headers(uid)).status_code == 409
    assert bank.balance(uid) == 30
    entries = client.get("/api/v1/timebank/entries", headers=bank.headers(uid)).get_json()
    assert [e["kind"] for e in entries["items"]][:2] == ["refund", "redeem"]
    assert client.get("/api/v1/timebank/account",
                      headers=bank.headers(uid)).get_json()["spent_total"] == 0


def test_cancelled_vouchers_free_the_per_user_limit(bank, client, shop):
    uid = bank.user(points=100)
    first = _redeem(client, bank, uid, shop["item"]).get_json()["voucher"]
    _redeem(client, bank, uid, shop["item"])
    client.post(f"{MALL}/vouchers/{first['id']}/cancel", headers=bank.headers(uid))
    assert _redeem(client, bank, uid, shop["item"]).status_code == 201


def test_merchant_sales_list_masks_buyers_and_hides_codes(bank, client, shop):
    uid, stranger = bank.user(points=50), bank.user()
    code = _redeem(client, bank, uid, shop["item"]).get_json()["voucher"]["code"]
    _redeem(client, bank, uid, shop["item"])
    client.post(f"{MALL}/vouchers/writeoff", headers=bank.headers(shop["member"]),
                json={"code": code})
    url = f"{MALL}/merchants/{shop['merchant']}/vouchers"
    assert client.get(url, headers=bank.headers(stranger)).status_code == 403
    sales = client.get(url, headers=bank.headers(shop["member"])).get_json()["items"]
    assert len(sales) == 2 and all("code" not in s for s in sales)
    assert sales[0]["buyer"]["nickname"].startswith("用") and "*" in sales[0]["buyer"]["nickname"]
    used = client.get(url + "?status=used", headers=bank.headers(shop["member"])).get_json()
    assert [s["status"] for s in used["items"]] == ["used"]


def test_my_vouchers_are_mine_only(bank, client, shop):
    a, b = bank.user(points=50), bank.user(points=50)
    _redeem(client, bank, a, shop["item"])
    assert client.get(f"{MALL}/vouchers", headers=bank.headers(b)).get_json()["items"] == []
    mine = client.get(f"{MALL}/vouchers", headers=bank.headers(a)).get_json()["items"]
    assert mine[0]["item"]["title"] == "大米" and mine[0]["merchant"]["name"] == "测试商家"


def test_merchants_and_members_are_managed_by_staff_or_admin(bank, client):
    community = bank.community()
    staff = bank.user(roles=[("staff", {"community_id": community})])
    resident, newcomer = bank.user(), bank.user()
    body = {"name": "社区理发店", "community_id": community}
    assert client.post(f"{MALL}/merchants", headers=bank.headers(resident),
                       json=body).status_code == 403
    merchant = client.post(f"{MALL}/merchants", headers=bank.headers(staff), json=body)
    assert merchant.status_code == 201
    mid = merchant.get_json()["id"]
    url = f"{MALL}/merchants/{mid}/members"
    assert client.post(url, headers=bank.headers(resident),
                       json={"user_id": newcomer}).status_code == 403
    grant = client.post(url, headers=bank.headers(staff), json={"user_id": newcomer})
    assert grant.status_code == 201 and grant.get_json()["merchant_id"] == mid
    assert client.post(url, headers=bank.headers(staff),
                       json={"user_id": newcomer}).status_code == 409
    me = client.get("/api/v1/me", headers=bank.headers(newcomer)).get_json()
    assert {"role": "merchant", "merchant_id": mid} in me["roles"]


def test_a_merchant_grant_names_an_existing_merchant_and_is_audited(bank, client, app):
    admin = bank.user(roles=[("admin", {})])
    newcomer = bank.user()
    merchant = bank.merchant()
    url = "/api/v1/roles/grants"
    missing = client.post(url, headers=bank.headers(admin),
                          json={"user_id": newcomer, "role": "merchant", "merchant_id": 99999})
    assert missing.status_code == 404 and missing.get_json()["error"]["message"] == "商家不存在"
    assert bank.count(RoleGrant, RoleGrant.role == "merchant") == 0
    added = client.post(f"{MALL}/merchants/{merchant}/members", headers=bank.headers(admin),
                        json={"user_id": newcomer})
    assert added.status_code == 201
    again = client.post(f"{MALL}/merchants/{merchant}/members", headers=bank.headers(admin),
                        json={"user_id": newcomer})
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "role_already_granted"
    logged = bank.scalar(sa.select(AuditEntry).where(AuditEntry.action == "role_grant"))
    assert logged.details["merchant_id"] == merchant and logged.actor_id == admin


def _partner(bank, name, community_id=None):
    with bank.app.app_context():
        partner = Partner(name=name, kind="unit", capacity=3)
        if community_id is not None:
            partner.communities = [db.session.get(Community, community_id)]
        db.session.add(partner)
        db.session.commit()
        return partner.id


def test_merchant_partner_must_exist_and_be_usable_by_the_caller(bank, client):
    community, other = bank.community(), bank.community("别的社区")
    ours, theirs = _partner(bank, "本社区合伙人", community), _partner(bank, "外社区合伙人", other)
    staff = bank.user(roles=[("staff", {"community_id": community})])
    member = bank.user(roles=[("partner_member", {"partner_id": theirs}),
                              ("staff", {"community_id": community})])
    admin = bank.user(roles=[("admin", {})])

    def create(uid, name, partner_id):
        return client.post(f"{MALL}/merchants", headers=bank.headers(uid), json={
            "name": name, "community_id": community, "partner_id": partner_id})

    missing = create(staff, "无此合伙人的店", 99999)
    assert missing.status_code == 404 and bank.count(Merchant) == 0
    assert create(staff, "冒用合伙人的店", theirs).status_code == 403
    assert bank.count(Merchant) == 0
    assert create(staff, "本社区合伙人的店", ours).status_code == 201
    assert create(member, "自家合伙人的店", theirs).status_code == 201
    assert create(admin, "管理员开的店", theirs).status_code == 201


def test_item_and_merchant_texts_go_through_the_content_check(bank, client, shop):
    h = bank.headers(shop["member"])
    body = {"merchant_id": shop["merchant"], "title": "大米", "kind": "goods",
            "price_points": 5, "stock": 1}
    for field in ("title", "description"):
        resp = client.post(f"{MALL}/items", headers=h, json={**body, field: "违禁词大促"})
        assert resp.status_code == 422, field
        assert resp.get_json()["error"]["code"] == "content_rejected"
        assert field in resp.get_json()["error"]["details"]["fields"]
    down = client.post(f"{MALL}/items", headers=h, json={**body, "title": "米 [wechat-down]"})
    assert down.status_code == 503
    assert down.get_json()["error"]["code"] == "content_check_unavailable"
    assert bank.count(MallItem) == 1  # only the fixture's
    resp = client.patch(f"{MALL}/items/{shop['item']}", headers=h,
                        json={"description": "违禁词"})
    assert resp.status_code == 422
    assert bank.scalar(sa.select(MallItem.description).where(
        MallItem.id == shop["item"])) == ""
    staff = bank.user(roles=[("staff", {"community_id": bank.community()})])
    resp = client.post(f"{MALL}/merchants", headers=bank.headers(staff),
                       json={"name": "违禁词商店", "community_id": bank.community()})
    assert resp.status_code == 422


def test_items_list_pages_with_a_fixed_number_of_queries(bank, client, shop, app):
    for i in range(30):
        bank.item(shop["merchant"], title=f"商品{i}")
    h = bank.headers(bank.user())
    counts = []
    seen = []

    def listener(*args):
        seen.append(1)

    with app.app_context():
        engine = db.engine
    client.get(f"{MALL}/items?limit=1", headers=h)  # the session is kept after a first request
    for limit in (1, 50):
        seen.clear()
        sa.event.listen(engine, "before_cursor_execute", listener)
        resp = client.get(f"{MALL}/items?limit={limit}", headers=h)
        sa.event.remove(engine, "before_cursor_execute", listener)
        assert len(resp.get_json()["items"]) == min(limit, 31)
        counts.append(len(seen))
    assert counts[0] == counts[1] <= 4


def test_close_voucher_refunds_once_and_a_redeem_key_buys_once(bank, shop, app):
    uid = bank.user(points=10)
    with app.app_context():
        voucher, balance = mall.redeem(user_id=uid, item_id=shop["item"], key="svc-1")
        again, _ = mall.redeem(user_id=uid, item_id=shop["item"], key="svc-1")
        assert again.id == voucher.id and balance == 0
        closed, refund = mall.close_voucher(voucher.id, "cancelled")
        _, second = mall.close_voucher(voucher.id, "cancelled")
        db.session.commit()
        assert closed.status == "cancelled" and refund.amount == 10 and second is None
        _, early = mall.close_voucher(voucher.id, "expired")
        assert early is None
    assert bank.balance(uid) == 10

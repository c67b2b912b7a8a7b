"""Subscribe messages: templates from config, data in each template's own keys, the page for
the receiver's role, and WeChat's 43101 recorded as "not subscribed" rather than a failure."""
import logging

import pytest
import sqlalchemy as sa

TEMPLATES = {
    "accepted": {"template_id": "tpl-progress",
                 "keys": {"thing1": "title", "character_string2": "body", "time3": "time"}},
    "dispatched": {"template_id": "tpl-task", "keys": {"thing5": "body", "phrase2": "title"}},
}


@pytest.fixture
def templates(app, monkeypatch):
    monkeypatch.setitem(app.config, "WECHAT_TEMPLATES", TEMPLATES)
    return TEMPLATES


def _notes(app, who, kind):
    from app.auth.models import User
    from app.extensions import db
    from app.notifications.models import Notification

    with app.app_context():
        uid = db.session.scalar(sa.select(User.id).where(User.openid == who))
        return [n.id for n in db.session.scalars(sa.select(Notification).where(
            Notification.user_id == uid, Notification.kind == kind).order_by(Notification.id))]


def _push(app, note_id):
    """Run the send job for one item (the queue may hold it when Redis is configured)."""
    from app.extensions import db
    from app.notifications.models import Notification
    from app.notifications.service import send_subscribe_message
    from app.wechat import get_client

    with app.app_context():
        # Without Redis the job already ran inline after the step's commit; a job pushes an
        # item once, so clear its mark to run the job again under this test's settings.
        db.session.get(Notification, note_id).push_status = None
        db.session.commit()
        fake = get_client()
        fake.sent.clear()
        send_subscribe_message(note_id)
        db.session.commit()
        status = db.session.get(Notification, note_id).push_status
        db.session.remove()
        return (fake.sent[-1] if fake.sent else None), status


def test_templates_come_from_config(flow, templates):
    resp = flow.client.get("/api/v1/notifications/templates", headers=flow.h("demo-resident-1"))
    assert resp.status_code == 200
    assert resp.get_json() == {"items": [
        {"kind": "accepted", "template_id": "tpl-progress", "keys": TEMPLATES["accepted"]["keys"]},
        {"kind": "dispatched", "template_id": "tpl-task", "keys": TEMPLATES["dispatched"]["keys"]},
    ]}


def test_no_templates_configured_is_an_empty_list(flow):
    resp = flow.client.get("/api/v1/notifications/templates", headers=flow.h("demo-resident-1"))
    assert resp.get_json() == {"items": []}
    assert flow.client.get("/api/v1/notifications/templates").status_code == 401


@pytest.mark.parametrize("bad", [
    [],
    {"accepted": {"keys": {"thing1": "title"}}},
    {"accepted": {"template_id": "t", "keys": {}}},
    {"accepted": {"template_id": "t", "keys": {"thing1": "phone"}}},
    {"accepted": {"template_id": "t", "keys": {"thing one": "title"}}},
])
def test_a_template_config_the_sender_cannot_use_is_refused_at_start(bad):
    from app import create_app

    with pytest.raises(RuntimeError, match="WECHAT_TEMPLATES"):
        create_app("testing", {"WECHAT_TEMPLATES": bad})


def test_templates_read_from_the_environment(monkeypatch):
    import config

    monkeypatch.setenv("WECHAT_TEMPLATES", '{"accepted": {"template_id": "t1", '
                                           '"keys": {"thing1": "title"}}}')
    assert config._templates() == {"accepted": {"template_id": "t1", "keys": {"thing1": "title"}}}
    monkeypatch.setenv("WECHAT_TEMPLATES", "accepted=t1")
    with pytest.raises(RuntimeError, match="JSON"):
        config._templates()


def test_message_fills_the_configured_keys_and_opens_the_receivers_page(flow, app, templates):
    rid = flow.to_state("accepted")
    sent, status = _push(app, _notes(app, "demo-resident-1", "accepted")[-1])
    assert status == "sent"
    assert sent["template_id"] == "tpl-progress"
    assert sent["page"] == f"packages/resident/request/index?id={rid}"
    assert set(sent["data"]) == {"thing1", "character_string2", "time3"}
    assert sent["data"]["thing1"] == "已有合伙人接单"
    assert sent["data"]["character_string2"].endswith(f"#{rid}")
    assert sent["data"]["time3"].startswith("20") and "年" in sent["data"]["time3"]

    # The partner's message for the same request opens the partner's task page; a phrase
    # key holds at most 5 characters.
    sent, _ = _push(app, _notes(app, "demo-partner-1", "dispatched")[-1])
    assert sent["template_id"] == "tpl-task"
    assert sent["page"] == f"packages/partner/task/index?id={rid}"
    assert set(sent["data"]) == {"thing5", "phrase2"}
    assert len(sent["data"]["phrase2"]) <= 5


def test_each_receiver_gets_the_page_of_their_role(flow, app):
    rid = flow.to_state("accepted")
    flow.do(rid, "cancel", "demo-resident-1", {"reason": "不需要了"})
    staff = flow.client.get("/api/v1/notifications", headers=flow.h("demo-staff-1")).get_json()
    assert {n["page"] for n in staff["items"] if n["ref"] == f"request:{rid}"} == {
        f"packages/staff/dispatch/index?id={rid}"}
    resident = flow.client.get("/api/v1/notifications",
                               headers=flow.h("demo-resident-1")).get_json()["items"]
    partner = flow.client.get("/api/v1/notifications",
                              headers=flow.h("demo-partner-1")).get_json()["items"]
    assert resident[0]["kind"] == partner[0]["kind"] == "cancelled"
    assert resident[0]["page"] == f"packages/resident/request/index?id={rid}"
    assert partner[0]["page"] == f"packages/partner/task/index?id={rid}"

    disputed = flow.to_state("disputed")
    staff = flow.client.get("/api/v1/notifications", headers=flow.h("demo-staff-1")).get_json()
    assert staff["items"][0]["kind"] == "disputed"
    assert staff["items"][0]["page"] == f"packages/staff/resolve/index?id={disputed}"


def test_not_subscribed_is_recorded_not_failed(flow, app, templates, monkeypatch, caplog):
    from app.wechat import WeChatError, WeChatUnavailable, get_client

    flow.to_state("accepted")
    note = _notes(app, "demo-resident-1", "accepted")[-1]
    with app.app_context():
        fake = get_client()

    def refuse(*args, **kwargs):
        raise WeChatError(43101, "user refuse to accept the msg")

    monkeypatch.setattr(fake, "send_subscribe_message", refuse)
    caplog.set_level(logging.INFO, logger="app.notifications.service")
    caplog.clear()
    assert _push(app, note)[1] == "not_subscribed"
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]

    def down(*args, **kwargs):
        raise WeChatUnavailable()

    monkeypatch.setattr(fake, "send_subscribe_message", down)
    assert _push(app, note)[1] == "failed"
    assert [r for r in caplog.records if r.levelno == logging.WARNING]


def test_real_mode_without_a_template_sends_nothing(flow, app, monkeypatch):
    flow.to_state("accepted")
    note = _notes(app, "demo-resident-1", "accepted")[-1]
    monkeypatch.setitem(app.config, "WECHAT_MODE", "real")
    sent, status = _push(app, note)
    assert (sent, status) == (None, "no_template")


def test_long_text_is_cut_to_the_key_type():
    from app.notifications.service import _fit

    assert _fit("thing1", "一" * 30) == "一" * 19 + "…"
    assert _fit("phrase3", "已有合伙人接单") == "已有合伙人"
    assert _fit("time2", "2026年1月2日 09:30") == "2026年1月2日 09:30"

"""WeChat's image check: attached photos are sent to `mediaCheckAsync`; the verdict comes back
at `POST /wechat/callback`, which checks WeChat's signature. A rejected photo is hidden and its
uploader told."""
import hashlib
import time

import pytest
import responses
import sqlalchemy as sa
from responses import matchers

from tests.factories import pdf_bytes

TOKEN = "test-push-token"


def _signed(timestamp=None, nonce="n0nce", token=TOKEN):
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    sig = hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode(),  # noqa: S324
                       usedforsecurity=False).hexdigest()
    return f"signature={sig}&timestamp={timestamp}&nonce={nonce}"


def _verdict(trace_id, suggest, **extra):
    return {"ToUserName": "gh_x", "FromUserName": "o-user", "CreateTime": int(time.time()),
            "MsgType": "event", "Event": "wxa_media_check", "trace_id": trace_id,
            "version": 2, "errcode": 0, "errmsg": "ok",
            "result": {"suggest": suggest, "label": 20002 if suggest == "risky" else 100},
            "detail": [], **extra}


def _notes(app, openid, kind="photo_rejected"):
    from app.auth.models import User
    from app.extensions import db
    from app.notifications.models import Notification

    with app.app_context():
        return list(db.session.scalars(sa.select(Notification.title).join(
            User, User.id == Notification.user_id).where(User.openid == openid,
                                                         Notification.kind == kind)))


def _listed(files, rid):
    """The request's line in the staff queue (its photos are read with the page)."""
    page = files.client.get("/api/v1/requests?scope=community&limit=100",
                            headers=files.h("demo-staff-1")).get_json()["items"]
    return next(line for line in page if line["id"] == rid)


def test_attached_photo_is_checked_and_passes(files):
    fid = files.photo("demo-resident-1")
    assert files.stored(fid).check_status == "none"   # nobody else sees it yet
    files.create_with([fid])
    files.run_jobs()
    stored = files.stored(fid)
    assert stored.check_status == "passed" and stored.check_trace_id


def test_pdfs_are_not_sent_to_the_image_check(files):
    fid = files.upload("demo-resident-1", pdf_bytes(), filename="a.pdf")["id"]
    files.create_with([fid])
    files.run_jobs()
    assert files.stored(fid).check_status == "none"


def test_rejected_photo_is_hidden_and_its_uploader_told(files, app):
    files.bind("neighbour-photo-risky")
    fid = files.photo("neighbour-photo-risky")
    rid = files.create_with([fid], who="neighbour-photo-risky", description="")["id"]
    files.run_jobs()
    assert files.stored(fid).check_status == "rejected"
    assert files.get(rid, "demo-staff-1")["photos"] == []
    assert files.get(rid, "neighbour-photo-risky")["photos"] == []
    assert _listed(files, rid)["photos"] == []
    for who in ("demo-staff-1", "neighbour-photo-risky", "demo-admin"):
        assert files.client.get(f"/api/v1/files/{fid}",
                                headers=files.h(who)).status_code == 404, who
    assert _notes(app, "neighbour-photo-risky") == ["图片未通过审核"]


def test_verdict_arrives_at_the_signed_callback(files, app):
    files.bind("neighbour-photo-async")
    keep = files.photo("neighbour-photo-async")
    bad = files.photo("neighbour-photo-async")
    rid = files.create_with([keep, bad], who="neighbour-photo-async")["id"]
    files.run_jobs()
    pending = {f: files.stored(f) for f in (keep, bad)}
    assert all(p.check_status == "pending" and p.check_trace_id for p in pending.values())
    assert len(files.get(rid, "demo-staff-1")["photos"]) == 2  # shown while WeChat checks

    def push(trace_id, suggest):
        return files.client.post(f"/api/v1/wechat/callback?{_signed()}",
                                 json=_verdict(trace_id, suggest))

    resp = push(pending[keep].check_trace_id, "pass")
    assert resp.status_code == 200 and resp.data == b"success"
    assert push(pending[bad].check_trace_id, "risky").status_code == 200
    assert push(pending[bad].check_trace_id, "risky").status_code == 200  # WeChat retries
    assert files.stored(keep).check_status == "passed"
    assert files.stored(bad).check_status == "rejected"
    assert [p["id"] for p in files.get(rid, "demo-staff-1")["photos"]] == [keep]
    assert [p["id"] for p in _listed(files, rid)["photos"]] == [keep]  # the queue's line too
    assert _notes(app, "neighbour-photo-async") == ["图片未通过审核"]  # told once
    # A verdict for a check nobody asked for, or one already decided, changes nothing.
    assert push("unknown-trace", "risky").status_code == 200
    assert push(pending[keep].check_trace_id, "risky").status_code == 200
    assert files.stored(keep).check_status == "passed"


@pytest.mark.parametrize("query", [
    "",                                                            # unsigned
    "signature=0000&timestamp=1700000000&nonce=x",                 # wrong signature
    _signed(token="another-token"),                                # signed with another token
    _signed(timestamp=int(time.time()) - 3600),                    # an hour old (replayed)
    _signed(timestamp="abc"),
])
def test_callback_with_a_wrong_signature_is_403_and_changes_nothing(files, query):
    files.bind("neighbour-photo-async")
    fid = files.photo("neighbour-photo-async")
    files.create_with([fid], who="neighbour-photo-async")
    files.run_jobs()
    trace_id = files.stored(fid).check_trace_id
    resp = files.client.post(f"/api/v1/wechat/callback?{query}",
                             json=_verdict(trace_id, "risky"))
    assert resp.status_code == 403
    assert resp.get_json()["error"]["code"] == "invalid_signature"
    assert files.stored(fid).check_status == "pending"


def test_callback_url_check_echoes_only_with_a_good_signature(files):
    ok = files.client.get(f"/api/v1/wechat/callback?{_signed()}&echostr=abc123")
    assert ok.status_code == 200 and ok.data == b"abc123"
    bad = files.client.get("/api/v1/wechat/callback?signature=x&timestamp=1&nonce=1&echostr=a")
    assert bad.status_code == 403


def test_callback_refuses_everything_without_a_configured_token(files, app, monkeypatch):
    monkeypatch.setitem(app.config, "WECHAT_PUSH_TOKEN", "")
    resp = files.client.post(f"/api/v1/wechat/callback?{_signed(token='')}",
                             json=_verdict("t", "pass"))
    assert resp.status_code == 403


def test_callback_body_that_is_not_json_is_400(files):
    resp = files.client.post(f"/api/v1/wechat/callback?{_signed()}", data=b"<xml/>",
                             content_type="text/xml")
    assert resp.status_code == 400 and resp.get_json()["error"]["code"] == "bad_request"
    other = files.client.post(f"/api/v1/wechat/callback?{_signed()}",
                              json={"MsgType": "event", "Event": "user_enter_tempsession"})
    assert other.status_code == 200 and other.data == b"success"


def test_check_unavailable_leaves_the_photo_shown_and_check_photos_asks_again(files, app,
                                                                          monkeypatch):
    from app.files import jobs
    from app.wechat import get_client
    from app.wechat.base import ContentVerdict, MediaCheck

    files.bind("neighbour-photo-down")
    fid = files.photo("neighbour-photo-down")
    rid = files.create_with([fid], who="neighbour-photo-down")["id"]
    files.run_jobs()
    assert files.stored(fid).check_status == "none"
    assert len(files.get(rid, "demo-staff-1")["photos"]) == 1
    with app.app_context():
        client = get_client()
        seen = []

        def answer(media_url, openid):
            seen.append(media_url)
            return MediaCheck(trace_id="retry-1", verdict=ContentVerdict("pass"))

        monkeypatch.setattr(client, "media_check_async", answer)
        assert jobs.check_photos() == 1
    assert files.stored(fid).check_status == "passed"
    # WeChat fetches the photo itself: an absolute URL signed for the check, readable once.
    assert seen[0].startswith(f"http://testserver/api/v1/files/{fid}?exp=")
    assert files.client.get(seen[0][len("http://testserver"):]).status_code == 200


def test_check_photos_commits_each_photo_so_a_failure_keeps_the_ones_before(files, app,
                                                                           monkeypatch):
    from app.files import jobs, service
    from app.wechat import get_client
    from app.wechat.base import ContentVerdict, MediaCheck, WeChatUnavailable

    def unavailable(media_url, openid):
        raise WeChatUnavailable()

    files.bind("neighbour-photo-batch")
    first, second = (files.photo("neighbour-photo-batch") for _ in range(2))
    with app.app_context():
        client = get_client()
    monkeypatch.setattr(client, "media_check_async", unavailable)
    files.create_with([first, second], who="neighbour-photo-batch")
    files.run_jobs()
    assert {files.stored(f).check_status for f in (first, second)} == {"none"}
    asked = []
    real_check = service.request_check

    def check_then_break(file_id):
        asked.append(file_id)
        if len(asked) == 2:
            raise RuntimeError("worker lost")
        real_check(file_id)

    monkeypatch.setattr(client, "media_check_async", lambda url, openid: MediaCheck(
        trace_id=f"batch-{len(asked)}", verdict=ContentVerdict("pass")))
    monkeypatch.setattr(service, "request_check", check_then_break)
    with app.app_context(), pytest.raises(RuntimeError):
        jobs.check_photos()
    assert asked == [first, second]
    assert files.stored(first).check_status == "passed"
    assert files.stored(second).check_status == "none"


def test_the_check_url_reads_attached_photos_only(files, app):
    from app.files import service

    loose = files.photo("demo-resident-1")
    with app.test_request_context():
        url = service.signed_url(loose, service.CHECKER)
    assert files.client.get(url).status_code == 404


def test_real_client_sends_media_check_async():
    from app.wechat.real import RealWeChatClient

    wc = RealWeChatClient(appid="wx-app", secret="s3cret", timeout=2)
    with responses.RequestsMock() as rsps:
        rsps.post("https://api.weixin.qq.com/cgi-bin/stable_token",
                  json={"access_token": "T1", "expires_in": 7200})
        rsps.post("https://api.weixin.qq.com/wxa/media_check_async",
                  json={"errcode": 0, "errmsg": "ok", "trace_id": "trace-42"},
                  match=[matchers.query_param_matcher({"access_token": "T1"}),
                         matchers.json_params_matcher({
                             "media_url": "https://api.example.org/api/v1/files/1?sig=x",
                             "media_type": 2, "version": 2, "openid": "o-1", "scene": 2})])
        check = wc.media_check_async("https://api.example.org/api/v1/files/1?sig=x", "o-1")
    assert check.trace_id == "trace-42" and check.verdict is None


def test_real_client_without_a_trace_id_is_unavailable():
    from app.wechat.base import WeChatUnavailable
    from app.wechat.real import RealWeChatClient

    wc = RealWeChatClient(appid="wx-app", secret="s3cret", timeout=2)
    with responses.RequestsMock() as rsps:
        rsps.post("https://api.weixin.qq.com/cgi-bin/stable_token",
                  json={"access_token": "T1", "expires_in": 7200})
        rsps.post("https://api.weixin.qq.com/wxa/media_check_async",
                  json={"errcode": 0, "errmsg": "ok"})
        with pytest.raises(WeChatUnavailable):
            wc.media_check_async("https://x/1", "o-1")

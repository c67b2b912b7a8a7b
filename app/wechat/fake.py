"""A fake WeChat that follows WeChat's documented answers, for development and tests.

- `code2session`: `test:<openid>` (optionally `test:<openid>@<nonce>` to get a fresh code
  for the same user) is accepted once; a reused code gives 40163, anything else 40029.
  An openid starting with `risky-` gives 40226 (high-risk user).
- `phone_number`: `test-phone:<11 digits>` (optionally `@<nonce>`), single-use like the real one.
- `check_text`: text containing `违禁词` is `risky`; text containing `[wechat-down]` makes the
  check unavailable, so callers can exercise their fail-closed path.
- `send_subscribe_message`: recorded in `sent` (this process only; for tests and logs).
- `media_check_async`: answers at once with a `pass` verdict; `risky` when the uploader's openid
  contains `photo-risky`; no verdict yet (left for the push callback, as WeChat does) when it
  contains `photo-async`; unavailable when it contains `photo-down`.
"""
import hashlib
import logging
import re
import uuid

from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.wechat.base import (
    ContentVerdict,
    MediaCheck,
    PhoneInfo,
    SessionInfo,
    WeChatClient,
    WeChatError,
    WeChatUnavailable,
)
from app.wechat.models import UsedFakeCode

log = logging.getLogger(__name__)
LOGIN_CODE = re.compile(r"^test:([A-Za-z0-9_\-]{1,64})(@[A-Za-z0-9_\-]{1,64})?$")
PHONE_CODE = re.compile(r"^test-phone:(1\d{10})(@[A-Za-z0-9_\-]{1,64})?$")
BANNED_MARKER = "违禁词"
DOWN_MARKER = "[wechat-down]"
RISKY_PHOTO, ASYNC_PHOTO, PHOTO_DOWN = "photo-risky", "photo-async", "photo-down"


class FakeWeChatClient(WeChatClient):
    def __init__(self):
        self.sent: list[dict] = []

    def _use_once(self, code: str) -> None:
        try:
            with db.session.begin_nested():
                db.session.add(UsedFakeCode(code=code))
        except IntegrityError:
            raise WeChatError(40163, "code been used") from None

    def code2session(self, code: str) -> SessionInfo:
        m = LOGIN_CODE.match(code or "")
        if not m:
            raise WeChatError(40029, "invalid code")
        openid = m.group(1)
        self._use_once(code)
        if openid.startswith("risky-"):
            raise WeChatError(40226, "invalid scope, high risk user")
        session_key = hashlib.sha256(f"fake-session:{code}".encode()).hexdigest()[:24]
        return SessionInfo(openid=openid, session_key=session_key)

    def phone_number(self, code: str) -> PhoneInfo:
        m = PHONE_CODE.match(code or "")
        if not m:
            raise WeChatError(40029, "invalid code")
        self._use_once(code)
        return PhoneInfo(phone=m.group(1))

    def check_text(self, content: str, openid: str) -> ContentVerdict:
        if DOWN_MARKER in content:
            raise WeChatUnavailable()
        if BANNED_MARKER in content:
            return ContentVerdict(suggest="risky", label=20001)
        return ContentVerdict(suggest="pass")

    def send_subscribe_message(self, openid, template_id, data, page=None) -> None:
        self.sent.append({"touser": openid, "template_id": template_id, "data": data,
                          "page": page})
        log.info("fake subscribe message template=%s", template_id)

    def media_check_async(self, media_url: str, openid: str) -> MediaCheck:
        if PHOTO_DOWN in openid:
            raise WeChatUnavailable()
        trace_id = f"fake-{uuid.uuid4().hex}"
        if ASYNC_PHOTO in openid:
            return MediaCheck(trace_id=trace_id)
        verdict = (ContentVerdict(suggest="risky", label=20002) if RISKY_PHOTO in openid
                   else ContentVerdict(suggest="pass"))
        return MediaCheck(trace_id=trace_id, verdict=verdict)

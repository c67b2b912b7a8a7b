"""WeChat's HTTPS APIs through `requests`.

The access token comes from `cgi-bin/stable_token`, which does not invalidate tokens other
processes hold, and is cached in Redis (shared by every process) when Redis is configured,
otherwise in this process until shortly before it expires. The cache key carries the appid so
that two apps sharing one Redis never use each other's token.

Anything WeChat answers that is not a JSON object with the fields we need is treated like an
outage (`WeChatUnavailable`), never as an unexpected exception.
"""
import logging
import threading
import time

import requests

from app.wechat.base import (
    ContentVerdict,
    MediaCheck,
    PhoneInfo,
    SessionInfo,
    WeChatClient,
    WeChatError,
    WeChatUnavailable,
)

log = logging.getLogger(__name__)
BASE = "https://api.weixin.qq.com"
TOKEN_KEY = "wechat:access_token:{appid}"  # noqa: S105 (a cache key)
TOKEN_MARGIN = 300  # refresh five minutes before WeChat's expiry
STALE_TOKEN_CODES = {40001, 42001}
SCENE = 2  # the scene of user content others see (评论), as for text
MEDIA_IMAGE = 2


class RealWeChatClient(WeChatClient):
    def __init__(self, appid: str, secret: str, timeout: float = 5, redis=None,
                 session: requests.Session | None = None):
        self.appid = appid
        self.secret = secret
        self.timeout = timeout
        self.redis = redis
        self.http = session or requests.Session()
        self._local_token: tuple[str, float] | None = None
        self._lock = threading.Lock()

    # -- transport ---------------------------------------------------------
    def _call(self, method: str, path: str, **kwargs) -> dict:
        try:
            resp = self.http.request(method, BASE + path, timeout=self.timeout, **kwargs)
            resp.raise_for_status()
            body = resp.json()
        except requests.Timeout:
            log.warning("wechat call timed out path=%s", path)
            raise WeChatUnavailable() from None
        except (requests.RequestException, ValueError) as exc:
            log.warning("wechat call failed path=%s error=%s", path, type(exc).__name__)
            raise WeChatUnavailable() from None
        if not isinstance(body, dict):
            log.warning("wechat answer without a JSON object path=%s", path)
            raise WeChatUnavailable()
        try:
            errcode = int(body.get("errcode") or 0)
        except (TypeError, ValueError):
            log.warning("wechat answer with a malformed errcode path=%s", path)
            raise WeChatUnavailable() from None
        if errcode != 0:
            log.info("wechat refused path=%s errcode=%s", path, errcode)
            raise WeChatError(errcode, body.get("errmsg", ""))
        return body

    def _with_token(self, method: str, path: str, **kwargs) -> dict:
        """Call an API that needs the access token; refresh once if WeChat says it is stale."""
        for attempt in range(2):
            token = self._access_token(force=attempt > 0)
            try:
                return self._call(method, path, params={"access_token": token}, **kwargs)
            except WeChatError as err:
                if err.errcode not in STALE_TOKEN_CODES or attempt:
                    raise
        raise AssertionError("unreachable")

    # -- access token --------------------------------------------------------
    @property
    def _token_key(self) -> str:
        return TOKEN_KEY.format(appid=self.appid)

    def _access_token(self, force: bool = False) -> str:
        if not force:
            cached = self._cached_token()
            if cached:
                return cached
        body = self._call("POST", "/cgi-bin/stable_token", json={
            "grant_type": "client_credential", "appid": self.appid,
            "secret": self.secret, "force_refresh": False,
        })
        token = body.get("access_token")
        try:
            expires_in = int(body.get("expires_in", 7200))
        except (TypeError, ValueError):
            expires_in = 0
        if not isinstance(token, str) or not token or expires_in <= 0:
            log.warning("wechat stable_token answered without a usable token")
            raise WeChatUnavailable()
        # Refresh early, but never keep a token past the expiry WeChat announced.
        ttl = max(min(60, expires_in), expires_in - TOKEN_MARGIN)
        if self.redis is not None:
            try:
                self.redis.set(self._token_key, token, ex=ttl)
            except Exception:  # a Redis outage must not stop the call
                log.warning("could not cache the access token in redis")
        with self._lock:
            self._local_token = (token, time.monotonic() + ttl)
        return token

    def _cached_token(self) -> str | None:
        if self.redis is not None:
            try:
                value = self.redis.get(self._token_key)
                if value:
                    return value.decode() if isinstance(value, bytes) else value
            except Exception:
                log.warning("redis unavailable for the access token cache")
        with self._lock:
            if self._local_token and self._local_token[1] > time.monotonic():
                return self._local_token[0]
        return None

    # -- the interface -------------------------------------------------------
    def code2session(self, code: str) -> SessionInfo:
        body = self._call("GET", "/sns/jscode2session", params={
            "appid": self.appid, "secret": self.secret, "js_code": code,
            "grant_type": "authorization_code",
        })
        if not body.get("openid") or not body.get("session_key"):
            raise WeChatUnavailable()
        return SessionInfo(openid=body["openid"], session_key=body["session_key"],
                           unionid=body.get("unionid"))

    def phone_number(self, code: str) -> PhoneInfo:
        body = self._with_token("POST", "/wxa/business/getuserphonenumber", json={"code": code})
        info = _object(body, "phone_info")
        phone = str(info.get("purePhoneNumber") or "")
        if not phone.isdigit():
            raise WeChatUnavailable()
        return PhoneInfo(phone=phone, country_code=str(info.get("countryCode") or "86"))

    def check_text(self, content: str, openid: str) -> ContentVerdict:
        body = self._with_token("POST", "/wxa/msg_sec_check", json={
            "content": content, "version": 2, "scene": SCENE, "openid": openid,
        })
        result = _object(body, "result")
        try:
            label = int(result.get("label", 100))
        except (TypeError, ValueError):
            label = None
        if result.get("suggest") not in ("pass", "review", "risky") or label is None:
            raise WeChatUnavailable()  # callers fail closed on an answer they cannot read
        return ContentVerdict(suggest=result["suggest"], label=label)

    def media_check_async(self, media_url: str, openid: str) -> MediaCheck:
        body = self._with_token("POST", "/wxa/media_check_async", json={
            "media_url": media_url, "media_type": MEDIA_IMAGE, "version": 2,
            "openid": openid, "scene": SCENE,
        })
        trace_id = body.get("trace_id")
        if not isinstance(trace_id, str) or not trace_id:
            raise WeChatUnavailable()  # without a trace id the verdict could not be matched
        return MediaCheck(trace_id=trace_id)

    def send_subscribe_message(self, openid, template_id, data, page=None) -> None:
        payload = {"touser": openid, "template_id": template_id,
                   "data": {k: {"value": v} for k, v in data.items()}}
        if page:
            payload["page"] = page
        self._with_token("POST", "/cgi-bin/message/subscribe/send", json=payload)


def _object(body: dict, key: str) -> dict:
    value = body.get(key)
    return value if isinstance(value, dict) else {}

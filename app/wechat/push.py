"""WeChat's message push (消息推送): the signature check and a table of event handlers.

WeChat signs each push with `signature = sha1(''.join(sorted([token, timestamp, nonce])))`,
where `token` is the one set in the mini-program's admin console (`WECHAT_PUSH_TOKEN`). The
plain-text mode signs the query, not the body, so a push is also refused when its timestamp is
far from now, and handlers act only on things the app itself started (a pending image check's
`trace_id`), once.

Domains register what they handle: `register_handler("wxa_media_check", fn)`; `fn(message)`
gets the decoded JSON message. Registration is code, done at import, the same in every process.
"""
import hashlib
import hmac
import logging
import time
from collections.abc import Callable

log = logging.getLogger(__name__)
MAX_SKEW_SECONDS = 600
HANDLERS: dict[str, Callable[[dict], None]] = {}


def register_handler(event: str, fn: Callable[[dict], None]) -> None:
    HANDLERS[event] = fn


def signature(token: str, timestamp: str, nonce: str) -> str:
    return hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode(),  # noqa: S324
                        usedforsecurity=False).hexdigest()


def verify(token: str | None, sig: str | None, timestamp: str | None, nonce: str | None,
           now: float | None = None) -> bool:
    """True only for a correct signature over a timestamp within ten minutes of now."""
    if not (token and sig and timestamp and nonce):
        return False
    if not hmac.compare_digest(signature(token, timestamp, nonce).encode(), sig.encode()):
        return False
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    return abs((now if now is not None else time.time()) - sent) <= MAX_SKEW_SECONDS


def dispatch(message: dict) -> bool:
    """Hand the message to its event's handler; False when nothing handles it."""
    event = message.get("Event") if message.get("MsgType") == "event" else None
    handler = HANDLERS.get(event) if isinstance(event, str) else None
    if handler is None:
        log.info("wechat push ignored type=%s event=%s", message.get("MsgType"), event)
        return False
    handler(message)
    return True

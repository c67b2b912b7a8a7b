"""Screening user text with WeChat's content check, failing closed."""
import logging

from app.errors import ApiError
from app.wechat import WeChatError, WeChatUnavailable, get_client

log = logging.getLogger(__name__)


class ContentRejected(ApiError):
    status, code, message = 422, "content_rejected", "内容含有不当信息，请修改后再提交"


def screen(text: str | None, openid: str) -> bool:
    """True: publish. False: hold for staff review (the check said `review` or could not run).
    Raises ContentRejected for text the check flags as risky."""
    if not text:
        return True
    try:
        verdict = get_client().check_text(text, openid)
    except (WeChatUnavailable, WeChatError) as err:
        log.warning("content check unavailable (%s): text held for review", err.code)
        return False
    if verdict.suggest == "risky":
        raise ContentRejected(details={"label": verdict.label})
    return verdict.passed

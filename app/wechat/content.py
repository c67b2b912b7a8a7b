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
        log.warning("content check unavailable code=%s outcome=held_for_review", err.code)
        return False
    if verdict.suggest == "risky":
        raise ContentRejected(details={"label": verdict.label})
    return verdict.passed


class ContentCheckUnavailable(ApiError):
    status, code, message = 503, "content_check_unavailable", "内容审核暂时不可用，请稍后再试"


def require_clean(fields: dict[str, str | None], openid: str) -> None:
    """Check every named text (e.g. {"title": ..., "description": ...}) and refuse the lot
    unless each one passes: for text shown as is to other users, with no held state.

    Flagged text (`risky`, or `review`, which nobody could approve here) is 422
    `content_rejected` naming the field; a check that cannot run is 503
    `content_check_unavailable`, and nothing is written."""
    for name, text in fields.items():
        if not text:
            continue
        try:
            verdict = get_client().check_text(text, openid)
        except (WeChatUnavailable, WeChatError) as err:
            log.warning("content check unavailable code=%s outcome=refused", err.code)
            raise ContentCheckUnavailable(details={"fields": {name: ["暂时无法审核"]}}) from None
        if not verdict.passed:
            raise ContentRejected(details={"fields": {name: ["内容含有不当信息，请修改"]},
                                           "label": verdict.label})

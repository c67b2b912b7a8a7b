"""The interface both WeChat clients follow, and WeChat's error codes mapped to our errors."""
from dataclasses import dataclass, field

from app.errors import ApiError

# errcode -> (http status, our code, zh-CN message)
ERRCODES = {
    40029: (401, "invalid_wechat_code", "微信登录凭证无效，请重新进入小程序"),
    40163: (401, "invalid_wechat_code", "微信登录凭证已被使用，请重新进入小程序"),
    40226: (403, "wechat_high_risk_user", "微信账号存在风险，暂不能登录"),
    45011: (429, "wechat_rate_limited", "操作过于频繁，请稍后再试"),
    -1: (503, "wechat_unavailable", "微信服务繁忙，请稍后再试"),
    40001: (503, "wechat_unavailable", "微信接口凭证失效，请稍后再试"),
    42001: (503, "wechat_unavailable", "微信接口凭证过期，请稍后再试"),
    43101: (409, "wechat_not_subscribed", "用户未订阅该消息"),
    87014: (422, "content_rejected", "内容含有违规信息"),
}


class WeChatError(ApiError):
    """An answer from WeChat with a non-zero errcode."""

    def __init__(self, errcode: int, errmsg: str = ""):
        status, code, message = ERRCODES.get(
            errcode, (502, "wechat_error", "微信服务返回错误，请稍后再试"))
        super().__init__(code=code, message=message, status=status,
                         details={"errcode": errcode})
        self.errcode = errcode
        self.errmsg = errmsg


class WeChatUnavailable(ApiError):
    """WeChat could not be reached in time (network error, timeout, bad answer)."""

    status, code, message = 503, "wechat_unavailable", "微信服务暂时不可用，请稍后再试"


@dataclass
class SessionInfo:
    openid: str
    session_key: str = field(repr=False)  # never logged, never returned
    unionid: str | None = None


@dataclass
class PhoneInfo:
    phone: str  # purePhoneNumber, digits only
    country_code: str = "86"


@dataclass
class ContentVerdict:
    suggest: str  # "pass" | "review" | "risky"
    label: int = 100

    @property
    def passed(self) -> bool:
        return self.suggest == "pass"


@dataclass
class MediaCheck:
    """An image check WeChat accepted. Its verdict arrives later at the message-push callback
    (`wxa_media_check`, same `trace_id`); the fake client gives it at once."""

    trace_id: str
    verdict: ContentVerdict | None = None


class WeChatClient:
    """What the app needs from WeChat. Both implementations raise WeChatError/WeChatUnavailable."""

    def code2session(self, code: str) -> SessionInfo:
        raise NotImplementedError

    def phone_number(self, code: str) -> PhoneInfo:
        raise NotImplementedError

    def check_text(self, content: str, openid: str) -> ContentVerdict:
        raise NotImplementedError

    def send_subscribe_message(self, openid: str, template_id: str, data: dict,
                               page: str | None = None) -> None:
        raise NotImplementedError

    def media_check_async(self, media_url: str, openid: str) -> MediaCheck:
        """Ask WeChat to check the image at `media_url` (which WeChat fetches itself)."""
        raise NotImplementedError

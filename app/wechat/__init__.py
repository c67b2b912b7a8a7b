"""WeChat API client: one interface, a real implementation over HTTPS and a documented fake.

Use `get_client()`; it returns the implementation chosen by `WECHAT_MODE`.
"""
from flask import current_app

from app.wechat.base import (  # noqa: F401
    ContentVerdict,
    MediaCheck,
    PhoneInfo,
    SessionInfo,
    WeChatClient,
    WeChatError,
    WeChatUnavailable,
)
from app.wechat.fake import FakeWeChatClient
from app.wechat.real import RealWeChatClient


def get_client() -> WeChatClient:
    client = current_app.extensions.get("wechat_client")
    if client is None:
        if current_app.config["WECHAT_MODE"] == "real":
            client = RealWeChatClient(
                appid=current_app.config["WECHAT_APPID"],
                secret=current_app.config["WECHAT_SECRET"],
                timeout=current_app.config["WECHAT_TIMEOUT"],
                redis=current_app.extensions.get("redis"),
            )
        else:
            client = FakeWeChatClient()
        current_app.extensions["wechat_client"] = client
    return client

"""Validation messages in Chinese, translated in one place on their way out.

marshmallow and webargs write their messages in English ("Must be greater than or equal to 1.",
"Missing data for required field."). `translate_fields` turns every message of an error's
`details.fields` into Chinese, keeping its parameters (bounds, lengths, choices). Messages the
project writes itself are Chinese already and pass unchanged. Anything still without a Chinese
character (a message added by a newer library version) becomes the generic `FALLBACK` rather
than reach a user in English; tests/test_messages.py lists every library default, so a new one
shows up there first.
"""
import logging
import re

log = logging.getLogger(__name__)

FALLBACK = "格式不正确"

EXACT = {
    # marshmallow fields.Field and Schema
    "Missing data for required field.": "此项必填",
    "Field may not be null.": "此项不能为空",
    "Invalid value.": "值无效",
    "Unknown field.": "不支持此字段",
    "Invalid input type.": "提交内容的类型不正确",
    "Invalid type.": "类型不正确",
    # typed fields
    "Not a valid list.": "须为列表",
    "Not a valid tuple.": "须为列表",
    "Not a valid string.": "须为文字",
    "Not a valid utf-8 string.": "含有无效的字符",
    "Not a valid UUID.": "编号格式不正确",
    "Not a valid number.": "须为数字",
    "Number too large.": "数值过大",
    "Not a valid integer.": "须为整数",
    "Special numeric values (nan or infinity) are not permitted.": "须为有效的数字",
    "Not a valid boolean.": "须为是或否（true 或 false）",
    "Not a valid datetime.": "日期时间格式不正确",
    "Not a valid date.": "日期格式不正确",
    "Not a valid time.": "时间格式不正确",
    "Not a valid period of time.": "时长格式不正确",
    "Not a valid mapping type.": "须为对象",
    "Not a valid URL.": "网址格式不正确",
    "Not a valid email address.": "邮箱格式不正确",
    "Not a valid IP address.": "IP 地址格式不正确",
    "Not a valid IPv4 address.": "IP 地址格式不正确",
    "Not a valid IPv6 address.": "IP 地址格式不正确",
    "Not a valid IP interface.": "IP 地址格式不正确",
    "Not a valid IPv4 interface.": "IP 地址格式不正确",
    "Not a valid IPv6 interface.": "IP 地址格式不正确",
    # validators without parameters
    "String does not match expected pattern.": "格式不正确",
    "Invalid input.": "输入无效",
    # webargs
    "Invalid JSON body.": "请求内容不是有效的 JSON",
}

_BOUND = {"greater than or equal to": "不能小于", "greater than": "须大于",
          "less than or equal to": "不能大于", "less than": "须小于"}
_OP = "|".join(sorted(map(re.escape, _BOUND), key=len, reverse=True))
_UNITS = {"second": "秒", "minute": "分钟", "hour": "小时", "day": "天", "month": "个月",
          "year": "年"}


def _range_both(m: re.Match) -> str:
    low_op, low, high_op, high = m.groups()
    if low_op == "greater than or equal to" and high_op == "less than or equal to":
        return f"须在 {low} 到 {high} 之间"
    return f"{_BOUND[low_op]} {low}，且{_BOUND[high_op]} {high}"


PATTERNS = [
    (re.compile(rf"^Must be ({_OP}) (.+) and ({_OP}) (.+)\.$"), _range_both),
    (re.compile(rf"^Must be ({_OP}) (.+)\.$"), lambda m: f"{_BOUND[m[1]]} {m[2]}"),
    (re.compile(r"^Shorter than minimum length (\d+)\.$"),
     lambda m: "不能为空" if m[1] == "1" else f"长度不能少于 {m[1]}"),
    (re.compile(r"^Longer than maximum length (\d+)\.$"), lambda m: f"长度不能超过 {m[1]}"),
    (re.compile(r"^Length must be between (\d+) and (\d+)\.$"),
     lambda m: f"长度须在 {m[1]} 到 {m[2]} 之间"),
    (re.compile(r"^Length must be (\d+)\.$"), lambda m: f"长度须为 {m[1]}"),
    (re.compile(r"^Must be one of: (.*)\.$", re.S), lambda m: f"须为以下之一：{m[1]}"),
    (re.compile(r"^Must be equal to (.*)\.$", re.S), lambda m: f"须等于 {m[1]}"),
    (re.compile(r"^One or more of the choices you made was not in: (.*)\.$", re.S),
     lambda m: f"所选项须在以下范围内：{m[1]}"),
    (re.compile(r"^One or more of the choices you made was in: (.*)\.$", re.S),
     lambda m: f"所选项不能包含：{m[1]}"),
    (re.compile(r"^Not a valid (aware|naive) (datetime|time)\.$"),
     lambda m: "日期时间须带时区" if m[1] == "aware" else "日期时间不能带时区"),
]

_CHINESE = re.compile(r"[\u3400-\u9fff]")


def is_chinese(text: str) -> bool:
    return bool(_CHINESE.search(text))


def translate(message: str) -> str:
    """One message in Chinese (unchanged if it is already)."""
    if is_chinese(message):
        return message
    if message in EXACT:
        return EXACT[message]
    for pattern, render in PATTERNS:
        m = pattern.match(message)
        if m:
            return render(m)
    log.warning("validation message without a translation length=%s", len(message))
    return FALLBACK


def translate_fields(messages):
    """Every string in a (nested) field -> messages structure, translated; keys unchanged."""
    if isinstance(messages, str):
        return translate(messages)
    if isinstance(messages, dict):
        return {key: translate_fields(value) for key, value in messages.items()}
    if isinstance(messages, (list, tuple)):
        return [translate_fields(value) for value in messages]
    return messages


def rate_limit_text(limit: str) -> str:
    """"20 per 1 minute" (Flask-Limiter's description) -> "每 1 分钟最多 20 次"."""
    m = re.match(r"^(\d+) per (\d+) (second|minute|hour|day|month|year)s?$", limit.strip())
    if not m:
        return "请求过于频繁"
    return f"每 {m[2]} {_UNITS[m[3]]}最多 {m[1]} 次"

"""Every message a user can see is Chinese: validation messages of fields included."""
import itertools
import re

import marshmallow
import pytest
from marshmallow import fields, validate

from app.common.messages import FALLBACK, is_chinese, rate_limit_text, translate


def _field_classes():
    seen, todo = set(), [fields.Field]
    while todo:
        cls = todo.pop()
        if cls not in seen:
            seen.add(cls)
            todo.extend(cls.__subclasses__())
    return [c for c in seen if c.__module__.startswith("marshmallow")]


SAMPLE = {"obj_type": "datetime", "awareness": "aware", "input": "x", "choices": "a, b",
          "type": "str"}


def test_every_marshmallow_default_message_has_its_own_translation():
    messages = {m.format(**SAMPLE) for cls in _field_classes()
                for m in cls.default_error_messages.values()}
    messages |= set(marshmallow.Schema._default_error_messages.values())
    assert len(messages) > 30
    for message in messages:
        if "cannot be formatted" in message:  # output-side only, never a load error
            continue
        out = translate(message)
        assert is_chinese(out) and out != FALLBACK, message


def _message(validator, value):
    with pytest.raises(marshmallow.ValidationError) as err:
        validator(value)
    return err.value.messages[0]


@pytest.mark.parametrize(("validator", "value", "expected"), [
    (validate.Range(min=1), 0, "不能小于 1"),
    (validate.Range(min=0, min_inclusive=False), 0, "须大于 0"),
    (validate.Range(max=100), 101, "不能大于 100"),
    (validate.Range(max=100, max_inclusive=False), 100, "须小于 100"),
    (validate.Range(min=1, max=100), 0, "须在 1 到 100 之间"),
    (validate.Range(min=0, max=100, min_inclusive=False), 0, "须大于 0，且不能大于 100"),
    (validate.Length(min=1), "", "不能为空"),
    (validate.Length(min=2), "a", "长度不能少于 2"),
    (validate.Length(max=32), "a" * 33, "长度不能超过 32"),
    (validate.Length(min=1, max=32), "", "长度须在 1 到 32 之间"),
    (validate.Length(equal=6), "a", "长度须为 6"),
    (validate.OneOf(["staff", "admin"]), "x", "须为以下之一：staff, admin"),
    (validate.Equal(3), 4, "须等于 3"),
    (validate.ContainsOnly(["a", "b"]), ["c"], "所选项须在以下范围内：a, b"),
    (validate.ContainsNoneOf(["a"]), ["a"], "所选项不能包含：a"),
    (validate.Email(), "x", "邮箱格式不正确"),
    (validate.URL(), "x", "网址格式不正确"),
    (validate.Regexp(r"^\d{6}$"), "x", "格式不正确"),
    (validate.NoneOf([0]), 0, "输入无效"),
    (validate.Predicate("isdigit"), "x", "输入无效"),
])
def test_validator_messages_keep_their_parameters(validator, value, expected):
    assert translate(_message(validator, value)) == expected


def test_chinese_messages_pass_unchanged_and_unknown_english_never_leaks():
    assert translate("结束时间须晚于开始时间") == "结束时间须晚于开始时间"
    assert translate("Some message a future version adds.") == FALLBACK


def test_rate_limit_detail_is_chinese():
    assert rate_limit_text("20 per 1 minute") == "每 1 分钟最多 20 次"
    assert rate_limit_text("1000 per 1 hour") == "每 1 小时最多 1000 次"
    assert is_chinese(rate_limit_text("something else"))


# --- through the API: bad bodies and queries on every operation of the OpenAPI document ---

def _resolve(spec, schema):
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _wrong_type(prop):
    return {"string": 12, "integer": "abc", "number": "abc", "boolean": "maybe",
            "array": "x", "object": "x"}.get(prop.get("type"), [[1]])


def _out_of_bounds(spec, prop):
    prop = _resolve(spec, prop)
    kind = prop.get("type")
    if "enum" in prop:
        return "zz-not-a-choice"
    if kind == "integer":
        if "minimum" in prop:
            return int(prop["minimum"]) - 1
        if "maximum" in prop:
            return int(prop["maximum"]) + 1
        return 1.5
    if kind == "number":
        if "minimum" in prop:
            return prop["minimum"] - 1
        return "abc"
    if kind == "string":
        if prop.get("format") in ("date-time", "date", "time", "email", "uri"):
            return "not-a-" + prop["format"]
        if prop.get("minLength"):
            return ""
        if "maxLength" in prop:
            return "长" * (prop["maxLength"] + 1)
        return 12
    if kind == "array":
        items = _resolve(spec, prop.get("items", {}))
        if "minItems" in prop:
            return []
        return [_out_of_bounds(spec, items)] if items else "x"
    return _wrong_type(prop)


def _bodies(spec, schema):
    schema = _resolve(spec, schema)
    props = schema.get("properties", {})
    yield {"zz_not_a_field": 1}
    yield []
    yield {name: _wrong_type(_resolve(spec, p)) for name, p in props.items()}
    yield {name: _out_of_bounds(spec, p) for name, p in props.items()}
    yield dict.fromkeys(props)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _check(resp, seen):
    if resp.status_code < 400:
        return
    err = resp.get_json()["error"]
    assert is_chinese(err["message"]), err
    for text in _strings(err["details"].get("fields", {})):
        assert is_chinese(text), (resp.request.path, err)
        seen.add(text)


def test_bad_bodies_get_chinese_messages_everywhere(client, seeded, login):
    spec = client.get("/api/v1/openapi.json").get_json()
    headers = login("demo-admin")
    seen: set[str] = set()
    count = itertools.count()
    operations = 0
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            if not isinstance(op, dict) or "requestBody" not in op:
                continue
            if "application/json" not in op["requestBody"]["content"]:
                continue  # an upload (multipart): its refusals are tested in tests/files
            operations += 1
            schema = op["requestBody"]["content"]["application/json"]["schema"]
            url = _with_ids(path)
            for body in _bodies(spec, schema):
                resp = client.open(url, method=method.upper(), json=body,
                                   headers={**headers, "Idempotency-Key": f"m-{next(count)}"})
                _check(resp, seen)
    assert operations >= 40
    # the library's own messages were among them, in Chinese and with their parameters
    assert {"此项必填", "不支持此字段", "须为整数", "须为文字", "提交内容的类型不正确"} <= seen
    assert any(t.startswith("长度须在 1 到") for t in seen)
    assert any(t.startswith("须为以下之一：") for t in seen)
    assert any(t.startswith("不能小于 ") or t.startswith("须在 ") for t in seen)


def _with_ids(path):
    """'/requests/{request_id}/accept' -> '/requests/1/accept' (the seeded data has ids 1)."""
    return re.sub(r"\{[^}]+\}", "1", path)


def test_bad_queries_get_chinese_messages_everywhere(client, seeded, login):
    spec = client.get("/api/v1/openapi.json").get_json()
    headers = login("demo-admin")
    seen: set[str] = set()
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            if method != "get" or not isinstance(op, dict):
                continue
            params = [p for p in op.get("parameters", []) if p.get("in") == "query"]
            if not params:
                continue
            query = {p["name"]: _out_of_bounds(spec, p.get("schema", {})) for p in params}
            url = _with_ids(path)
            _check(client.get(url, query_string=query, headers=headers), seen)
            query = {p["name"]: "x" for p in params}
            _check(client.get(url, query_string=query, headers=headers), seen)
    assert seen


def test_a_field_error_reads_in_chinese(client, seeded, login):
    """The case users met: a Range error on an integer field."""
    resp = client.post("/api/v1/timebank/transfers", headers={
        **login("demo-resident-1"), "Idempotency-Key": "zh-1"},
        json={"to_user_id": 0, "amount": 1})
    assert resp.status_code == 422
    assert resp.get_json()["error"]["details"]["fields"]["to_user_id"] == ["不能小于 1"]


def test_rate_limited_answer_is_chinese(app, client, monkeypatch):
    with monkeypatch.context() as m:
        m.setitem(app.config, "LOGIN_RATE_LIMIT", "1 per minute")
        client.post("/api/v1/auth/wechat-login", json={"code": "test:zh-rl@1"})
        resp = client.post("/api/v1/auth/wechat-login", json={"code": "test:zh-rl@2"})
    assert resp.status_code == 429
    err = resp.get_json()["error"]
    assert err["details"] == {"limit": "每 1 分钟最多 1 次"}
    assert is_chinese(err["message"])

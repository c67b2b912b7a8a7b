"""One logging style: every value in a log line is named, `key=%s`, so that lines can be
searched and parsed the same way in every domain."""
import ast
import re
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "app"
LEVELS = {"debug", "info", "warning", "error", "exception", "critical"}
BARE = re.compile(r"(?<![=\w])%[sdrif]")


def _unnamed_values():
    for path in APP.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in LEVELS and isinstance(node.func.value, ast.Name)
                    and node.func.value.id in {"log", "logger"} and node.args):
                continue
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str) \
                    and BARE.search(first.value):
                yield f"{path.relative_to(APP.parent)}:{node.lineno}: {first.value!r}"


def test_every_logged_value_is_named():
    assert list(_unnamed_values()) == []


def test_the_check_sees_a_bare_value():
    assert BARE.search("feedback %s escalated") and not BARE.search("feedback id=%s")

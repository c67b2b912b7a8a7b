"""Dependencies point down: the lower layers import nothing from the domains above them, and
no import hides inside a function."""
import ast
import pathlib

import pytest

APP = pathlib.Path(__file__).resolve().parents[1] / "app"
# Domains above auth (and its layer): auth may import none of them.
ABOVE_AUTH = ("community", "catalog", "notifications", "files", "timebank", "mall", "orders",
              "volunteering", "party", "mediation", "evaluations", "approvals", "stats")


def _imports(path: pathlib.Path):
    """(module imported, line, inside a function?) for every `app...` import of the file."""
    tree = ast.parse(path.read_text())
    nested = {id(node) for fn in ast.walk(tree)
              if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef)
              for node in ast.walk(fn)}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] if node.module != "app" else \
                [f"app.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        for name in names:
            if name == "app" or name.startswith("app."):
                yield name, node.lineno, id(node) in nested


def _files(*parts):
    root = APP.joinpath(*parts)
    return [root] if root.suffix == ".py" else sorted(root.rglob("*.py"))


def test_auth_imports_no_domain_above_it():
    found = [f"{p.relative_to(APP)}:{line} {name}" for p in _files("auth")
             for name, line, _ in _imports(p) if name.split(".")[1] in ABOVE_AUTH]
    assert found == []


@pytest.mark.parametrize("part", ["common", "extensions.py", "errors.py"])
def test_the_lowest_modules_import_nothing_from_the_app_above_them(part):
    """`app/common/` imports only itself; extensions and errors not even that."""
    found = [f"{p.relative_to(APP)}:{line} {name}" for p in _files(part)
             for name, line, _ in _imports(p)
             if not (part == "common" and name.startswith("app.common"))]
    assert found == []


@pytest.mark.parametrize("domain", ["auth", "community", "catalog", "notifications", "files",
                                    "audit", "wechat", "approvals", "common"])
def test_no_app_import_hides_inside_a_function(domain):
    found = [f"{p.relative_to(APP)}:{line} {name}" for p in _files(domain)
             for name, line, inside in _imports(p) if inside]
    assert found == []

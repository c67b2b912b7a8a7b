"""The mall sits on the ledger, never the reverse: nothing in `app/timebank` imports the mall,
neither package imports inside a function, and the mall writes no role grant itself."""
import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"


def _imports(path: Path):
    """(module imported, at module level?) for every import statement of the file."""
    tree = ast.parse(path.read_text())
    top = {id(node) for node in tree.body}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            yield name, id(node) in top


def test_the_time_bank_imports_nothing_of_the_mall():
    offenders = [(path.name, name) for path in (APP / "timebank").glob("*.py")
                 for name, _ in _imports(path)
                 if name.startswith("app.mall") or name.startswith("app.timebank.mall")]
    assert offenders == []


def test_neither_package_imports_inside_a_function():
    offenders = sorted({f"{path.parent.name}/{path.name}: {name}"
                        for package in ("timebank", "mall")
                        for path in (APP / package).glob("*.py")
                        for name, at_top in _imports(path) if not at_top})
    assert offenders == []


def test_the_mall_leaves_writing_role_grants_to_auth():
    for path in (APP / "mall").glob("*.py"):
        calls = [node.func.id for node in ast.walk(ast.parse(path.read_text()))
                 if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)]
        assert "RoleGrant" not in calls, path.name

"""The shape of the volunteering, party, mediation and evaluations packages, read from their
source: imports at the top only and without cycles, dependencies pointing down, one
`get_or_404`, `key=%s` log messages, and volunteering's routes one blueprint per resource."""
import ast
import pathlib
import re

import pytest

APP = pathlib.Path(__file__).resolve().parents[1] / "app"
DOMAINS = ("volunteering", "party", "mediation", "evaluations")


def modules(domain: str) -> dict[str, ast.Module]:
    """{dotted module name: parsed source} of every module of the domain's package."""
    out = {}
    for path in sorted((APP / domain).rglob("*.py")):
        parts = path.relative_to(APP.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = ast.parse(path.read_text(), str(path))
    return out


def imported(tree: ast.Module) -> set[str]:
    """Modules named by the top-level imports (`from a import b` names a.b when b is one)."""
    names = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


@pytest.mark.parametrize("domain", DOMAINS)
def test_imports_are_at_the_top_of_each_module(domain):
    late = [f"{name}:{node.lineno}" for name, tree in modules(domain).items()
            for top in tree.body if not isinstance(top, ast.Import | ast.ImportFrom)
            for node in ast.walk(top) if isinstance(node, ast.Import | ast.ImportFrom)]
    assert late == []


def test_no_import_cycle_among_these_domains():
    trees = {name: tree for domain in DOMAINS for name, tree in modules(domain).items()}
    edges = {name: {m for m in imported(tree) if m in trees and m != name}
             for name, tree in trees.items()}
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def cycle_from(name, path):
        state[name] = 1
        for nxt in sorted(edges[name]):
            if state.get(nxt) == 1:
                return path + [name, nxt]
            if nxt not in state and (found := cycle_from(nxt, path + [name])):
                return found
        state[name] = 2
        return None

    for name in sorted(trees):
        if name not in state:
            assert cycle_from(name, []) is None


@pytest.mark.parametrize("domain, forbidden", [
    ("volunteering", ("app.party", "app.mediation", "app.evaluations", "app.orders")),
    ("party", ("app.mediation", "app.evaluations", "app.orders.models")),
])
def test_dependencies_point_down(domain, forbidden):
    """Volunteering knows nothing above it; party reads the orders domain through its query
    functions only, never its tables."""
    wrong = sorted(f"{name} -> {m}" for name, tree in modules(domain).items()
                   for m in imported(tree) if m.startswith(forbidden))
    assert wrong == []


@pytest.mark.parametrize("domain", DOMAINS)
def test_one_get_or_404(domain):
    """app.sql.get_or_404 is the only one; no domain writes its own."""
    own = [name for name, tree in modules(domain).items() for node in ast.walk(tree)
           if isinstance(node, ast.FunctionDef) and node.name == "get_or_404"]
    assert own == []


def _plain_get(node) -> bool:
    """`db.session.get(Model, ident)`: a fetch by primary key without loader options."""
    return (isinstance(node, ast.Call) and ast.unparse(node.func) == "db.session.get"
            and len(node.args) == 2 and not node.keywords)


def _raises_not_found(body) -> bool:
    return any(isinstance(n, ast.Raise) and n.exc is not None
               and "NotFound" in ast.unparse(n.exc) for n in body)


@pytest.mark.parametrize("domain", DOMAINS)
def test_no_hand_written_fetch_or_404(domain):
    """`x = db.session.get(M, id)` then `if x is None: raise NotFound(...)` is get_or_404."""
    found = []
    for name, tree in modules(domain).items():
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef):
                continue
            fetched = {t.id for n in ast.walk(func) if isinstance(n, ast.Assign)
                       and _plain_get(n.value) for t in n.targets if isinstance(t, ast.Name)}
            for n in ast.walk(func):
                if (isinstance(n, ast.If) and isinstance(n.test, ast.Compare)
                        and isinstance(n.test.ops[0], ast.Is)
                        and (_plain_get(n.test.left) or (isinstance(n.test.left, ast.Name)
                                                         and n.test.left.id in fetched))
                        and _raises_not_found(n.body)):
                    found.append(f"{name}.{func.name}:{n.lineno}")
    assert found == []


@pytest.mark.parametrize("domain", DOMAINS)
def test_log_messages_are_key_value_pairs(domain):
    """`log.info("thing happened id=%s by=%s", a, b)`: every value comes after its key."""
    bad = []
    for name, tree in modules(domain).items():
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "log"
                    and node.args and isinstance(node.args[0], ast.Constant)):
                message = node.args[0].value
                if re.search(r"(?<![\w]=)%[sdr]", message):
                    bad.append(f"{name}:{node.lineno} {message}")
    assert bad == []


def test_party_is_its_own_domain():
    from app.party import models as party_models
    from app.volunteering import models as volunteering_models

    tables = {m.__tablename__ for m in (party_models.PartyRegistration,
                                        party_models.Pairing, party_models.Visit)}
    assert tables == {"party_registrations", "party_pairings", "party_visits"}
    assert not hasattr(volunteering_models, "PartyRegistration")


def test_volunteering_routes_have_one_blueprint_per_resource(app):
    from app.volunteering import routes
    from app.volunteering.routes import activities, attendance, teams

    resources = (activities.blp, attendance.blp, teams.blp)
    assert len({id(b) for b in resources}) == 3
    assert routes.blps == [routes.blp]
    # Every volunteering view sits in one of the three files.
    views = {rule.endpoint: app.view_functions[rule.endpoint]
             for rule in app.url_map.iter_rules() if rule.endpoint.startswith("volunteering.")}
    assert views
    assert {v.__module__ for v in views.values()} == {
        "app.volunteering.routes.activities", "app.volunteering.routes.attendance",
        "app.volunteering.routes.teams"}


def test_volunteering_operations_keep_their_tag(client):
    """The resource blueprints nest in `volunteering`, so the document lists their operations
    under that one tag, as before the split."""
    spec = client.get("/api/v1/openapi.json").get_json()
    tags = {op["tags"][0] for path in ("/api/v1/activities", "/api/v1/shifts/{shift_id}/scan",
                                       "/api/v1/attendances/manual", "/api/v1/teams",
                                       "/api/v1/teams/{team_id}/leaderboard")
            for op in spec["paths"][path].values() if isinstance(op, dict) and "tags" in op}
    assert tags == {"volunteering"}
    assert [t["name"] for t in spec["tags"]].count("volunteering") == 1

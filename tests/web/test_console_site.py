"""The console's built files under /console/: index.html for client routes (never cached),
hashed assets cached for a year; without a build, a page that says how to make one."""
import pytest


@pytest.fixture
def dist(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "CONSOLE_DIST", str(tmp_path))
    return tmp_path


def test_without_a_build_the_page_explains_make_console(client, dist):
    resp = client.get("/console/")
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    assert "make console" in body and "尚未构建" in body and "not built" in body
    assert client.get("/console/dispatch?id=3").get_data(as_text=True) == body
    assert client.get("/console").status_code == 308


def test_client_routes_get_index_and_assets_are_cached_long(client, dist):
    (dist / "assets").mkdir()
    (dist / "index.html").write_text("<!doctype html><div id=app></div>")
    (dist / "assets" / "index-abc123.js").write_text("console.log(1)")
    for path in ("/console/", "/console/login?once=a.b", "/console/dispatch"):
        with client.get(path) as resp:
            assert resp.status_code == 200 and b"id=app" in resp.data
            assert resp.headers["Cache-Control"] == "no-cache"
    with client.get("/console/assets/index-abc123.js") as asset:
        assert asset.status_code == 200 and asset.data == b"console.log(1)"
        assert asset.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    with client.get("/console/assets/gone-000.js") as gone:
        assert gone.status_code == 404
    with client.get("/console/..%2f..%2fconfig.py") as escape:
        assert b"SECRET" not in escape.data

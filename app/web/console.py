"""The staff web console's built files (`console/dist/`, made by `make console`), served under
`/console/` from the API's own origin: hashed assets with a year's cache, `index.html` for
every client-side route (never cached, so a new build is picked up at once). Without a build,
a page that says how to make one."""
import os

from flask import Blueprint, current_app, redirect, send_from_directory
from werkzeug.security import safe_join

bp = Blueprint("console", __name__)

NOT_BUILT = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>邻里通管理后台 — 尚未构建</title>
<style>body{font-family:sans-serif;max-width:40em;margin:4em auto;line-height:1.7;color:#303133}
code{background:#f4f4f5;padding:2px 6px;border-radius:3px}</style></head><body>
<h1>邻里通管理后台尚未构建</h1>
<p>管理后台的页面需要先用 Node.js（20.19 或更高）构建：在项目根目录运行 <code>make console</code>，
然后刷新本页。接口（<a href="/api/v1/docs">/api/v1/docs</a>）不受影响，可以照常使用。</p>
<h2>The staff console is not built</h2>
<p>Build it with Node.js 20.19+ by running <code>make console</code> in the repository root, then
reload this page. The API itself works without it: see <a href="/api/v1/docs">/api/v1/docs</a>.</p>
</body></html>
"""


def dist_dir() -> str:
    return current_app.config.get("CONSOLE_DIST") or os.path.join(
        os.path.dirname(current_app.root_path), "console", "dist")


@bp.route("/console")
def console_root():
    return redirect("/console/", code=308)


@bp.route("/console/", defaults={"path": ""})
@bp.route("/console/<path:path>")
def console_page(path):
    root = dist_dir()
    if not os.path.isfile(os.path.join(root, "index.html")):
        return NOT_BUILT, 200, {"Content-Type": "text/html; charset=utf-8",
                                "Cache-Control": "no-store"}
    full = safe_join(root, path) if path else None
    if full and os.path.isfile(full):
        hashed = path.startswith("assets/")
        resp = send_from_directory(root, path, max_age=31536000 if hashed else 300)
        if hashed:
            resp.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return resp
    if path.startswith("assets/"):  # a missing asset of an older build: a real 404
        return "not found", 404, {"Content-Type": "text/plain; charset=utf-8"}
    resp = send_from_directory(root, "index.html", max_age=0)
    resp.headers["Cache-Control"] = "no-cache"
    return resp

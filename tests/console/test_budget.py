"""The first screen (the app, the layout and the dispatch board) loads at most 400 KB of gzipped
JavaScript and CSS; what else a screen needs (charts, rarely used pages) loads lazily."""
import gzip
import json

BUDGET = 400 * 1024
# The entry and the routes on the way to the dispatch board after login.
FIRST_SCREEN = ("index.html", "src/layout/ConsoleLayout.vue", "src/views/home/HomeView.vue",
                "src/views/dispatch/DispatchBoard.vue")


def first_screen_files(manifest: dict) -> set[str]:
    files, seen = set(), set()

    def walk(key):
        if key in seen:
            return
        seen.add(key)
        chunk = manifest[key]
        files.add(chunk["file"])
        files.update(chunk.get("css", []))
        for imported in chunk.get("imports", []):  # static imports only: lazy ones wait
            walk(imported)

    for key in FIRST_SCREEN:
        walk(key)
    return files


def test_first_screen_within_budget(console_build):
    manifest = json.loads((console_build / ".vite" / "manifest.json").read_text())
    files = first_screen_files(manifest)
    assert any(f.endswith(".css") for f in files) and any(f.endswith(".js") for f in files)
    sizes = {f: len(gzip.compress((console_build / f).read_bytes(), 9)) for f in files}
    total = sum(sizes.values())
    print(f"first screen: {total / 1024:.0f} KB gzipped in {len(files)} files")
    assert total <= BUDGET, sorted(sizes.items(), key=lambda kv: -kv[1])[:5]
    # ECharts never rides along with the first screen.
    assert not any("echarts" in f for f in files)


def test_the_budget_counts_what_the_entry_really_imports(console_build):
    """The walk above would let a regression through if the manifest's shape changed."""
    manifest = json.loads((console_build / ".vite" / "manifest.json").read_text())
    entry = manifest["index.html"]
    assert entry.get("isEntry") and entry["file"] in first_screen_files(manifest)
    assert "src/views/login/LoginView.vue" in entry.get("dynamicImports", [])

# The two commands: `make run` (demo on SQLite, no Redis) and `make test` (every test).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi.py

.PHONY: run test test-py test-pg test-random test-console console console-if-node console-screenshots \
	lint venv db seed worker clean vendor bench bench-smoke drill drill-smoke

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/activate
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

db: venv
	$(BIN)/flask db upgrade

seed: db
	$(BIN)/flask seed-demo

# Browser files the API serves itself (no CDN): ECharts for /impact/<id>, from npm. Without
# them the page shows its figures as tables, with a note.
ECHARTS := app/stats/static/echarts.min.js
vendor: $(ECHARTS)

$(ECHARTS): vendor/package.json
	cd vendor && npm install --no-audit --no-fund --loglevel=error
	cp vendor/node_modules/echarts/dist/echarts.min.js $@

run: seed console-if-node
	@$(MAKE) --no-print-directory vendor || echo "  (ECharts not installed: /impact/<id> shows tables)"
	@echo ""
	@echo "  邻里通 API:  http://127.0.0.1:5000/api/v1/docs   (health: /healthz)"
	@echo "  管理后台:    http://127.0.0.1:5000/console/      (dev login: .venv/bin/flask console-login demo-staff-1)"
	@echo "  Log in:      curl -s -X POST http://127.0.0.1:5000/api/v1/auth/wechat-login \\"
	@echo "                 -H 'Content-Type: application/json' -d '{\"code\":\"test:demo-resident-1@1\"}'"
	@echo ""
	BIND=127.0.0.1:5000 WEB_CONCURRENCY=2 $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

# The staff web console (console/, Vue 3 + Vite): npm packages when package*.json changed, then a
# build into console/dist/ when any source is newer than it. Flask serves it under /console/.
CONSOLE_SRC := $(shell find console/src console/public -type f 2>/dev/null) console/index.html \
	console/vite.config.js console/package.json console/package-lock.json

console/node_modules/.package-lock.json: console/package.json console/package-lock.json
	cd console && npm install --no-audit --no-fund --loglevel=error
	@touch $@

console/dist/index.html: console/node_modules/.package-lock.json $(CONSOLE_SRC)
	cd console && npm run build

console:
	@command -v npm >/dev/null 2>&1 || { echo "make console needs Node.js 20.19+ and npm"; exit 1; }
	@$(MAKE) --no-print-directory console/dist/index.html

# `make run`: build the console when Node is there and the build is missing or stale.
console-if-node:
	@if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then \
	  $(MAKE) --no-print-directory console/dist/index.html || echo "console build failed: /console/ explains how to build it"; \
	else echo "Node.js/npm not found: the API works; /console/ explains how to build the console"; fi

# The console's tests: vitest (components), then the browser suite (tests/console: Playwright
# driving Debian's /usr/bin/chromium against the API on a temporary SQLite database).
test-console: venv
	@if ! command -v npm >/dev/null 2>&1; then echo "SKIPPED console tests: Node.js/npm not found"; \
	elif [ ! -x /usr/bin/chromium ]; then $(MAKE) --no-print-directory console && \
	  (cd console && npm test) && echo "SKIPPED console browser tests: /usr/bin/chromium not found (apt-get install chromium)"; \
	else $(MAKE) --no-print-directory console && (cd console && npm test) && $(BIN)/pytest tests/console; fi

# A PNG of each main screen under console/screenshots/ (not committed), for review.
console-screenshots: venv console
	LLT_SCREENSHOTS=console/screenshots $(BIN)/pytest tests/console -k screenshots

lint: venv
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# SQLite always; PostgreSQL + Redis too when TEST_DATABASE_URL is set.
test: lint test-py
	@if [ -n "$$TEST_DATABASE_URL" ]; then $(MAKE) --no-print-directory test-pg; \
	else echo "TEST_DATABASE_URL unset: PostgreSQL + Redis run skipped"; fi
	@if [ -f miniprogram/package.json ]; then $(MAKE) --no-print-directory test-mp; fi
	@$(MAKE) --no-print-directory test-console

test-py: venv
	$(BIN)/pytest

test-pg: venv
	$(BIN)/pytest --db=postgres

# The property-based tests (hypothesis, schemathesis) with fresh random examples; `make test`
# runs them derandomized, the same examples every time.
test-random: venv
	HYPOTHESIS_PROFILE=random $(BIN)/pytest tests/test_schemathesis.py tests/timebank/test_property.py

# Mini-program: npm packages (jest, miniprogram-simulate, miniprogram-ci, TDesign), then
# miniprogram_npm via miniprogram-ci (pretest), then every jest test, end to end included
# (it starts the API from .venv, hence `venv`).
test-mp: venv
	cd miniprogram && npm install --no-audit --no-fund --loglevel=error && npm test

# Fault drills on a PostgreSQL and a Redis of their own (ports 5440 and 6390, in /tmp): restart,
# stop, SIGTERM, kill -9, a killed job worker, backup and restore; each ends with
# `flask timebank verify`. drill-smoke: the same with short storms (CI, about 2 minutes).
drill: venv
	$(BIN)/python drills/drill.py

drill-smoke: venv
	$(BIN)/python drills/drill.py --smoke

worker: venv
	$(BIN)/rq worker -w rq.worker.SimpleWorker --url "$$REDIS_URL" linlitong

clean:
	rm -rf $(VENV) instance/*.db .pytest_cache console/dist console/node_modules

# Benchmarks (not part of `make test`): every scenario of docs/quality.md against the
# production gunicorn config on PostgreSQL + Redis, each with a bare-Flask baseline in the same
# run; figures to bench/results/. bench-smoke: a second or two per scenario, for CI.
bench: venv
	$(BIN)/python bench/run.py

bench-smoke: venv
	$(BIN)/python bench/run.py --smoke

# The two commands: `make run` (demo on SQLite, no Redis) and `make test` (every test).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi.py

.PHONY: run test test-py test-pg test-random lint venv db seed worker clean drill drill-smoke two-hosts

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

run: seed
	@echo ""
	@echo "  邻里通 API:  http://127.0.0.1:5000/api/v1/docs   (health: /healthz)"
	@echo "  Log in:      curl -s -X POST http://127.0.0.1:5000/api/v1/auth/wechat-login \\"
	@echo "                 -H 'Content-Type: application/json' -d '{\"code\":\"test:demo-resident-1@1\"}'"
	@echo ""
	BIND=127.0.0.1:5000 WEB_CONCURRENCY=2 $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

lint: venv
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# SQLite always; PostgreSQL + Redis too when TEST_DATABASE_URL is set.
test: lint test-py
	@if [ -n "$$TEST_DATABASE_URL" ]; then $(MAKE) --no-print-directory test-pg; \
	else echo "TEST_DATABASE_URL unset: PostgreSQL + Redis run skipped"; fi
	@if [ -f miniprogram/package.json ]; then $(MAKE) --no-print-directory test-mp; fi

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
	rm -rf $(VENV) instance/*.db .pytest_cache

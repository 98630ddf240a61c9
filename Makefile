# KOLOps: `make demo` to try it, `make test` to check it. See README.md.
SHELL := /bin/bash
PYTHON_VERSION := $(shell cat .python-version)
PYTHON ?= $(shell command -v python$(PYTHON_VERSION) || ls -d $$HOME/.pyenv/versions/$(PYTHON_VERSION)*/bin/python3 2>/dev/null | tail -1)
VENV := .venv
BIN := $(VENV)/bin
KOLOPS := $(BIN)/kolops
DEMO_KOLS ?= 2000
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install demo serve worker test test-sqlite test-postgres bench lint format messages clean

install: $(VENV)/.installed node_modules/.installed kolops/locale/.compiled

$(VENV)/bin/python:
	@test -n "$(PYTHON)" || { echo "Python $(PYTHON_VERSION) not found (pyenv install $(PYTHON_VERSION))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(VENV)/bin/python pyproject.toml
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

kolops/locale/.compiled: $(VENV)/.installed $(wildcard kolops/locale/*/LC_MESSAGES/*.po)
	cd kolops && ../$(KOLOPS) compilemessages --verbosity 0
	@touch $@

messages: install
	cd kolops && ../$(KOLOPS) makemessages -l vi -l zh_Hans --no-obsolete --ignore "node_modules/*"
	cd kolops && ../$(KOLOPS) makemessages -d djangojs -l vi -l zh_Hans --no-obsolete --ignore "node_modules/*" --ignore "static/vendor/*"

demo: install
	$(KOLOPS) migrate --verbosity 0
	$(KOLOPS) demo-setup --kols $(DEMO_KOLS)
	@echo "Serving http://$(HOST):$(PORT)/ with a background worker (Ctrl-C stops both)."
	@trap 'kill 0' EXIT; $(KOLOPS) db_worker --verbosity 0 & $(KOLOPS) runserver $(HOST):$(PORT)

serve: install
	$(KOLOPS) runserver $(HOST):$(PORT)

worker: install
	$(KOLOPS) db_worker

test: install
	$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$$KOLOPS_TEST_POSTGRES_URL" ]; then $(MAKE) --no-print-directory test-postgres; \
	else echo "KOLOPS_TEST_POSTGRES_URL is not set: the PostgreSQL run is skipped."; fi

test-sqlite:
	@echo "== tests on SQLite =="
	$(KOLOPS) makemigrations --check --dry-run --verbosity 0
	$(BIN)/ruff check .
	env -u KOLOPS_DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)

test-postgres:
	@echo "== tests on PostgreSQL =="
	KOLOPS_DATABASE_URL=$$KOLOPS_TEST_POSTGRES_URL $(BIN)/pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python bench/run.py $(BENCH_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) node_modules var .pytest_cache kolops/locale/.compiled

# shanghui — the two commands a newcomer needs:
#   make run    set up, migrate, load demo data (if the database is empty), serve on http://127.0.0.1:$(PORT)
#   make test   set up and run the whole suite (lint; SQLite; PostgreSQL; browser tests)

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
export SHANGHUI_DATA_DIR ?= $(CURDIR)/var

.PHONY: run test test-sqlite test-postgres lint setup venv node system-deps bench clean

setup: venv node

venv: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -c constraints.txt -e '.[dev]'
	touch $@

node: node_modules/.installed
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

system-deps:
	scripts/ensure-system-deps

# The demo's figures are the article's, of 2018: its statistics pages start there.
run: export SHANGHUI_DEFAULT_YEAR ?= 2018
run: setup
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py demo_data --if-empty
	@echo "商会平台已启动：http://127.0.0.1:$(PORT)/   （按 Ctrl+C 停止）"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: venv
	$(VENV)/bin/ruff check shanghui $(wildcard bench)
	$(PY) manage.py makemigrations --check --dry-run -v0

test-sqlite: setup system-deps
	$(VENV)/bin/pytest -q

test-postgres: setup system-deps
	scripts/with-postgres $(VENV)/bin/pytest -q

test: lint test-sqlite test-postgres

bench: setup
	$(PY) bench/import_enterprises.py 100000

clean:
	rm -rf $(VENV) node_modules

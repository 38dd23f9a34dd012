# The README's commands. Everything installs into .venv from pyproject.toml.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
export ZONESCORE_DATABASE_URL ?= sqlite:///./var/zonescore.db

.PHONY: install run test lint bench clean openapi portal-example

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "zonescore needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

# The example plug-in (tests/plugin_pkg) is for the tests only, which make it visible themselves
# (tests/example_plugin.py). A venv made before that has it pip-installed, and `make run` would list it.
install: $(STAMP)
	@if $(BIN)/python -c 'import importlib.metadata as m; m.distribution("zonescore-example-plugin")' 2>/dev/null; \
	then echo 'removing the test-only example plug-in from $(VENV)'; \
		$(BIN)/python -m pip uninstall -q -y zonescore-example-plugin; fi

run: install
	mkdir -p var
	$(BIN)/zonescore migrate
	$(BIN)/zonescore seed-demo --if-empty
	$(BIN)/zonescore serve --host $(HOST) --port $(PORT)

test: install
	@echo "the whole suite takes about 10 minutes on 2 cores; one file: $(BIN)/python -m pytest -q -x tests/test_zones.py"
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check app scoring_models tests migrations
	$(BIN)/mypy

# The committed OpenAPI document that clients are generated from (tests fail when the app drifts from it).
openapi: install
	$(BIN)/zonescore openapi

# The TypeScript portal example (examples/portal-ts): pinned packages from its package-lock.json, generated
# types in step with openapi.json, and a type check; CI runs it (Node 20 or newer).
portal-example:
	cd examples/portal-ts && npm ci --no-audit --no-fund && npm run check

# Not part of `make test`. wrk (Debian package) drives the read benchmark; without it a Python client is used.
bench: install
	$(BIN)/python -m pip install -q -e '.[dev,bench]'
	@command -v wrk >/dev/null 2>&1 || apt-get install -y -q wrk >/dev/null 2>&1 || \
		echo "note: wrk could not be installed; the read benchmark falls back to a Python load generator"
	$(BIN)/python -m benchmarks --markdown benchmarks/results.md

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

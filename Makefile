# Taizhang: `make run` serves the demo on http://127.0.0.1:8000, `make test` runs everything CI runs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export TAIZHANG_VAR_DIR ?= $(CURDIR)/var

.PHONY: run test lint typecheck check test-sqlite test-postgres test-browser bench messages clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/taizhang migrate --no-input
	$(BIN)/taizhang demo
	$(BIN)/taizhang demo_accounts
	$(BIN)/taizhang runserver 127.0.0.1:8000

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy src/taizhang

check: $(STAMP)
	TAIZHANG_VAR_DIR=$$(mktemp -d) $(BIN)/taizhang check --fail-level WARNING
	TAIZHANG_VAR_DIR=$$(mktemp -d) $(BIN)/taizhang makemigrations --check --dry-run

# The browser journeys (marker `browser`, Debian's chromium, installed when missing and root) run once, on SQLite.
test-sqlite: $(STAMP)
	$(BIN)/python -m pytest tests

test-postgres: $(STAMP)
	$(BIN)/python scripts/with_postgres.py -- $(BIN)/python -m pytest tests -m "not browser"

test-browser: $(STAMP)
	$(BIN)/python -m pytest tests/browser -m browser

test: lint typecheck check test-sqlite test-postgres

bench: $(STAMP)
	@echo "Benchmarks print figures and run against a throwaway PostgreSQL, e.g.:"
	@echo "  PYTHONPATH=src $(BIN)/python scripts/with_postgres.py -- $(BIN)/python bench/ledger.py --clues 1000000"
	@ls bench/*.py

messages: $(STAMP)
	$(BIN)/python scripts/messages.py

clean:
	rm -rf $(VENV) var

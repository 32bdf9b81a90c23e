# Taizhang: `make run` serves the demo on http://127.0.0.1:8000, `make test` runs everything CI runs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export TAIZHANG_VAR_DIR ?= $(CURDIR)/var

.PHONY: run test lint typecheck check test-sqlite test-postgres test-dates test-browser bench messages clean

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
	$(BIN)/lint-imports

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

# The date matrix: the `calendar` tests again on SQLite, each started at every moment (Asia/Shanghai, through
# time-machine; one process): year end, New Year, mid-January, a 调休 Saturday and a day inside 春节 2027, a
# leap day, the eve of National Day, a monthly report's due day and the day after.
# The demo city is also built at three of them (tests/proof/test_demo_dates.py, marker `demo_dates`).
TEST_DATES := 2026-12-31 23:59,2027-01-01 00:00,2027-01-15 09:00,2027-02-06 09:00,2027-02-10 09:00,2028-02-29 09:00,2026-09-30 09:00,2026-06-25 23:59,2026-06-26 00:01
test-dates: $(STAMP)
	TAIZHANG_TEST_DATES="$(TEST_DATES)" $(BIN)/python -m pytest tests -m "calendar or demo_dates"

test: lint typecheck check test-sqlite test-dates test-postgres

bench: $(STAMP)
	@echo "Benchmarks print figures and run against a throwaway PostgreSQL, e.g.:"
	@echo "  PYTHONPATH=src $(BIN)/python scripts/with_postgres.py -- $(BIN)/python bench/ledger.py --clues 1000000"
	@ls bench/*.py

messages: $(STAMP)
	$(BIN)/python scripts/messages.py

clean:
	rm -rf $(VENV) var

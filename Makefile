# shuanggao — one command surface. `make run` and `make test` work on a fresh clone.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
REQS := requirements.txt $(wildcard requirements-extra.txt)
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# PostgreSQL leg of the test suite (trust auth on this machine and in CI).
PG_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: install run serve audit-deps test test-chain-sqlite test-chain-postgres test-sqlite test-postgres test-browser test-matching lint bench db-upgrade migration clean

$(STAMP): $(REQS) pyproject.toml $(wildcard packages/matching/pyproject.toml packages/matching-bench/pyproject.toml)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q $(addprefix -r ,$(REQS))
	$(BIN)/pip install -q --no-deps -e packages/matching -e packages/matching-bench -e .
	touch $(STAMP)

install: $(STAMP)

db-upgrade: install
	$(BIN)/shuanggao db upgrade

## Set up, migrate, load reference + demo data (first start only), create demo accounts, serve.
run: install
	$(BIN)/shuanggao db upgrade
	$(BIN)/shuanggao reference load
	$(BIN)/shuanggao demo load --if-empty
	$(BIN)/shuanggao matching reindex --incremental
	$(BIN)/shuanggao user demo-accounts
	$(BIN)/shuanggao serve --host 127.0.0.1 --port 8000

serve: install
	$(BIN)/shuanggao serve

## ruff includes the bandit rules (S); the secrets scan fails on anything not in the reviewed
## .secrets.baseline (scripts/secrets_scan.py).
lint: install
	$(BIN)/ruff check src tests packages bench scripts
	$(BIN)/mypy src packages/matching/src packages/matching-bench/src
	$(BIN)/lint-imports
	$(BIN)/python scripts/secrets_scan.py

test-matching: install
	$(BIN)/pytest packages/matching/tests
	$(BIN)/pytest packages/matching-bench/tests

test-sqlite: install
	SHUANGGAO_TEST_DB=sqlite $(BIN)/pytest -q -m "not browser" tests

test-postgres: install
	@if $(BIN)/python scripts/pg_ready.py "$(PG_URL)"; then \
		SHUANGGAO_TEST_DB=postgresql SHUANGGAO_TEST_PG_URL="$(PG_URL)" $(BIN)/pytest -q -m "not browser and not slow" tests; \
	elif [ -n "$$CI" ]; then \
		echo "PostgreSQL at $(PG_URL) is not reachable: the PostgreSQL leg is mandatory in CI." >&2; exit 1; \
	else \
		echo ""; echo "!!!!!!!! SKIPPED the PostgreSQL leg: no server at $(PG_URL) !!!!!!!!"; echo ""; \
	fi

test-browser: install
	@if [ -x /usr/bin/chromium ]; then \
		SHUANGGAO_TEST_DB=sqlite $(BIN)/pytest -q -m browser tests; \
	elif [ -n "$$CI" ]; then \
		echo "chromium is missing: browser tests are mandatory in CI." >&2; exit 1; \
	else \
		echo ""; echo "!!!!!!!! SKIPPED the browser tests: /usr/bin/chromium not installed (apt-get install chromium fonts-noto-cjk) !!!!!!!!"; echo ""; \
	fi

## Every test: lint, types, import contracts, the matching library, SQLite, PostgreSQL, browser.
## The legs are independent (each builds its own databases), so they run as two chains side by
## side, one per core: SQLite then the browser, PostgreSQL (the longest leg) then the matching
## library. Never more than two legs at once, and no core waits for the slower leg of a pair.
test: install
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory -j2 --output-sync=target test-chain-sqlite test-chain-postgres

test-chain-sqlite: install
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-browser

test-chain-postgres: install
	$(MAKE) --no-print-directory test-postgres
	$(MAKE) --no-print-directory test-matching

## Benchmarks (figures next to same-process baselines). Needs ../shared/data beside the clone.
BENCH_SOURCE ?= ../shared/data
bench: install
	test -d var/bench/topical || $(BIN)/shuanggao bench build-datasets --source $(BENCH_SOURCE) --out var/bench
	for ds in topical known_item routing; do $(BIN)/shuanggao bench matching --dataset var/bench/$$ds; done
	$(BIN)/shuanggao bench scale --sizes 10000,100000

## Known-vulnerability audit of the pinned dependencies (checklist SUP-03). pip-audit has no
## offline vulnerability database: without a network it cannot audit, and says SKIPPED, never "pass".
audit-deps:
	@if $(BIN)/python -c "import socket; socket.create_connection(('pypi.org', 443), 5)" 2>/dev/null; then \
		$(BIN)/pip install -q pip-audit==2.10.1 && $(BIN)/pip-audit --strict -r requirements.txt; \
	else \
		echo "SKIPPED (offline): pip-audit needs the PyPI/OSV vulnerability service; nothing was audited."; \
	fi

migration: install
	$(BIN)/python scripts/regen_initial_migration.py

clean:
	rm -rf $(VENV) var/test-*

# Forløp: `make run` serves the app with demo data; `make test` runs every check.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
# Pure domain modules (no ORM) held to mypy --strict.
STRICT_MODULES := forlop/core/identifiers forlop/core/tz.py forlop/pathways/deadlines.py \
	forlop/pathways/rules.py forlop/pathways/planning.py forlop/pathways/checklists.py \
	forlop/pathways/function_scores.py \
	forlop/improvement/rules.py forlop/improvement/privacy.py \
	forlop/pathways/timeline.py \
	forlop/goals/rules.py forlop/measures/spc forlop/measures/svg.py
# Services, selectors and views of every app, checked with django-stubs (also strict).
TYPED_MODULES = $(shell find forlop -path '*/migrations' -prune -o -path '*/tests' -prune -o \
	\( -name services.py -o -name selectors.py -o -name views.py \
	-o -path '*/services/*.py' -o -path '*/selectors/*.py' -o -path '*/views/*.py' \) -print | sort)
HOST ?= 127.0.0.1
PORT ?= 8000
ARGS ?=
# test-fast: the reused SQLite test database and the number of xdist workers.
TEST_DB ?= /tmp/forlop-test-fast-$(shell id -u).sqlite3
FAST_WORKERS ?= 2

export UV_PROJECT_ENVIRONMENT := $(VENV)
# Development commands run with DEBUG semantics (a dev secret, local hosts); production sets its own env.
FORLOP := DJANGO_DEBUG=true $(BIN)/forlop

# Every target that is not a file. `make help` lists the ones with a "##" description.
.PHONY: help install messages run system-deps lint test test-sqlite test-postgres test-fast \
	test-future test-loaded bench bench-load audit-deps clean

help: ## list the targets
	@echo "Forløp: make TARGET (ARGS=... passes pytest arguments to the test targets)"
	@awk -F':.*## ' '/^[a-z-]+:.*## / { printf "  make %-14s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet "uv==$(UV_VERSION)"

# The lock file pins every Python package; --frozen refuses to run if it is out of date.
# --compile-bytecode writes the .pyc files once: our machines set PYTHONDONTWRITEBYTECODE, so
# without them every Python process (each test worker, each gunicorn and CLI run a test starts)
# compiled Django and every library from source again, about 3 s of CPU each.
$(BIN)/forlop: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --quiet --compile-bytecode
	@touch $@

install: $(BIN)/forlop ## the locked Python packages into .venv

messages: install ## compile the translation catalogues
	$(FORLOP) compilemessages --ignore ".venv" --ignore ".tools" -v 0

run: install messages ## set up and serve Forløp with demo data (SQLite) on HOST:PORT, 127.0.0.1:8000
	$(FORLOP) migrate --noinput -v 0
	$(FORLOP) demo
	@echo ""
	@echo "  Forløp is running on http://$(HOST):$(PORT)/"
	@echo "  Demo logins (password for all: $$($(FORLOP) demo --print-password)):"
	@$(FORLOP) demo --list-logins | sed 's/^/    /'
	@echo ""
	$(FORLOP) runserver $(HOST):$(PORT)

# Debian packages the tests need, installed only where missing (root on CI machines):
# faketime for test-future, stress-ng for test-loaded, Pango for WeasyPrint's posters,
# poppler-utils (pdftoppm) to render a poster page in the browser test.
system-deps: ## install the Debian packages the tests need, where missing (root)
	@missing=""; \
	  command -v chromium >/dev/null || missing="$$missing chromium"; \
	  command -v faketime >/dev/null || missing="$$missing faketime"; \
	  command -v stress-ng >/dev/null || missing="$$missing stress-ng"; \
	  dpkg -s libatomic1 >/dev/null 2>&1 || missing="$$missing libatomic1"; \
	  dpkg -s libcairo2 >/dev/null 2>&1 || missing="$$missing libcairo2"; \
	  dpkg -s libpango-1.0-0 >/dev/null 2>&1 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	  command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	  command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	  if [ -n "$$missing" ]; then \
	    echo "Installing Debian packages:$$missing"; \
	    if [ "$$(id -u)" != 0 ]; then echo "Run as root, or install:$$missing" >&2; exit 1; fi; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  fi

# pre-commit runs ruff, ruff format, django-upgrade, djade and typos from the venv (see
# .pre-commit-config.yaml); a hook that changes a file fails the target, as in CI.
lint: install ## pre-commit hooks, mypy, migrations up to date, the nb catalogue complete
	$(BIN)/pre-commit run --all-files --show-diff-on-failure
	$(BIN)/mypy $(STRICT_MODULES) $(TYPED_MODULES)
	DATABASE_URL=sqlite://:memory: $(FORLOP) makemigrations --check --dry-run  # not against a dev database
	$(BIN)/python scripts/check_messages.py

test: system-deps install messages lint ## every check: lint, then the suite on SQLite and PostgreSQL, browser tests included
	bash scripts/test.sh $(ARGS)

test-sqlite: system-deps install messages ## the suite on SQLite only
	FORLOP_TEST_DBS=sqlite bash scripts/test.sh $(ARGS)

test-postgres: system-deps install messages ## the suite on a throw-away PostgreSQL only
	FORLOP_TEST_DBS=postgresql bash scripts/test.sh $(ARGS)

# The inner loop: SQLite, no browser, the test database kept between runs (a file under /tmp, one
# per worker; ARGS=--create-db rebuilds it after a migration).
test-fast: install messages ## quick: SQLite, no browser tests, the test database reused
	env -u DATABASE_URL FORLOP_TEST_SQLITE_FILE=$(TEST_DB) $(BIN)/pytest -q -p no:cacheprovider \
	  -m "not browser and not slow" --reuse-db -n $(FAST_WORKERS) $(ARGS)

# The suite with the clock moved ahead, by libfaketime for pytest, Chromium and PostgreSQL alike:
# a test that still depends on the real date fails here first. FUTURE="+1d 2027-03-28T00:30:00"
# does other offsets; an absolute time is UTC.
FUTURE ?= +30d +180d +400d
test-future: system-deps install messages ## the suite with the clock moved 30, 180 and 400 days ahead (FUTURE=...)
	@for shift in $(FUTURE); do \
	  echo "=== the clock moved by $$shift"; \
	  FORLOP_FAKETIME="$$shift" bash scripts/test.sh $(ARGS) || exit 1; \
	done

# The suite beside two CPU burners, as on a shared CI machine. stress-ng stops by itself after
# LOAD_SECONDS and is stopped when the run ends earlier.
LOAD_SECONDS ?= 1500
test-loaded: system-deps install messages ## the suite beside stress-ng --cpu 2 (at most LOAD_SECONDS)
	@stress-ng --cpu 2 --timeout $(LOAD_SECONDS)s --quiet & burner=$$!; \
	  trap 'kill $$burner 2>/dev/null || true' EXIT; \
	  bash scripts/test.sh $(ARGS)

bench: install ## the benchmarks in bench/ (see docs/benchmarks.md)
	bash bench/run.sh

# Locust against gunicorn and a PostgreSQL of its own, on 127.0.0.1 only, bounded in time and
# count (FORLOP_LOAD_TIME, FORLOP_LOAD_MAX_REQUESTS, FORLOP_LOAD_USERS). Not part of make test.
bench-load: install messages ## the Locust load test against gunicorn and PostgreSQL (not in make test)
	$(BIN)/python bench/load/run.py

# Known vulnerabilities in every locked package (pip-audit, PyPI's advisory data). --strict
# fails when any package could not be checked: without network pip-audit would otherwise say
# "No known vulnerabilities found" having checked nothing. See docs/security.md.
audit-deps: install ## pip-audit over the locked packages, where a network allows it
	$(UV) export --frozen --format requirements-txt --no-emit-project --quiet > $(TOOLS)/requirements-audit.txt
	$(BIN)/pip-audit --strict --disable-pip --require-hashes -r $(TOOLS)/requirements-audit.txt --progress-spinner off

clean: ## remove .venv, .tools and caches
	rm -rf $(VENV) $(TOOLS) staticfiles .pytest_cache

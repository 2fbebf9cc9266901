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
STRICT_MODULES := forlop/core/identifiers.py forlop/core/tz.py forlop/pathways/deadlines.py \
	forlop/pathways/rules.py forlop/pathways/planning.py forlop/pathways/checklists.py \
	forlop/improvement/rules.py forlop/improvement/privacy.py \
	forlop/pathways/timeline.py \
	forlop/goals/rules.py forlop/measures/spc.py forlop/measures/svg.py
# Services, selectors and views of every app, checked with django-stubs (also strict).
TYPED_MODULES = $(shell find forlop -path '*/migrations' -prune -o -path '*/tests' -prune -o \
	\( -name services.py -o -name selectors.py -o -name views.py \
	-o -path '*/services/*.py' -o -path '*/selectors/*.py' -o -path '*/views/*.py' \) -print | sort)
HOST ?= 127.0.0.1
PORT ?= 8000

export UV_PROJECT_ENVIRONMENT := $(VENV)
# Development commands run with DEBUG semantics (a dev secret, local hosts); production sets its own env.
FORLOP := DJANGO_DEBUG=true $(BIN)/forlop

.PHONY: help install run demo test test-fast test-sqlite test-postgres lint messages bench bench-load audit-deps clean system-deps

help:
	@echo "make run    set up and serve Forløp on http://$(HOST):$(PORT) with demo data (SQLite)"
	@echo "make test   set up and run every check (lint, migrations, messages, SQLite, PostgreSQL, Chromium)"

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet "uv==$(UV_VERSION)"

# The lock file pins every Python package; --frozen refuses to run if it is out of date.
$(BIN)/forlop: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --quiet
	@touch $@

install: $(BIN)/forlop

messages: install
	$(FORLOP) compilemessages --ignore ".venv" --ignore ".tools" -v 0

run: install messages
	$(FORLOP) migrate --noinput -v 0
	$(FORLOP) demo
	@echo ""
	@echo "  Forløp is running on http://$(HOST):$(PORT)/"
	@echo "  Demo logins (password for all: $$($(FORLOP) demo --print-password)):"
	@$(FORLOP) demo --list-logins | sed 's/^/    /'
	@echo ""
	$(FORLOP) runserver $(HOST):$(PORT)

# Debian packages the tests need, installed only where missing (root on CI machines): Pango for
# WeasyPrint's posters, poppler-utils (pdftoppm) to render a poster page in the browser test.
system-deps:
	@missing=""; \
	  command -v chromium >/dev/null || missing="$$missing chromium"; \
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
lint: install
	$(BIN)/pre-commit run --all-files --show-diff-on-failure
	$(BIN)/mypy $(STRICT_MODULES) $(TYPED_MODULES)
	DATABASE_URL=sqlite://:memory: $(FORLOP) makemigrations --check --dry-run  # not against a dev database
	$(BIN)/python scripts/check_messages.py

test: system-deps install messages lint
	bash scripts/test.sh

# The inner loop: SQLite, no browser and no slow tests, the test database kept between runs.
test-fast: install messages
	env -u DATABASE_URL $(BIN)/pytest -q -p no:cacheprovider -m "not browser and not slow" --reuse-db

bench: install
	bash bench/run.sh

# Locust against gunicorn and a PostgreSQL of its own, on 127.0.0.1 only, bounded in time and
# count (FORLOP_LOAD_TIME, FORLOP_LOAD_MAX_REQUESTS, FORLOP_LOAD_USERS). Not part of make test.
bench-load: install messages
	$(BIN)/python bench/load/run.py

# Known vulnerabilities in every locked package (pip-audit, PyPI's advisory data). --strict
# fails when any package could not be checked: without network pip-audit would otherwise say
# "No known vulnerabilities found" having checked nothing. See docs/security.md.
audit-deps: install
	$(UV) export --frozen --format requirements-txt --no-emit-project --quiet > $(TOOLS)/requirements-audit.txt
	$(BIN)/pip-audit --strict --disable-pip --require-hashes -r $(TOOLS)/requirements-audit.txt --progress-spinner off

clean:
	rm -rf $(VENV) $(TOOLS) staticfiles .pytest_cache

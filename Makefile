# Two commands: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format check install install-dev demo bench outdated clean

# The runtime set (what production installs) for `make run`; tests and tools on top for `make test`.
$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

$(DEV_STAMP): $(STAMP) requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(DEV_STAMP)

install: $(STAMP)
install-dev: $(DEV_STAMP)

# The demo signs in with a password only; production requires MFA for editors and admins.
# The worker that sends queued emails (django-tasks' db_worker) runs in the background next to
# the web server, prints each email to this console, and is stopped (gracefully) with it.
run: export DJANGO_REQUIRE_MFA ?= false
run: $(STAMP)
	mkdir -p var
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py db_worker --no-reload --no-startup-delay & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; trap 'exit 130' INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(DEV_STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(DEV_STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(DEV_STAMP)
	$(BIN)/python tests/benchmarks/run.py

# Pinned packages that have a newer release on the package index (no advisory database is
# reachable from every machine; see README "Keeping dependencies current").
outdated: $(DEV_STAMP)
	$(BIN)/python -m pip list --outdated --exclude pip

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache

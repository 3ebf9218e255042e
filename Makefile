# Ponte: `make run` to try it, `make test` to check it.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.13 || command -v python3.12 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Parallel test workers for test-postgres: every CPU, at most 4, as CI runs it.
WORKERS ?= $(shell n=$$(nproc 2>/dev/null || sysctl -n hw.ncpu 2>/dev/null || echo 1); echo $$(( n > 4 ? 4 : n )))

.PHONY: run setup test test-postgres lint format worker demo messages compilemessages bench clean

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 12), "Ponte needs Python 3.12 or newer"' \
		|| { echo "Python 3.12+ not found: install it (pyenv reads .python-version) or set PYTHON=..."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

setup: $(STAMP)
	$(BIN)/python manage.py migrate --noinput --verbosity 0

demo: setup
	$(BIN)/python manage.py seed_demo

# Serves Ponte with a background worker beside it, so e-mails go out (printed here).
run: demo
	@echo "Ponte is starting on http://$(HOST):$(PORT)/ (Ctrl+C stops it)."
	@trap 'kill 0' EXIT INT TERM; \
	$(BIN)/python manage.py db_worker --no-reload --interval 2 & \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Background tasks: from Redis when REDIS_URL is set, from the database otherwise.
worker: setup
	if [ -n "$$REDIS_URL" ]; then $(BIN)/python manage.py rqworker default --job-class django_tasks_rq.backend.Job; \
	else $(BIN)/python manage.py db_worker; fi

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Each worker has its own test database and its own Redis database (see REDIS_URL in ponte/settings.py).
test-postgres: $(STAMP)
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ponte} REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} \
		$(BIN)/python -m pytest -n $(WORKERS) $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	if [ -f .importlinter ]; then $(BIN)/lint-imports; fi

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: $(STAMP)
	$(BIN)/python manage.py makemessages --ignore=.venv --ignore=var --ignore=tests --ignore=bench -l pt_PT -l fr -l nl -l sl --no-obsolete

compilemessages: $(STAMP)
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=var

bench: setup
	$(BIN)/python bench/load.py $(BENCH_ARGS)
	$(BIN)/python bench/matching.py
	$(BIN)/python bench/exchange_matching.py --output bench/results/exchange-matching.json

clean:
	rm -rf $(VENV) var .pytest_cache

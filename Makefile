# The two README commands are `make demo` and `make test`; everything else is a step of them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CQRS_HOME ?= $(CURDIR)/.local
export CQRS_HOME
DEMO_ARGS ?= --products 2000 --customers 200 --orders 1000
PYTEST_ARGS ?=

.PHONY: demo test chaos cluster-test cluster-up cluster-down install install-dev browser up down status migrate seed credentials run lint bench clean test-versions-long

## demo: install, start services, migrate, seed a small data set, run every process
## under supervisord in the foreground (Ctrl-C stops them; `make down` from another shell)
demo: install up migrate seed
	@bash scripts/run.sh

## test: install, start services, run the whole suite against real services
test: install-dev browser up
	$(BIN)/pytest $(PYTEST_ARGS)

## chaos: the full fault matrix against a private stack (its own services and ports)
chaos: install-dev
	$(BIN)/pytest -m chaos tests/chaos $(PYTEST_ARGS)

## cluster-test: every cluster test on three network-namespace hosts (needs root)
cluster-test: install-dev
	$(BIN)/pytest -m 'cluster or not cluster' tests/cluster $(PYTEST_ARGS)

## cluster-up / cluster-down: a cluster on namespace hosts (scripts/cluster.sh)
cluster-up: install
	@bash scripts/cluster.sh up

cluster-down:
	@bash scripts/cluster.sh down

## install: what runs (requirements.txt); install-dev adds tests and tools
## (requirements-dev.txt). Each stamp is keyed on the files it installed.
install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## browser: Debian's chromium + chromium-driver for the ops console's browser test
browser:
	@bash scripts/browser.sh

$(VENV)/.installed: requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $(VENV)/.installed $@

up:
	@bash scripts/services.sh up

down:
	@bash scripts/run.sh stop
	@bash scripts/services.sh down

status:
	@bash scripts/services.sh status
	@bash scripts/run.sh status

migrate: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	DJANGO_SETTINGS_MODULE=config.settings.read $(BIN)/python manage.py collectstatic --noinput --verbosity 0

seed: install
	@mkdir -p $(CQRS_HOME)
	$(BIN)/python manage.py seed_demo $(DEMO_ARGS) --credentials-file $(CQRS_HOME)/demo-credentials

## credentials: the demo's admin login, staff token and read-API key (written by `make seed`)
credentials:
	@bash scripts/run.sh credentials

run: install
	@bash scripts/run.sh

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy projections readapi config

bench: install-dev up
	@bash bench/run_all.sh

## test-versions-long: the stateful document-version test with many more examples
test-versions-long: install-dev up
	CQRS_STATEFUL_EXAMPLES=200 CQRS_STATEFUL_STEPS=60 \
		$(BIN)/pytest -p no:cacheprovider tests/projections/test_versions_stateful.py

clean: down
	rm -rf $(CQRS_HOME) $(VENV)

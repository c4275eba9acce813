# The two README commands are `make demo` and `make test`; everything else is a step of them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CQRS_HOME ?= $(CURDIR)/.local
export CQRS_HOME
DEMO_ARGS ?= --products 2000 --customers 200 --orders 1000
PYTEST_ARGS ?=

.PHONY: demo test install up down status migrate seed run lint bench clean

## demo: install, start services, migrate, seed a small data set, run every process
demo: install up migrate seed
	@bash scripts/run.sh

## test: install, start services, run the whole suite against real services
test: install up
	$(BIN)/pytest $(PYTEST_ARGS)

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $@

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
	$(BIN)/python manage.py seed_demo $(DEMO_ARGS)

run: install
	@bash scripts/run.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy projections readapi config

bench: install up
	@bash bench/run_all.sh

clean: down
	rm -rf $(CQRS_HOME) $(VENV)

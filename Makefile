# CPLMS — the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
RUN_ADDR ?= 127.0.0.1:8000

.PHONY: install run test lint services services-stop messages lock worker echarts axe-core

install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock
	PYTHON=$(PYTHON) bash scripts/install.sh
	touch $@

run: install
	RUN_ADDR=$(RUN_ADDR) bash scripts/run.sh

worker: install
	$(BIN)/python manage.py task_worker

services:
	bash scripts/services.sh start

services-stop:
	bash scripts/services.sh stop

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

test: install
	bash scripts/system-deps.sh
	bash scripts/services.sh start
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	. ./.services.env && $(BIN)/python -m pytest

messages: install
	$(BIN)/python manage.py makemessages -l zh_Hans --no-location --ignore=.venv --ignore=.services --ignore=tests
	$(BIN)/python manage.py compilemessages -l zh_Hans --ignore=.venv --ignore=.services

lock:
	bash scripts/lock.sh

# Re-fetch the vendored Apache ECharts (pinned version, sha256 checked) from npm.
echarts:
	bash scripts/echarts.sh

# Re-fetch the vendored axe-core of the accessibility browser tests (pinned, sha256 checked).
axe-core:
	bash scripts/axe-core.sh

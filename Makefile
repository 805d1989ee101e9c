# emissions-warehouse: `make run` and `make test` are all a fresh machine needs (Python 3.11 + make).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
STAMP := $(VENV)/.installed

export PATH := $(BIN):$(PATH)
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export EWH_HOME ?= $(CURDIR)/data

.PHONY: install run test lint dev factors clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/ewh run

lint: install
	$(BIN)/ruff check .

test: install lint
	$(BIN)/python -m factors.build --check
	$(BIN)/dagster definitions validate -m orchestration.definitions
	$(BIN)/pytest

dev: install
	mkdir -p $(EWH_HOME)/.dagster
	test -f $(EWH_HOME)/.dagster/dagster.yaml || cp orchestration/dagster.yaml $(EWH_HOME)/.dagster/dagster.yaml
	DAGSTER_HOME=$(EWH_HOME)/.dagster $(BIN)/dagster dev -m orchestration.definitions

factors: install
	$(BIN)/python -m factors.build

clean:
	rm -rf data/landing data/warehouse.duckdb* data/.dagster dbt_project/target dbt_project/logs

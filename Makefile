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

# the dbt manifest Dagster's definitions load (they never parse dbt): a no-op unless the project changed
install: $(STAMP)
	$(BIN)/python -m warehouse.dbt prepare

# The bundled seat samples (#18) hold (example.com) user identifiers, which land only as keyed pseudonyms:
# without EWH_PSEUDONYM_KEY, `make run` generates a local key once under EWH_HOME (never committed) and
# reuses it, so a second run skips what it landed. Production sets its own key (docs/operations.md).
DEMO_PSEUDONYM_KEY := $(EWH_HOME)/.pseudonym-key

run: install
	@test -n "$$EWH_PSEUDONYM_KEY" || test -s $(DEMO_PSEUDONYM_KEY) || (mkdir -p $(EWH_HOME) && umask 077 && \
		$(BIN)/python -c 'import secrets; print(secrets.token_hex(24))' > $(DEMO_PSEUDONYM_KEY))
	EWH_PSEUDONYM_KEY="$${EWH_PSEUDONYM_KEY:-$$(cat $(DEMO_PSEUDONYM_KEY))}" $(BIN)/ewh run

lint: install
	$(BIN)/ruff check .

# the report test drives Debian's headless Chromium (tests/ewh/test_report.py); installed here, not by a test
.PHONY: chromium
chromium:
	@test -x /usr/bin/chromium -a -x /usr/bin/chromedriver || { \
	  command -v apt-get >/dev/null || { echo "make test: needs /usr/bin/chromium and chromedriver (Debian: chromium chromium-driver)" >&2; exit 2; }; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver; }

test: install lint chromium
	$(BIN)/python -m factors.build --check
	$(BIN)/dagster definitions validate -m orchestration.definitions
	$(BIN)/pytest

# Spark parity (tests/spark, docs/scaling.md): the spark extra into the same venv, then every mart and seed
# built on DuckDB and on Spark (dbt-spark session, in-process) from the same landed files. Needs Java 17.
SPARK_STAMP := $(VENV)/.installed-spark
$(SPARK_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,spark]'
	$(BIN)/python -c "import importlib.metadata as m, sys; v = m.version('dbt-core'); \
		sys.exit(None if v.startswith('1.11.') else f'dbt-core {v} installed; the project needs 1.11.x')"
	touch $(SPARK_STAMP)

.PHONY: test-spark
test-spark: $(SPARK_STAMP)
	@command -v java >/dev/null || { echo "make test-spark: needs Java 17 on PATH (Debian: apt-get install openjdk-17-jre-headless)" >&2; exit 2; }
	$(BIN)/pytest -m spark

dev: install
	mkdir -p $(EWH_HOME)/.dagster
	test -f $(EWH_HOME)/.dagster/dagster.yaml || cp orchestration/dagster.yaml $(EWH_HOME)/.dagster/dagster.yaml
	DAGSTER_HOME=$(EWH_HOME)/.dagster $(BIN)/dagster dev -m orchestration.definitions

# dbt docs of the warehouse in $EWH_HOME (build it first with `make run`): every mart and column described
.PHONY: docs
docs: install
	@home=$(abspath $(EWH_HOME)); wh=$${EWH_WAREHOUSE_PATH:-$$home/warehouse.duckdb}; out=$$home/dbt-docs; \
	test -f "$$wh" || { echo "make docs: no warehouse at $$wh; run \`make run\` first" >&2; exit 2; }; \
	EWH_HOME=$$home EWH_LANDING_DIR=$$home/landing EWH_WAREHOUSE_PATH=$$wh $(BIN)/dbt docs generate --static --quiet \
	  --project-dir dbt_project --profiles-dir dbt_project --target-path $$out --log-path $$out/logs && \
	echo "dbt docs: $$out/static_index.html (one file; or serve $$out: python -m http.server -d $$out)"

factors: install
	$(BIN)/python -m factors.build

clean:
	rm -rf data/landing data/warehouse.duckdb* data/.dagster dbt_project/target dbt_project/logs

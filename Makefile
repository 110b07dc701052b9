# The two commands of the README: `make run` (dashboard on http://localhost:8501) and `make test`.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# The data folder and the warehouse as settings.py decides them (DASHBOARD_DATA_DIR, DASHBOARD_WAREHOUSE).
DATA := $(or $(DASHBOARD_DATA_DIR),data)
WAREHOUSE := $(or $(DASHBOARD_WAREHOUSE),$(DATA)/warehouse.duckdb)
INPUTS := $(shell find $(DATA)/raw $(DATA)/reference $(DATA)/population $(DATA)/yardsticks $(DATA)/imports etl contract -type f -not -name '*.pyc' 2>/dev/null)
PORT ?= 8501
# The address `make run` serves on: this machine only unless DASHBOARD_LISTEN (or LISTEN=0.0.0.0) says otherwise.
LISTEN ?= $(or $(DASHBOARD_LISTEN),127.0.0.1)
REPLICAS ?= 2
CLUSTER_PORT ?= 8080

.PHONY: run test test-fast build bench clean chromium screenshots update nginx node cluster publish docs

$(BIN)/.installed: requirements.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

# Rebuilt when missing or older than any of its inputs.
$(WAREHOUSE): $(BIN)/.installed $(INPUTS)
	$(BIN)/python -m etl build

# The Outlook's backtest and forecast computed ahead for this warehouse version (a read when cached).
build: $(WAREHOUSE)
	$(BIN)/python -m indicators outlook --cache

# The configured fetches (etl/fetch.toml names the sources and countries; credentials only from the
# environment), each imported all or nothing, then a build if another input changed. Exits non-zero
# with one line when a fetch fails (data/imports and the warehouse then stay as they were).
update: $(BIN)/.installed
	$(BIN)/python -m etl fetch configured
	@$(MAKE) --no-print-directory build

# Debian's Chromium (static exports, browser tests): installed with apt-get when root or sudo
# allows it, else make stops with the command to run.
chromium:
	@.ci/chromium

# A failed build with a warehouse from before: serve that one (every page says so) instead of
# not starting; without any warehouse, stop. Serves on $(LISTEN) and says so (a warning when that is
# the network and nobody has to sign in: access/serving.py).
run: $(BIN)/.installed chromium
	@$(MAKE) --no-print-directory build || { test -f $(WAREHOUSE) && \
		echo "make run: the build failed (above); serving the previous warehouse." >&2; }
	@$(BIN)/python -m access.serving $(LISTEN)
	$(BIN)/streamlit run app.py --server.address $(LISTEN) --server.port $(PORT) \
		--server.headless true --browser.gatherUsageStats false

# nginx in front of REPLICAS Streamlit processes on loopback, on http://localhost:$(CLUSTER_PORT);
# Ctrl-C stops them all (deploy/cluster.py; DASHBOARD_WAREHOUSE_DIR: replicas read that published
# folder instead of data/warehouse.duckdb).
nginx:
	@.ci/nginx

# Node.js and npm (the sign-in tests' OpenID provider, tests/access/): installed like Chromium.
node:
	@.ci/node

cluster: $(BIN)/.installed nginx
	@$(MAKE) --no-print-directory build || { test -f $(WAREHOUSE) && \
		echo "make cluster: the build failed (above); serving the previous warehouse." >&2; }
	$(BIN)/python deploy/cluster.py --replicas $(REPLICAS) --port $(CLUSTER_PORT)

# Build, then publish the build as a new version into $$DASHBOARD_WAREHOUSE_DIR (etl/publish.py).
publish: $(BIN)/.installed
	$(BIN)/python -m etl publish

# Two pytest-xdist workers per core (the tests wait on servers and browsers for about a third of
# their time); a file's tests stay on one worker. WORKERS=1: one process.
WORKERS ?= $(shell echo $$(( 2 * $$(nproc 2>/dev/null || echo 1) )))
test: $(BIN)/.installed chromium nginx node
	$(BIN)/python -m pytest -n $(WORKERS) --dist loadfile

# The edit loop (under 2 minutes): every test but the slow ones and the browser flows.
test-fast: $(BIN)/.installed
	$(BIN)/python -m pytest -n $(WORKERS) --dist loadfile -m "not slow and not browser"

# The README's pictures, docs/overview.png and docs/map.png (tests never write tracked files).
screenshots: $(WAREHOUSE) chromium
	$(BIN)/python docs/screenshots.py

# The generated parts of the Markdown pages (cog blocks: the schema, the formats, the indicators,
# every command's --help, the settings) written again from the code; tests/test_docs.py fails
# when one is stale. Run without settings.py's variables, so the pages show the defaults.
docs: $(BIN)/.installed
	env $(foreach v,$(filter DASHBOARD_% ETL_%,$(.VARIABLES)),-u $(v)) $(BIN)/cog -r -I . $(shell grep -rl --include='*.md' '\[\[\[cog' README.md CONTRIBUTING.md docs)

# The speed benchmark: bundled data, 100k and 1M generated events; writes its section of
# bench/RESULTS.md (bench/load.py and bench/deck.py write theirs).
# BENCH_ARGS="--rows 0 100000 1000000 10000000" adds 10M (about 4.3 GB of CSV under bench/.data, and as much again copied into the import folder).
bench: $(WAREHOUSE)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(WAREHOUSE)

# Chokepoint: the two commands are `make demo` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8050
NEO4J_PORT ?= 7687
# The local Neo4j's data directory (empty: $CHOKEPOINT_NEO4J_DATA, else ~/.local/share/chokepoint/neo4j).
NEO4J_DATA ?=
DATA_ENV = $(if $(NEO4J_DATA),CHOKEPOINT_NEO4J_DATA=$(abspath $(NEO4J_DATA)))
DATA_OPT = $(if $(NEO4J_DATA),--data $(abspath $(NEO4J_DATA)))
PYTEST_ARGS ?=
# Test workers (pytest-xdist), each with its own Neo4j; with NEO4J_URI set, one (tests/conftest.py).
TEST_WORKERS ?= 2

.PHONY: install chromium launcher demo test fuzz neo4j-start neo4j-stop compose-check clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

# Debian's chromium for the browser tests (never a browser download).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "installing Debian's chromium for the browser tests"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get install -y -qq chromium >/dev/null 2>&1 || \
		{ $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium; }; \
	fi

# The embedded Neo4j launcher (Maven, cached until its sources change).
launcher: install
	$(BIN)/python -c "from chokepoint.graph.local import build_launcher; print(build_launcher())"

# Neo4j, schema, sample and lesson cases, then the app; Ctrl-C stops the app and that Neo4j (docker/demo).
demo: install
	@exec env $(DATA_ENV) BIN=$(BIN) HOST=$(HOST) PORT=$(PORT) NEO4J_PORT=$(NEO4J_PORT) docker/demo

test: install chromium launcher
	BIN=$(BIN) tests/with-local-neo4j $(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder --durations=25 $(PYTEST_ARGS)

# Property-based fuzzing of the loaders: more than 10,000 generated record files, against a throw-away
# local Neo4j (tests/loaders/test_fuzz_loaders.py; `make test` runs a small derandomised subset of the same tests).
fuzz: install launcher
	BIN=$(BIN) CHOKEPOINT_FUZZ=fuzz tests/with-local-neo4j $(BIN)/pytest tests/loaders/test_fuzz_loaders.py \
		--hypothesis-show-statistics -p no:cacheprovider $(PYTEST_ARGS)

neo4j-start: install
	$(DATA_ENV) $(BIN)/chokepoint neo4j start --port $(NEO4J_PORT) $(DATA_OPT)

neo4j-stop: install
	$(DATA_ENV) $(BIN)/chokepoint neo4j stop $(DATA_OPT)

# Validate docker/compose.yml with the real Compose v2 (built from the Go module proxy; no engine needed).
COMPOSE_VERSION ?= v2.29.7
compose-check:
	@if ! docker compose version >/dev/null 2>&1; then \
		GOFLAGS=-mod=mod go install github.com/docker/compose/v2/cmd@$(COMPOSE_VERSION) && \
		mkdir -p $$HOME/.docker/cli-plugins && cp $$(go env GOPATH)/bin/cmd $$HOME/.docker/cli-plugins/docker-compose; \
	fi
	docker compose -f docker/compose.yml config --quiet && echo "docker/compose.yml: valid"

clean:
	rm -rf $(VENV) docker/embedded/target *.egg-info .pytest_cache

# Chokepoint: the two commands are `make demo` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8050
NEO4J_PORT ?= 7687
PYTEST_ARGS ?=

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

demo: install
	$(BIN)/chokepoint neo4j start --port $(NEO4J_PORT)
	$(BIN)/chokepoint schema apply
	$(BIN)/chokepoint load --sample
	$(BIN)/chokepoint train load poe-couriers-101
	$(BIN)/chokepoint serve --host $(HOST) --port $(PORT)

test: install chromium launcher
	BIN=$(BIN) tests/with-local-neo4j $(BIN)/pytest $(PYTEST_ARGS)

# Property-based fuzzing of the loaders: more than 10,000 generated record files, against a throw-away
# local Neo4j (tests/test_fuzz_loaders.py; `make test` runs a small derandomised subset of the same tests).
fuzz: install launcher
	BIN=$(BIN) CHOKEPOINT_FUZZ=fuzz tests/with-local-neo4j $(BIN)/pytest tests/test_fuzz_loaders.py \
		--hypothesis-show-statistics -p no:cacheprovider $(PYTEST_ARGS)

neo4j-start: install
	$(BIN)/chokepoint neo4j start --port $(NEO4J_PORT)

neo4j-stop: install
	$(BIN)/chokepoint neo4j stop

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

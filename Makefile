# Set-up and everyday commands. Everything installs into .venv and node_modules folders of this checkout.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8080

.PHONY: run test lint bench deps test-deps browser redis clean

run: $(STAMP)  ## start the simulator on the built-in default contact center
	$(BIN)/gwsim serve --host $(HOST) --port $(PORT)

test: test-deps  ## install what the tests need (Python, Node and Debian packages) and run every test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)  ## ruff (lint and formatting) and mypy (types of simulator and bayeux, configured in pyproject.toml)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: $(VENV)/.bench-installed bench/node_modules/.installed  ## run the benchmarks (they report, they do not pass or fail)
	$(BIN)/python -m bench $(BENCH_ARGS)
	$(BIN)/python bench/simulated_hour.py --rounds 1 --agents 100 | tee bench/results/$$(date +%Y-%m-%d-%H%M)-simulated-hour.txt

deps: $(STAMP)

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

test-deps: $(STAMP) tests/js/node_modules/.installed browser redis

$(VENV)/.bench-installed: $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@

bench/node_modules/.installed: bench/package.json bench/package-lock.json
	npm ci --prefix bench --no-audit --no-fund --loglevel=error
	touch $@

tests/js/node_modules/.installed: tests/js/package.json tests/js/package-lock.json
	npm ci --prefix tests/js --no-audit --no-fund --loglevel=error
	touch $@

browser:  ## Debian's chromium and its driver, for the browser tests
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium chromium-driver; }

redis:  ## Debian's redis-server, for the tests of several processes sharing one simulator (the redis package is in .[test])
	@command -v redis-server >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq redis-server; }

clean:
	rm -rf $(VENV) tests/js/node_modules bench/node_modules .pytest_cache

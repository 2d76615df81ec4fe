# Flask Status Playground: `make run` serves it, `make test` proves it. Nothing else to install.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
PHONY_EXTRA := serve host loadtest bench soak wrk redis nginx wheelhouse
.PHONY: help run lab test unit e2e demo browser lint format clean screenshots $(PHONY_EXTRA)

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements-deploy.txt requirements-httpbin.txt $(VENV)/.installed
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	$(BIN)/python -m pip install --disable-pip-version-check -q --no-deps -r requirements-httpbin.txt
	touch $@

run: $(VENV)/.installed ## serve the playground on http://$(HOST):$(PORT), debugger off
	-@$(BIN)/python -m playground.lab.fetch
	$(BIN)/python -m playground --host $(HOST) --port $(PORT)

lab: $(VENV)/.installed ## fetch the code lab's Python (Pyodide and wheels, pinned and hashed) into a cache outside git
	$(BIN)/python -m playground.lab.fetch

serve: $(VENV)/.installed ## serve a classroom: waitress on all interfaces, prints the address to open
	-@$(BIN)/python -m playground.lab.fetch
	$(BIN)/python -m playground.serve --port $(PORT)

host: $(VENV)/.installed-deploy redis nginx ## the school deployment, locally: nginx in front of gunicorn workers sharing a log on a local redis-server
	-@$(BIN)/python -m playground.lab.fetch
	HOST=$(HOST) PORT=$(PORT) $(BIN)/python -m scripts.host_locally

$(VENV)/.installed-deploy: requirements-deploy.txt $(VENV)/.installed
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements-deploy.txt
	touch $@

redis: # Debian's redis-server, for the Redis store's tests and make host: installed when run as root
	@if ! command -v redis-server >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then apt-get update -q && apt-get install -y -q redis-server; \
	  else echo "The Redis store needs redis-server: apt-get install redis-server (or brew install redis)"; exit 1; fi; fi

nginx: # Debian's nginx and its stream module, the school deployment's front (make host, its tests): installed when run as root
	@if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ] || [ ! -e /usr/lib/nginx/modules/ngx_stream_module.so ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then apt-get update -q && apt-get install -y -q nginx libnginx-mod-stream; \
	  else echo "make host and its tests need nginx and its stream module: apt-get install nginx libnginx-mod-stream"; exit 1; fi; fi

loadtest: $(VENV)/.installed-dev redis ## a class of 60 browsers with the live log open, plus curl clients, 30 s: make serve's server, then gunicorn -w 4 on Redis
	$(BIN)/python scripts/load_classroom.py
	$(BIN)/python scripts/load_classroom.py --hosted

wrk: # the load generator for the benchmarks: Debian's package, installed when run as root
	@if ! command -v wrk >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then apt-get update -q && apt-get install -y -q wrk; \
	  else echo "make bench needs wrk: apt-get install wrk (or brew install wrk)"; exit 1; fi; fi

bench: $(VENV)/.installed-dev wrk redis browser lab ## benchmarks: endpoints vs the tutorial's bare code, the page, the e2e suite
	$(BIN)/python bench/endpoints.py
	$(BIN)/python bench/redis_outage.py
	$(BIN)/python bench/recorder_cost.py
	$(BIN)/python bench/page.py
	$(BIN)/python bench/lab.py
	$(BIN)/python bench/suite_time.py

soak: $(VENV)/.installed-dev wrk redis nginx ## load, faults and attacks on loopback: 200 clients, 100 streams, disconnects, stream storm, header flood
	$(BIN)/python bench/soak.py
	$(BIN)/python bench/storm.py

browser: $(VENV)/.installed-dev ## make sure the e2e suite has a Chromium, and Firefox ESR with its geckodriver
	@$(BIN)/python -m e2e.chromium
	@$(BIN)/python -m e2e.firefox

# The wheels tests/test_package.py builds and installs the playground from, with pip --no-index:
# filled once, with the network on, so that the tests pass offline after.
$(VENV)/wheelhouse/.complete: requirements.txt requirements-build.txt | $(BIN)/python
	$(BIN)/python -m pip wheel --disable-pip-version-check -q -r requirements.txt -r requirements-build.txt -w $(VENV)/wheelhouse
	touch $@

wheelhouse: $(VENV)/wheelhouse/.complete

test: $(VENV)/.installed-dev browser lab redis nginx wheelhouse ## unit tests, then the e2e suite headless (both stores)
	$(BIN)/python -m pytest tests e2e $(PYTEST_ARGS)

unit: $(VENV)/.installed-dev lab redis wheelhouse ## the unit tests alone
	$(BIN)/python -m pytest tests $(PYTEST_ARGS)

e2e: $(VENV)/.installed-dev browser lab redis nginx ## the e2e suite alone
	$(BIN)/python -m pytest e2e $(PYTEST_ARGS)

demo: $(VENV)/.installed-dev browser ## the e2e suite in a real window, slowly, for a class to watch
	$(BIN)/python -m pytest e2e --headed --slowmo 500 $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev ## ruff check and ruff format --check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev ## ruff format and ruff check --fix
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean: ## remove the virtualenv and caches
	rm -rf $(VENV) .pytest_cache test-results

screenshots: $(VENV)/.installed-dev browser ## regenerate the docs' pictures in docs/screenshots
	PLAYGROUND_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest e2e/test_screenshots.py e2e/test_layout.py e2e/test_projector.py e2e/test_class_live.py e2e/test_school.py e2e/test_class_page.py -q

# Silin: `make demo` to try it, `make test` to check it. See README.md.
SHELL := /bin/bash
UV ?= uv
PY := $(UV) run --frozen python
HOST ?= 127.0.0.1
PORT ?= 8000
RESIDENTS ?= 5000
DEMO_ENV := var/demo.env

.PHONY: help install deps system-deps static translations demo-env migrate seed demo serve test test-fast lint bench openapi clean

help:
	@echo "make demo   - install, migrate, load the demo street and serve it on http://$(HOST):$(PORT)"
	@echo "make test   - run the whole test suite (DATABASE_URL=postgres://... for PostgreSQL)"
	@echo "make bench  - run the benchmarks under bench/"

deps:
	@command -v $(UV) >/dev/null || python3 -m pip install --quiet uv
	$(UV) sync --frozen --quiet
	@if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then npm ci --no-audit --no-fund --silent; fi

# Debian's chromium and CJK fonts for the browser tests (apt-get when root or sudo allows).
system-deps:
	@scripts/system_deps.sh

static: deps
	$(PY) scripts/vendor_static.py

# Compiling needs settings but no secrets: debug mode supplies development keys for it.
translations: deps
	SILIN_DEBUG=true $(PY) manage.py translations compile

install: deps static translations

# Keys for the demo are made once and kept beside its database, so a second `make demo`
# still decrypts the data the first one wrote.
$(DEMO_ENV):
	@mkdir -p var
	@$(PY) scripts/demo_env.py > $(DEMO_ENV)
	@echo "Wrote demo keys to $(DEMO_ENV)"

demo-env: $(DEMO_ENV)

migrate: install demo-env
	set -a; source $(DEMO_ENV); set +a; $(PY) manage.py migrate --no-input
	set -a; source $(DEMO_ENV); set +a; $(PY) manage.py collectstatic --no-input -v0

seed: migrate
	set -a; source $(DEMO_ENV); set +a; $(PY) manage.py seed_demo --residents $(RESIDENTS)

demo: seed serve

serve: demo-env
	@set -a; source $(DEMO_ENV); set +a; \
	$(PY) manage.py demo_logins; \
	echo ""; echo "Silin is running at http://$(HOST):$(PORT)  (Ctrl+C to stop)"; \
	TZ=$${TZ:-Asia/Shanghai} $(PY) manage.py db_worker & worker=$$!; \
	trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	TZ=$${TZ:-Asia/Shanghai} $(UV) run --frozen gunicorn config.wsgi --bind $(HOST):$(PORT) --workers 2 --threads 4 --access-logfile -

# The whole suite, browser tests included (system-deps installs chromium and the fonts).
# `install` first: the pages need the vendored static files and compiled translations.
# Tests run in parallel (pytest-xdist, one worker per CPU); PYTEST_WORKERS=0 runs them in one.
PYTEST_WORKERS ?= auto
PYTEST := $(UV) run --frozen pytest -q -rfEs -n $(PYTEST_WORKERS) --durations=5
test: install system-deps
	$(PYTEST) $(PYTEST_ARGS)

test-fast: install
	$(PYTEST) -m "not browser" $(PYTEST_ARGS)

# ruff, the order of layers (import-linter, see docs/architecture.md) and mypy.
lint: deps
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen lint-imports
	SILIN_DEBUG=true $(UV) run --frozen mypy

openapi: deps
	SILIN_DEBUG=1 $(PY) manage.py export_openapi > docs/openapi.json

bench: install
	$(PY) bench/run.py

clean:
	rm -rf var node_modules silin/static/vendor .venv

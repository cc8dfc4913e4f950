# Coachhouse — every command a newcomer needs. `make help` lists them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Every absolute link (e-mails, feeds, sitemap) names the address the demo is served on.
export SITE_URL ?= http://127.0.0.1:$(PORT)
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install run demo serve test test-thorough lint bench loadtest faults clean

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install the project with its dev tools

demo: install ## Migrate and load the demo content (no server)
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo

run: demo ## Install, migrate, load the demo and serve on http://127.0.0.1:$(PORT)
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

serve: demo ## Serve the demo with gunicorn (2 workers, DEBUG off), as benchmarks do
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	DEBUG=0 $(BIN)/gunicorn website.wsgi:application -c website/gunicorn_conf.py --workers 2 --bind 127.0.0.1:$(PORT) --access-logfile -

# Extra pytest arguments, e.g. PYTEST_ARGS='-m "not browser"' or PYTEST_ARGS=tests/shop
PYTEST_ARGS ?=
# pytest-xdist workers: one per CPU; JOBS=0 runs the tests in this one process.
JOBS ?= auto
PYTEST = $(BIN)/python -m pytest -n $(JOBS) --dist loadgroup --durations=15
test: install ## Run the whole test suite and print its 15 slowest tests (PYTEST_ARGS=… to narrow)
	$(PYTEST) $(PYTEST_ARGS)

test-thorough: install ## The suite with 20x the Hypothesis examples (HYPOTHESIS_PROFILE=thorough)
	HYPOTHESIS_PROFILE=thorough $(PYTEST) $(PYTEST_ARGS)

lint: install ## Check the code with ruff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: demo ## Run the benchmarks and print their numbers
	$(BIN)/python -m bench

DURATION ?= 60s
USERS ?= 20
loadtest: install ## Load-test a throwaway copy on 127.0.0.1 (DURATION=60s USERS=20), then check its data
	$(BIN)/python -m bench.loadtest --duration $(DURATION) --users $(USERS)

faults: install ## Drill outages on a throwaway copy: PostgreSQL restart, webhook while it is down, Redis down
	$(BIN)/python -m bench.loadtest.faults

clean: ## Remove the virtualenv, the demo database and collected static files
	rm -rf $(VENV) var staticfiles

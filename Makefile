# The two commands of the quick start: `make run` and `make test`. Each does its own set-up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2

.PHONY: run test e2e lint setup system system-test messages static migrate clean

run: setup system messages migrate static
	$(BIN)/sathach load_demo
	$(BIN)/sathach load_demo --era 2025
	@echo "Serving on http://$(HOST):$(PORT)/ with the background worker (Ctrl+C stops both)"
	$(BIN)/sathach worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(BIN)/gunicorn -c python:sathach.gunicorn_config --bind $(HOST):$(PORT) --workers $(WORKERS) --access-logfile -

test: setup system-test messages
	$(BIN)/pytest -q

e2e: setup system-test messages
	$(BIN)/pytest -q -m e2e

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy sathach

setup: $(INSTALLED)

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $@

system:
	scripts/system-packages.sh run

system-test:
	scripts/system-packages.sh test

messages: setup
	cd sathach && ../$(BIN)/sathach compilemessages -v0

migrate: setup
	$(BIN)/sathach migrate -v0

static: setup
	$(BIN)/sathach collectstatic --noinput -v0

clean:
	rm -rf $(VENV) var/static

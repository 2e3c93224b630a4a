# samsim: two set-up commands, `make demo` and `make test`; everything else is optional.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
WEB := src/samsim/web/frontend

.PHONY: demo test lint bench fuzz validate docs web clean

$(VENV)/.base: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.dev: $(VENV)/.base pyproject.toml
	$(PY) -m pip install -q -e ".[dev]"
	touch $@

demo: $(VENV)/.base
	$(BIN)/samsim run examples/ankara-f16-trial.yaml -o out/demo

test: $(VENV)/.dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest -q -n 2 -p no:cacheprovider

lint: $(VENV)/.dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

bench: $(VENV)/.dev
	$(PY) benchmarks/run_all.py

clean:
	rm -rf out build site .pytest_cache .mypy_cache .ruff_cache

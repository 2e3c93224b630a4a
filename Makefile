# samsim: two set-up commands, `make demo` and `make test`; everything else is optional.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
WEB := src/samsim/web/frontend
WEB_DIST := src/samsim/web/static/dist

.PHONY: demo test lint bench fuzz validate docs web clean reach-tables

$(VENV)/.base: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.dev: $(VENV)/.base pyproject.toml
	$(PY) -m pip install -q -e ".[dev]"
	touch $@

# The web front end (CesiumJS replay, study dashboard), built offline from the committed lock file.
$(WEB)/node_modules/.package-lock.json: $(WEB)/package.json $(WEB)/package-lock.json
	cd $(WEB) && npm ci --no-audit --no-fund

$(WEB_DIST)/index.html: $(WEB)/node_modules/.package-lock.json $(WEB)/vite.config.js $(WEB)/index.html \
		$(WEB)/scripts/copy-cesium.mjs $(WEB)/scripts/geo-data.mjs $(wildcard $(WEB)/src/* $(WEB)/src/*/*) $(wildcard $(WEB)/public/*)
	cd $(WEB) && npm run build

web: $(WEB_DIST)/index.html

demo: $(VENV)/.base web
	$(BIN)/samsim run examples/ankara-f16-trial.yaml -o out/demo

test: $(VENV)/.dev web
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest -q -n 2 -p no:cacheprovider

lint: $(VENV)/.dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(VENV)/.dev
	$(PY) benchmarks/run_all.py

# Long fuzzing and fault-injection run (make test runs the same tests in their short mode).
FUZZ_EXAMPLES ?= 5000
fuzz: $(VENV)/.dev
	SAMSIM_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest -q -n 2 -p no:cacheprovider --hypothesis-show-statistics \
		-rA tests/test_fuzz.py tests/test_faults.py tests/web/test_fuzz_api.py

# The built-in interceptors' reach tables by target altitude, flown and shipped with the package
# (src/samsim/sim/reach_tables.npz); re-run after changing the flyout model or an interceptor's figures.
reach-tables: $(VENV)/.dev
	$(PY) -c "from samsim.sim.weapons import write_reach_tables as w; print(*w(), sep='\n')"

validate: $(VENV)/.dev
	$(PY) scripts/validate.py

docs: $(VENV)/.dev
	$(PY) scripts/gen_docs.py
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

clean:
	rm -rf out build site .pytest_cache .mypy_cache .ruff_cache $(WEB_DIST)

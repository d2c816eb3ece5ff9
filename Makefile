# Two commands matter (see README.md): `make serve` and `make test`.
# Each creates the virtual environment from pyproject.toml when it is missing or stale.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8000

.PHONY: serve build check test test-fast lint tools bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

serve: $(STAMP)            ## build the site and preview it with live reload
	$(BIN)/python build.py serve --port $(PORT)

build: $(STAMP)            ## build the site into _site/
	$(BIN)/python build.py build

check: $(STAMP)            ## check everything, write nothing
	$(BIN)/python build.py check --strict

lint: $(STAMP)
	$(BIN)/ruff check sitegen build.py tests tools benchmarks
	$(BIN)/ruff format --check sitegen build.py tests tools benchmarks
	$(BIN)/mypy

tools: $(STAMP)            ## Chromium, Java and the npm validators for the browser checks
	bash tools/install-tools.sh

test: $(STAMP) tools lint  ## the whole suite, browser and validator checks included
	$(BIN)/python build.py check --strict
	$(BIN)/python tools/readability.py
	$(BIN)/python -m pytest

test-fast: $(STAMP)        ## inner loop: everything but the browser and validator checks
	$(BIN)/python -m pytest -m "not browser"

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py 1000

clean:
	rm -rf _site ._site.spare ._site.old ._site.sitegen-lock ._site.sitegen-stats .cache .pytest_cache .mypy_cache .ruff_cache

# Two entry points: `make run` builds the graph from the corpus, `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
CORPUS ?= ../shared/corpus
OUT ?= out
BIN := $(VENV)/bin

SYSTEM_PACKAGES := virtuoso-opensource

.PHONY: run test lint vocab clean system-deps

$(BIN)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev]'
	touch $@

run: $(BIN)/.installed
	$(BIN)/gbakg build --corpus $(CORPUS) --out $(OUT)

# Debian packages the integration tests need (the external SPARQL server); installed once, as root.
system-deps:
	@command -v virtuoso-t >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; }

test: $(BIN)/.installed system-deps
	$(BIN)/python -m pytest -q
	$(MAKE) lint

lint: $(BIN)/.installed
	$(BIN)/ruff check kg extract tests
	$(BIN)/mypy

vocab: $(BIN)/.installed
	$(BIN)/python -m kg.vocabgen

clean:
	rm -rf $(OUT) .pytest_cache .mypy_cache .ruff_cache

# Two entry points: `make run` builds the graph from the corpus, `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
CORPUS ?= ../shared/corpus
OUT ?= out
BIN := $(VENV)/bin

SYSTEM_PACKAGES := virtuoso-opensource fonts-wqy-microhei chromium

.PHONY: run test lint vocab clean system-deps fonts

$(BIN)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev]'
	touch $@

run: $(BIN)/.installed fonts
	$(BIN)/gbakg build --corpus $(CORPUS) --out $(OUT)

# A CJK font for Chinese labels in the report's charts; best effort (needs root and apt), charts fall back without it.
fonts:
	-@dpkg -s fonts-wqy-microhei >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei >/dev/null; } || echo "no CJK font installed: chart labels fall back to English"

# Debian packages the tests need (the external SPARQL server, a CJK font for the charts, a browser for the explorer); installed once, as root.
system-deps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi

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

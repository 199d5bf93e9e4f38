# The two front-door commands: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-browser bench soak clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test,bench]"
	touch $@

run: $(VENV)/.installed-run
	$(BIN)/python -m collector serve --data-dir ./data

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest

# The Sentry browser SDK in real headless Chromium: installs Debian's chromium and the npm package first.
test-browser: $(VENV)/.installed-test
	command -v chromium >/dev/null || (apt-get update && apt-get install -y --no-install-recommends chromium)
	cd tests/browser && npm ci --no-audit --no-fund
	$(BIN)/python -m pytest tests/browser

# Closed-loop load comes from wrk (C, Debian's package): installed here if missing.
bench: $(VENV)/.installed-bench
	command -v wrk >/dev/null || (apt-get update && apt-get install -y --no-install-recommends wrk)
	$(BIN)/python -m bench.run

soak: $(VENV)/.installed-bench
	$(BIN)/python -m bench.soak

clean:
	rm -rf $(VENV) data

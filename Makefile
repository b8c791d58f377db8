# bankbridge: two commands on a fresh machine — `make demo` and `make test`.
VENV   ?= .venv
PYTHON ?= python3
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: install demo test check lint typecheck layers browser bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## The sources' bytecode, written ahead: where PYTHONDONTWRITEBYTECODE is set (as on the
## machines this is measured on) every command otherwise compiled bankbridge's modules
## again at its start (0.12 s; compileall only redoes files that changed).
install: $(STAMP)
	@$(PY) -m compileall -q src >/dev/null

## Debian's chromium for the browser tests (browsers cannot be downloaded by Playwright here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

demo: install
	$(VENV)/bin/bankbridge demo

lint: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench

typecheck: install
	$(VENV)/bin/mypy

layers: install
	$(VENV)/bin/lint-imports

check: lint typecheck layers

test: install browser
	$(MAKE) check
	$(PY) -m pytest

bench: install
	$(PY) -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache bankbridge.db

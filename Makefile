# The two commands of the README: `make demo` and `make test`. Everything else is set up from here:
# a virtual environment in .venv, the locked dependencies (requirements.lock, exact versions of every
# package, transitive ones included), and the project itself installed in editable mode.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint lock bench clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/espace demo

test: $(STAMP)
	$(BIN)/python -m tests

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# Regenerate the lock after changing pyproject.toml (needs uv: `pip install uv`).
lock:
	uv pip compile pyproject.toml --extra dev --python-version 3.11 --no-header -o requirements.lock

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .demo

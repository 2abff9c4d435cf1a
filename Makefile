# Playbook Studio: `make run` and `make test` work on a fresh clone with nothing installed.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
EXAMPLE ?= resources/examples/suspicious-logon-triage.playbook.json
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test lint bench screenshots clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --editable '.[dev]'
	@$(PY) scripts/ensure_qt_libs.py
	@touch $(STAMP)

# The designer when a display is there; otherwise a headless test run of the example.
run: $(STAMP)
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ] && [ -x $(VENV)/bin/playbook-studio ]; then \
		$(VENV)/bin/playbook-studio $(EXAMPLE); \
	else \
		echo "No display: running the example headless."; \
		$(VENV)/bin/playbook run $(EXAMPLE) --profile "Risky logon"; \
	fi

test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-logo --no-cache
	$(VENV)/bin/mypy runtime designer
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

# Pictures for the README and the guide, rendered offscreen from the current build.
screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) scripts/screenshots.py
	QT_QPA_PLATFORM=offscreen $(PY) scripts/run_screenshots.py
	QT_QPA_PLATFORM=offscreen $(PY) scripts/debug_screenshots.py
	QT_QPA_PLATFORM=offscreen $(PY) scripts/compare_screenshots.py
	QT_QPA_PLATFORM=offscreen UPDATE_SCREENSHOTS=1 $(PY) -m pytest -q \
		tests/designer/inspector/test_inspector_screenshots.py

bench: $(STAMP)
	@for b in bench/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) dist build .pytest_cache .ruff_cache .mypy_cache

# make package / package-test / package-install: the standalone bundle (packaging/README.md).
include packaging/make.mk

# The two commands: `make run` and `make test`. Everything else is a helper for them.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint format seed bench bench-checkout lighthouse load clean help

help:
	@echo "make run   - start the sandbox (:8001) and the storefront (:8000)"
	@echo "make test  - install what the suite needs and run it"
	@echo "make lint  - ruff check and format check"
	@echo "make bench - benchmark report in bench/report.md"
	@echo "make bench-checkout - add-to-cart latency and Magento calls per checkout in bench/checkout-report.md"
	@echo "make lighthouse - Lighthouse scores and JS/CSS sizes in bench/lighthouse-report.md"
	@echo "make load  - load and fault suite (~50 min; QUICK=1 ~10 min), report in bench/load-report.md"

$(PY):
	@py=$$(scripts/find-python.sh) || exit 1; echo "Creating $(VENV) with $$py"; "$$py" -m venv $(VENV)
	@$(PY) -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q -e '.[test]'
	@touch $(STAMP)

run: $(STAMP)
	@scripts/run.sh

test: $(STAMP)
	@scripts/test-deps.sh
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) scripts/secret-scan.py
	$(VENV)/bin/pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

seed: $(STAMP)
	$(PY) -m sandbox seed

bench: $(STAMP)
	$(PY) -m pip install -q -e ".[test,bench]"
	@scripts/test-deps.sh wrk
	$(PY) bench/run.py

bench-checkout: $(STAMP)
	$(PY) bench/checkout.py

lighthouse: $(STAMP)
	@scripts/test-deps.sh npm
	$(PY) bench/lighthouse.py

# Not part of `make test`: about 50 minutes of Locust against a real stack (docs/load.md).
load: $(STAMP)
	$(PY) -m pip install -q -e ".[test,bench]"
	@scripts/test-deps.sh
	$(PY) bench/load/run.py $(if $(QUICK),--quick) $(if $(KEEP),--keep)

clean:
	rm -rf $(VENV) var staticfiles

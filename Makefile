# Every target provisions its own virtual environment, so a fresh clone needs only python3 and make.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Re-install when the package metadata changes.
STAMP := $(VENV)/.installed-$(shell cksum setup.py | cut -d' ' -f1)

.PHONY: demo test lint bench figures readme clean

$(STAMP): setup.py
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test,plot,yaml]"
	rm -f $(VENV)/.installed-*
	touch $@

demo: $(STAMP)
	$(PY) scripts/demo.py

lint: $(STAMP)
	$(VENV)/bin/ruff check ms_lr tests scripts

test: lint
	$(PY) -m pytest -n 2 tests ms_lr --doctest-modules

bench: $(STAMP)
	$(PY) scripts/bench.py

figures: $(STAMP)
	$(PY) scripts/figures.py

# The README's schedule table is generated from the registry (a test checks it is current).
readme: $(STAMP)
	$(PY) -c "from ms_lr.tools.catalogue import write_readme; write_readme('README.md')"

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis .ruff_cache lr_curve.png loss_curve.png \
		lr_monitor.csv rank_* kernel_meta

# Every target provisions its own virtual environment, so a fresh clone needs only python3 and make.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Re-install when the package metadata changes.
STAMP := $(VENV)/.installed-$(shell cksum setup.py | cut -d' ' -f1)

.PHONY: demo test bench figures clean

$(STAMP): setup.py
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test,plot,yaml]"
	rm -f $(VENV)/.installed-*
	touch $@

demo: $(STAMP)
	$(PY) scripts/demo.py

test: $(STAMP)
	$(PY) -m pytest -n 2 tests ms_lr --doctest-modules

bench: $(STAMP)
	$(PY) scripts/bench.py

figures: $(STAMP)
	$(PY) scripts/figures.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis lr_curve.png loss_curve.png

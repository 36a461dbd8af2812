# Every target provisions its own virtual environment, so a fresh clone needs only python3 and make.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Re-install when the package metadata changes.
STAMP := $(VENV)/.installed-$(shell cksum setup.py | cut -d' ' -f1)
# The oldest MindSpore release setup.py supports, tested in an environment of its own.
OLDEST_MINDSPORE := 2.7.0
OLDEST := .venv-oldest
OLDEST_STAMP := $(OLDEST)/.installed-$(OLDEST_MINDSPORE)-$(shell cksum setup.py | cut -d' ' -f1)

.PHONY: demo test test-oldest lint bench figures readme clean

$(STAMP): setup.py
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test,plot,yaml]"
	rm -f $(VENV)/.installed-*
	touch $@

$(OLDEST_STAMP): setup.py
	test -x $(OLDEST)/bin/python || $(PYTHON) -m venv $(OLDEST)
	$(OLDEST)/bin/python -m pip install --quiet --upgrade pip
	$(OLDEST)/bin/python -m pip install --quiet -e ".[test,plot,yaml]" "mindspore==$(OLDEST_MINDSPORE)"
	rm -f $(OLDEST)/.installed-*
	touch $@

demo: $(STAMP)
	$(PY) scripts/demo.py

lint: $(STAMP)
	$(VENV)/bin/ruff check ms_lr tests scripts

test: lint
	$(PY) -m pytest -n 2 tests ms_lr --doctest-modules

# The suite on the oldest supported MindSpore (the lint and the property depth need no second run).
test-oldest: $(OLDEST_STAMP)
	MS_LR_PROPERTY_EXAMPLES=5 $(OLDEST)/bin/python -m pytest -n 2 tests ms_lr --doctest-modules -q

bench: $(STAMP)
	$(PY) scripts/bench.py

figures: $(STAMP)
	$(PY) scripts/figures.py

# The README's schedule table is generated from the registry (a test checks it is current).
readme: $(STAMP)
	$(PY) -c "from ms_lr.tools.catalogue import write_readme; write_readme('README.md')"

clean:
	rm -rf $(VENV) $(OLDEST) build *.egg-info .pytest_cache .hypothesis .ruff_cache lr_curve.png loss_curve.png \
		lr_monitor.csv rank_* kernel_meta

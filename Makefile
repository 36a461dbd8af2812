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
# timm's schedulers for the parity tests, without the torchvision its package metadata pulls (and with it a torch
# other than the one pinned): they import only torch.
TIMM := timm==1.0.31

# MS_LR_DEVICE (CPU, GPU or Ascend) picks the device of make test-device and make bench: see
# ms_lr/tools/device.py. For the GPU the CUDA 11 wheels are installed once, and their folders go on the loader's path
# before Python starts.
GPU_STAMP := $(VENV)/.gpu-libraries
DEVICE_LIBRARIES = $(if $(filter gpu GPU,$(MS_LR_DEVICE)),$(MAKE) --no-print-directory $(GPU_STAMP))
ON_DEVICE = LD_LIBRARY_PATH="$$($(PY) -m ms_lr.tools.device --library-path)$${LD_LIBRARY_PATH:+:$$LD_LIBRARY_PATH}" \
	MS_LR_DEVICE=$(MS_LR_DEVICE)

.PHONY: demo test test-oldest test-device lint bench figures tables docs docs-screenshots clean

$(STAMP): setup.py
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test,plot,yaml]"
	$(PY) -m pip install --quiet --no-deps "$(TIMM)"
	rm -f $(VENV)/.installed-*
	touch $@

# The documentation's tools, on top of the test environment (make docs runs the examples' code as the suite does).
DOCS_STAMP := $(VENV)/.docs-$(shell cksum setup.py | cut -d' ' -f1)
$(DOCS_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e ".[docs]"
	rm -f $(VENV)/.docs-*
	touch $@

$(OLDEST_STAMP): setup.py
	test -x $(OLDEST)/bin/python || $(PYTHON) -m venv $(OLDEST)
	$(OLDEST)/bin/python -m pip install --quiet --upgrade pip
	$(OLDEST)/bin/python -m pip install --quiet -e ".[test,plot,yaml]" "mindspore==$(OLDEST_MINDSPORE)"
	$(OLDEST)/bin/python -m pip install --quiet --no-deps "$(TIMM)"
	rm -f $(OLDEST)/.installed-*
	touch $@

$(GPU_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e ".[gpu]"
	touch $@

demo: $(STAMP)
	$(PY) scripts/demo.py

lint: $(STAMP)
	$(VENV)/bin/ruff check ms_lr tests scripts docs

test: lint
	$(PY) -m pytest -n 2 tests ms_lr --doctest-modules

# The suite on the oldest supported MindSpore (the lint and the property depth need no second run).
test-oldest: $(OLDEST_STAMP)
	MS_LR_PROPERTY_EXAMPLES=5 $(OLDEST)/bin/python -m pytest -n 2 tests ms_lr --doctest-modules -q

# The suite with every cell on a device: make test-device (GPU), make test-device MS_LR_DEVICE=Ascend.
test-device: MS_LR_DEVICE ?= GPU
test-device: $(STAMP)
	$(DEVICE_LIBRARIES)
	$(ON_DEVICE) $(PY) -m pytest -n 2 tests ms_lr --doctest-modules -q

# On the CPU; make bench MS_LR_DEVICE=GPU for the GPU. It writes its figures into the performance guide
# (BENCH_PAGE= to only print them).
bench: MS_LR_DEVICE ?= CPU
bench: BENCH_PAGE ?= docs/guides/performance.md
bench: $(STAMP)
	$(DEVICE_LIBRARIES)
	$(ON_DEVICE) $(PY) scripts/bench.py $(if $(BENCH_PAGE),--page $(BENCH_PAGE))

figures: $(STAMP)
	$(PY) scripts/figures.py

# The schedules guide's table and the exactness guide's op table are generated from the registry and the compiled graphs (tests check
# both are current).
tables: $(STAMP)
	$(PY) -c "from ms_lr.tools.catalogue import write_table; write_table('docs/guides/schedules.md')"
	$(PY) -m ms_lr.tools.op_audit --page docs/guides/exactness.md > /dev/null

# The site, warnings as errors (a dangling reference or link, a docstring that does not render); the API pages and
# each schedule's plot are generated while it builds (docs/_ext/api_pages.py).
docs: $(DOCS_STAMP)
	$(PY) -m sphinx -W --keep-going -q -b html docs docs/_build/html
	$(PY) docs/check_links.py docs/_build/html

# The built site in headless Chromium (Debian's: apt-get install chromium), served over HTTP: the index, a schedule's
# page and a guide as PNGs in docs/_build/screenshots; fails on a page that does not render or a missing asset.
docs-screenshots: docs
	$(PY) docs/screenshots.py docs/_build/html docs/_build/screenshots

clean:
	rm -rf $(VENV) $(OLDEST) build *.egg-info .pytest_cache .hypothesis .ruff_cache lr_curve.png loss_curve.png \
		lr_monitor.csv lr_find.png lr_find.csv rank_* kernel_meta docs/_build docs/api

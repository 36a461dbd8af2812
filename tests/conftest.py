import os
import tempfile

import mindspore as ms
import pytest

from ms_lr.tools.device import use_selected_device

# MindSpore dumps rank_0/om/analyze_fail.ir into the working directory when a graph fails to compile; the tests
# provoke such failures on purpose, and must not litter the user's tree with them.
os.environ.setdefault("MS_OM_PATH", tempfile.mkdtemp(prefix="ms_lr_tests_om_"))

# make test-device runs the suite with every cell on the device MS_LR_DEVICE names (CPU when unset).
try:
    DEVICE = use_selected_device()
except ValueError as error:
    raise pytest.UsageError(str(error)) from None

MODES = {"graph": ms.GRAPH_MODE, "pynative": ms.PYNATIVE_MODE}


@pytest.fixture(params=sorted(MODES))
def mode(request):
    """Run the test once in GRAPH_MODE and once in PYNATIVE_MODE, restoring graph mode after."""
    ms.set_context(mode=MODES[request.param])
    yield request.param
    ms.set_context(mode=ms.GRAPH_MODE)


@pytest.fixture(autouse=True)
def _graph_mode_by_default():
    ms.set_context(mode=ms.GRAPH_MODE)
    yield

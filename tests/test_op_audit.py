"""The op audit: every primitive in every registered schedule's compiled graph (read from the IR MindSpore saves)
is one MindSpore documents for Ascend and GPU, 64-bit dtypes appear only where a schedule documents them, the graph
built for Ascend has no node Ascend rejects and none it runs on its AI CPU but those 64-bit ones and the search of a
table too long to compare, and the exactness guide's op table is the tool's current output."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Run in a process of its own: the audit compiles in GRAPH mode with graph saving on.
DRIVER = """
import json, sys, warnings
warnings.simplefilter("ignore")
import ms_lr
from ms_lr.graph.search import searching_for
from ms_lr.tools import op_audit
from tests.support.strategies import example, schedule_classes
# A schedule holding a Python function (LambdaLR) compiles the user's function: its ops are the user's. The
# formulas, not the lookups of settled schedules (a clamp and a gather, audited in the table): past the table's
# limit the formula is what runs.
with ms_lr.settled_tables(0):
    formulas = {cls.__name__: example(cls) for cls in schedule_classes(configurable_only=True)}
    with searching_for("Ascend"):
        for_ascend = {cls.__name__: example(cls) for cls in schedule_classes(configurable_only=True)}
registry = op_audit.audit(formulas, for_ascend)
table = op_audit.table()
json.dump({"registry": registry, "table": table}, sys.stdout)
"""
# The schedules whose graphs hold float64 (or int64) ops at their defaults, each documenting why: the noise's hash in
# int64. (Tanh and polynomial cycles compute their weights in float64, MindSpore's float32 sigmoid/expm1/log1p losing
# precision, where their cycles grow; of one length, as at their defaults, they are tables rounded from float64.)
WIDE_BY_DEFAULT = {"NoisyLR"}


@pytest.fixture(scope="module")
def audited():
    done = subprocess.run([sys.executable, "-c", DRIVER], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def test_every_primitive_of_every_schedule_is_documented_for_ascend_and_gpu(audited):
    undocumented = {row["schedule"]: row["undocumented"] for row in audited["registry"] if row["undocumented"]}
    assert not undocumented, undocumented


def test_64_bit_dtypes_appear_only_where_a_schedule_documents_them(audited):
    wide = {row["schedule"] for row in audited["registry"] if row["wide"]}
    assert wide == WIDE_BY_DEFAULT


def test_ascend_rejects_no_node_of_any_schedule_built_for_it(audited):
    rejected = {row["schedule"]: row["ascend_rejected"] for row in audited["registry"] if row["ascend_rejected"]}
    assert not rejected, rejected


def test_every_primitive_is_placed_on_ascend_from_canns_sources(audited):
    unknown = {row["schedule"]: row["ascend_unknown"] for row in audited["registry"] if row["ascend_unknown"]}
    assert not unknown, f"add these primitives to ms_lr/tools/ascend_kernels.py: {unknown}"


def test_ascend_runs_on_its_ai_cpu_only_64_bit_nodes_and_long_searches(audited):
    from ms_lr.graph.search import COMPARED
    for row in audited["registry"]:
        narrow = [label for label in row["ascend_ai_cpu"]
                  if "64" not in label and not label.startswith("SearchSorted(")]
        assert not narrow, (row["schedule"], narrow)
        assert all(length > COMPARED for length in row["ascend_searched"]), row
        if any("64" in label for label in row["ascend_ai_cpu"]):
            assert row["schedule"] in WIDE_BY_DEFAULT, row


def test_the_exactness_guides_op_table_is_current(audited):
    import mindspore as ms

    from ms_lr.tools.op_audit import TABLE_BEGIN, TABLE_END
    page = ROOT / "docs" / "guides" / "exactness.md"
    block = page.read_text(encoding="utf-8").split(TABLE_BEGIN)[1].split(TABLE_END)[0]
    if f"MindSpore {ms.__version__} " not in block:
        pytest.skip(f"the op table is from another MindSpore than {ms.__version__} (which compiles some "
                    f"schedules to other kernels)")
    assert audited["table"] in block, \
        "the exactness guide's op table is stale: run make tables"


# A train step with one schedule, profiled in a process of its own (MindSpore's profiler is global to a process;
# two schedules in one graph share sub-graphs, whose kernels the profiler files under one of them).
PROFILED = """
import glob, json, sys, tempfile, warnings
warnings.simplefilter("ignore")
import mindspore as ms
import numpy as np
from mindspore import Tensor, nn
import ms_lr
from ms_lr.tools.kernel_timeline import profile, read
from ms_lr.tools.op_audit import graph_primitives
ms.set_context(mode=ms.GRAPH_MODE)
schedule = eval(sys.argv[1], {"ms_lr": ms_lr})
with tempfile.TemporaryDirectory() as folder:
    graph = graph_primitives(schedule, folder)
    saved = open(sorted(glob.glob(folder + "/**/*validate*.ir", recursive=True))[-1]).read()
net = nn.Dense(16, 1)
step = nn.TrainOneStepCell(nn.WithLossCell(net, nn.MSELoss()), nn.SGD(net.trainable_params(), learning_rate=schedule))
with tempfile.TemporaryDirectory() as folder:
    profile(step, (Tensor(np.ones((4, 16), np.float32)), Tensor(np.ones((4, 1), np.float32))), folder, warm=3, steps=5)
    launched = read(folder, type(schedule).__name__)["schedule_kernels"]
json.dump({"counted": graph.sequence, "reshapes_in_the_ir": saved.count("PrimFunc_Reshape(%"), "launched": launched},
          sys.stdout)
"""


@pytest.mark.parametrize("schedule", [
    # A cosine beside lines: the Addcmul of the sine's square, its operands rank-0 views.
    "ms_lr.CosineWithWarmUpLR(1e-4, warmup_steps=2000, total_steps=5_000_000)",
    # Lines with lows: the Addcmul of the difference and the scale.
    "ms_lr.LinearWithWarmUpLR(1e-4, total_steps=5_000_000, warmup_steps=2000, warmup_lr_init=1e-6)"])
def test_the_kernel_count_is_what_mindspores_profiler_sees_launched(schedule):
    # The IR holds Reshapes of other nodes' outputs that the backend leaves out: the count leaves them out too, and
    # every counted kernel, and no other, runs.
    done = subprocess.run([sys.executable, "-c", PROFILED, schedule], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["reshapes_in_the_ir"] >= 2, found
    assert "Reshape" not in found["launched"] and sorted(found["launched"]) == sorted(found["counted"]), found

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
# The schedules whose graphs hold float64 (or int64) ops at their defaults, each documenting why: tanh and
# polynomial weights in float64 (MindSpore's float32 sigmoid/expm1/log1p lose precision), the noise's hash in int64.
WIDE_BY_DEFAULT = {"TanhCyclesLR", "PolyCyclesLR", "NoisyLR"}


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

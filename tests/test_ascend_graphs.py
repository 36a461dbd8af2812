"""The graphs ms_lr builds for Ascend, compiled on this CPU. Ascend runs ``SearchSorted`` on its AI CPU (CANN has no
AI Core kernel for it), so a sorted table built for Ascend counts the steps below a step by comparisons: the same
int32 counts as the search (checked against NumPy's), and so the same values for every schedule."""
import warnings

import mindspore as ms
import numpy as np
import pytest
from mindspore import Tensor

import ms_lr
from ms_lr.core.arguments import INT32_MAX, INT32_MIN
from ms_lr.graph.search import COMPARED, SortedSteps, searching_for
from tests.support.strategies import example, schedule_classes

TABLES = [
    [0],
    [0, 5, 5, 9],
    [1, 2, 3],
    [INT32_MIN, 0, 2000, 5_000_000],
    [3, INT32_MAX],
    list(range(0, 7 * COMPARED, 7)),
    list(range(0, 7 * (COMPARED + 1), 7)),
    list(range(0, 7 * 65_536, 7)),
]


def _steps_around(table):
    """Every entry and its neighbours, the int32 extremes and a spread of others, as int32."""
    points = np.asarray(table, dtype=np.int64)
    # A long table's first and last entries (the comparisons hold a step x entry matrix).
    points = np.concatenate([points[:50], points[-50:]])
    near = (points[:, None] + np.arange(-2, 3)).ravel()
    spread = np.random.default_rng(7).integers(INT32_MIN, INT32_MAX, 500, endpoint=True)
    steps = np.concatenate([near, spread, [INT32_MIN, INT32_MIN + 1, -1, 0, 1, INT32_MAX - 1, INT32_MAX]])
    return np.unique(np.clip(steps, INT32_MIN, INT32_MAX)).astype(np.int32)


@pytest.mark.parametrize("table", TABLES, ids=lambda table: f"{len(table)} entries from {table[0]}")
def test_counting_by_comparison_gives_the_searchs_counts(mode, table):
    with searching_for("CPU"):
        search = SortedSteps(table)
    with searching_for("Ascend"):
        compare = SortedSteps(table)
    # A table longer than COMPARED is searched on Ascend too (the comparisons' memory grows with it).
    assert compare.by_comparison == (len(table) <= COMPARED) and not search.by_comparison
    steps = _steps_around(table)
    up_to = np.searchsorted(np.asarray(table, dtype=np.int64), steps, side="right")
    # entry_of serves steps at or past the first entry; count_up_to a table above -2**31.
    served = steps >= table[0]
    for block in (search, compare):
        np.testing.assert_array_equal(block.entry_of(Tensor(steps[served])).asnumpy(), up_to[served] - 1)
        if table[0] > INT32_MIN:
            np.testing.assert_array_equal(block.count_up_to(Tensor(steps)).asnumpy(), up_to)
    # Any step shape: a scalar and a matrix.
    scalar = Tensor(np.int32(max(table[0], 0)))
    assert compare.entry_of(scalar).shape == () and int(compare.entry_of(scalar)) == int(search.entry_of(scalar))
    matrix = steps[served][:6].reshape(2, 3)
    np.testing.assert_array_equal(compare.entry_of(Tensor(matrix)).asnumpy(), up_to[served][:6].reshape(2, 3) - 1)


def test_a_table_counts_by_comparison_where_mindspores_device_target_is_ascend(monkeypatch):
    monkeypatch.setattr(ms, "get_context", lambda key: "Ascend" if key == "device_target" else None)
    assert SortedSteps([0, 10]).by_comparison
    with searching_for("CPU"):
        assert not SortedSteps([0, 10]).by_comparison


def test_searching_for_names_the_targets_it_takes():
    with pytest.raises(ValueError, match="device_target must be 'Ascend', 'GPU' or 'CPU', got 'NPU'"):
        with searching_for("NPU"):
            pass


LONG = {
    "CosineWithWarmUpLR, 5M steps": lambda: ms_lr.CosineWithWarmUpLR(1e-4, 2000, 5_000_000),
    "CosineAnnealingWarmRestarts(T_mult=2)": lambda: ms_lr.CosineAnnealingWarmRestarts(0.1, 1000, 2),
    "CosineAnnealingWarmupRestarts": lambda: ms_lr.CosineAnnealingWarmupRestarts(1000, 1.5, 0.1, 1e-4, 100, 0.9),
    "WarmupStableDecayLR, 10M steps": lambda: ms_lr.WarmupStableDecayLR(0.1, 2000, 6_998_000, 3_000_000),
    "MultiStepLR": lambda: ms_lr.MultiStepLR(0.1, [3000, 6000, 9000], 0.1),
}


def _registered():
    """A builder per registered schedule class (the test builds each inside settled_tables(0))."""
    return {cls.__name__: (lambda cls=cls: example(cls)) for cls in schedule_classes(configurable_only=True)}


@pytest.mark.parametrize("name", sorted(_registered()) + sorted(LONG))
def test_every_schedule_built_for_ascend_gives_the_values_built_for_the_cpu(name):
    build = {**_registered(), **LONG}[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with ms_lr.settled_tables(0), searching_for("CPU"):
            cpu = build()
        with ms_lr.settled_tables(0), searching_for("Ascend"):
            ascend = build()
    marks = cpu.boundaries(200_000)[:2000]
    steps = np.unique(np.clip(np.concatenate([
        np.arange(-3, 3000), (np.asarray(marks, dtype=np.int64)[:, None] + np.arange(-2, 3)).ravel(),
        np.random.default_rng(11).integers(0, INT32_MAX, 300, endpoint=True), INT32_MAX - np.arange(4)]),
        INT32_MIN, INT32_MAX)).astype(np.int32)
    np.testing.assert_array_equal(ascend(Tensor(steps)).asnumpy(), cpu(Tensor(steps)).asnumpy())


def test_a_phase_table_built_for_ascend_compares_where_the_cpus_searches(tmp_path):
    from ms_lr.tools.op_audit import graph_primitives
    with searching_for("CPU"):
        cpu = graph_primitives(ms_lr.CosineWithWarmUpLR(1e-4, 2000, 5_000_000), str(tmp_path / "cpu")).sequence
    with searching_for("Ascend"):
        ascend = graph_primitives(ms_lr.CosineWithWarmUpLR(1e-4, 2000, 5_000_000), str(tmp_path / "ascend")).sequence
    assert "SearchSorted" in cpu and "SearchSorted" not in ascend
    assert [kind for kind in ascend if kind not in cpu] == ["ExpandDims", "Less", "ReduceSum"]
    assert ascend.count("Cast") == cpu.count("Cast") + 1


def test_placements_read_from_canns_lists():
    from ms_lr.tools.ascend_kernels import AI_CORE, AI_CPU, REJECTED, VIEW, placement
    assert placement("SearchSorted", ("Int32", "Int32"), ("Int32",)) == AI_CPU
    assert placement("Less", ("Int32", "Int32"), ("Bool",)) == AI_CORE
    assert placement("ReduceSum", ("Int32",), ("Int32",)) == AI_CORE
    assert placement("Cast", ("Bool",), ("Int32",)) == AI_CORE
    assert placement("Cast", ("Float32",), ("Float64",)) == AI_CPU
    assert placement("Select", ("Bool", "Float64", "Float64"), ("Float64",)) == AI_CPU
    assert placement("Select", ("Bool", "Float32", "Float32"), ("Float32",)) == AI_CORE
    assert placement("Expm1", ("Float64",), ("Float64",)) == REJECTED
    assert placement("ExpandDims", ("Int32",), ("Int32",)) == VIEW
    assert placement("Gather", ("Float64", "Int32"), ("Float64",)) is None  # a dtype not looked up
    assert placement("Muls", ("Float32",), ("Float32",)) is None  # a primitive not looked up

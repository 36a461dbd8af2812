"""Counting the steps of a sorted int32 table that are at or below a step: the lookup every table schedule uses."""
import contextlib
from typing import Iterator, List, Optional, Sequence

import mindspore as ms
import numpy as np
from mindspore import Tensor, ops

from ms_lr.core.arguments import INT32_MIN
from ms_lr.core.blocks import GraphBlock

__all__ = ["SortedSteps", "searching_for", "COMPARED"]

# The primitive, not ops.searchsorted: that function checks its arguments in Python, and MindSpore parses and infers
# those checks in every graph it is compiled into. In a cycle table's train step that was most of what the table
# added to the compile time (CosineAnnealingWarmupRestarts: 1.5x a constant lr's compile with it, 1.2x without).
_SEARCH = ops.SearchSorted(dtype=ms.int32)
_LESS = ops.Less()
_CAST = ops.Cast()
_SUM = ops.ReduceSum()
_EXPAND = ops.ExpandDims()

#: The most entries a table built for Ascend counts by comparison. The comparisons hold a steps x entries matrix:
#: nothing for an optimizer's one step, but ``ms_lr.evaluate`` of 1,000,000 steps at once holds 128 M of them
#: (640 MB with the int32 cast). A longer table (a cycle table of up to 65,536 cycles) is searched, on the AI CPU.
COMPARED = 128

# The device target a table is built for, where searching_for sets one (None: MindSpore's context decides).
_target: List[Optional[str]] = [None]


@contextlib.contextmanager
def searching_for(device_target: str) -> Iterator[None]:
    """Within the block, tables are built to be searched on ``device_target`` ("Ascend", "GPU" or "CPU"), whatever
    MindSpore's context says: the op audit and the tests compile the Ascend graph on a CPU with it."""
    if device_target not in ("Ascend", "GPU", "CPU"):
        raise ValueError(f"For 'searching_for', device_target must be 'Ascend', 'GPU' or 'CPU', got {device_target!r}")
    previous = _target[0]
    _target[0] = device_target
    try:
        yield
    finally:
        _target[0] = previous


def _counts_by_comparison(entries: int) -> bool:
    """Whether a table of ``entries`` steps built now counts by comparison: up to ``COMPARED`` entries, for Ascend,
    whose ``SearchSorted`` runs on its AI CPU (CANN has no AI Core kernel for it: ``math/search_sorted`` in CANN's
    ops-math launches an AI CPU task for every dtype), while the comparison, the cast and the sum are AI Core kernels
    for int32 there (:mod:`ms_lr.tools.ascend_kernels`). A CPU or a GPU runs the search as one kernel of its own."""
    return entries <= COMPARED and (_target[0] or ms.get_context("device_target")) == "Ascend"


def _count_below(table: Tensor, step: Tensor) -> Tensor:
    """How many entries of ``table`` are below each step: ``searchsorted(table, step)`` for a sorted ``table``,
    as a sum of comparisons (the step gets a trailing axis for the table's)."""
    return _SUM(_CAST(_LESS(table, _EXPAND(step, -1)), ms.int32), -1)


class SortedSteps(GraphBlock):
    """A non-decreasing table of int32 steps, searched with ``count_up_to(step)``: how many are ``<= step``.

    That is ``searchsorted(table, step, right=True)``; it is computed as ``searchsorted(table - 1, step)`` with the
    default ``right=False`` (equal for integers), because MindSpore 2.7 in PyNative mode ignores ``right`` (a kernel
    compiled for one value serves the other), which put SGDR restarts on the wrong side of their boundary there.
    Built for Ascend, a table of up to ``COMPARED`` entries is counted by a sum of comparisons instead (3 AI Core
    kernels for one AI CPU kernel, which costs a round trip to the device's host CPU): the same int32 counts.
    """

    def __init__(self, steps: Sequence[int]) -> None:
        super().__init__()
        table = np.asarray(steps, dtype=np.int64).reshape(-1)
        # A table from -2**31 (a phase for negative steps) holds every int32 step: entry_of serves it, count_up_to
        # would need a step below the int32 range.
        self.below = Tensor(table - 1).astype("int32") if table[0] > INT32_MIN else None
        # For entry_of: the first step is at or below every step searched, so counting it only adds 1.
        self.later_below = Tensor(table[1:] - 1).astype("int32") if table.size > 1 else None
        self.by_comparison = _counts_by_comparison(table.size)

    def count_up_to(self, step: Tensor) -> Tensor:
        """The number of table steps ``<= step`` (int32, the shape of ``step``), for a table starting above
        ``-2**31``."""
        if self.by_comparison:
            return _count_below(self.below, step)
        return _SEARCH(self.below, step)

    def entry_of(self, step: Tensor) -> Tensor:
        """The index of the last table step ``<= step``, for a ``step`` at or past the first table step (as a cycle
        table starting at step 0 is searched): ``count_up_to(step) - 1``, one kernel shorter."""
        if self.later_below is None:
            return ops.zeros_like(step)
        if self.by_comparison:
            return _count_below(self.later_below, step)
        return _SEARCH(self.later_below, step)

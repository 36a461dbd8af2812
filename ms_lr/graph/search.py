"""Counting the steps of a sorted int32 table that are at or below a step: the lookup every table schedule uses."""
from typing import Sequence

import mindspore as ms
import numpy as np
from mindspore import Tensor, ops

from ms_lr.core.arguments import INT32_MIN
from ms_lr.core.blocks import GraphBlock

__all__ = ["SortedSteps"]

# The primitive, not ops.searchsorted: that function checks its arguments in Python, and MindSpore parses and infers
# those checks in every graph it is compiled into. In a cycle table's train step that was most of what the table
# added to the compile time (CosineAnnealingWarmupRestarts: 1.5x a constant lr's compile with it, 1.2x without).
_SEARCH = ops.SearchSorted(dtype=ms.int32)


class SortedSteps(GraphBlock):
    """A non-decreasing table of int32 steps, searched with ``count_up_to(step)``: how many are ``<= step``.

    That is ``searchsorted(table, step, right=True)``; it is computed as ``searchsorted(table - 1, step)`` with the
    default ``right=False`` (equal for integers), because MindSpore 2.7 in PyNative mode ignores ``right`` (a kernel
    compiled for one value serves the other), which put SGDR restarts on the wrong side of their boundary there.
    """

    def __init__(self, steps: Sequence[int]) -> None:
        super().__init__()
        table = np.asarray(steps, dtype=np.int64).reshape(-1)
        # A table from -2**31 (a phase for negative steps) holds every int32 step: entry_of serves it, count_up_to
        # would need a step below the int32 range.
        self.below = Tensor(table - 1).astype("int32") if table[0] > INT32_MIN else None
        # For entry_of: the first step is at or below every step searched, so counting it only adds 1.
        self.later_below = Tensor(table[1:] - 1).astype("int32") if table.size > 1 else None

    def count_up_to(self, step: Tensor) -> Tensor:
        """The number of table steps ``<= step`` (int32, the shape of ``step``), for a table starting above
        ``-2**31``."""
        return _SEARCH(self.below, step)

    def entry_of(self, step: Tensor) -> Tensor:
        """The index of the last table step ``<= step``, for a ``step`` at or past the first table step (as a cycle
        table starting at step 0 is searched): ``count_up_to(step) - 1``, one kernel shorter."""
        if self.later_below is None:
            return ops.zeros_like(step)
        return _SEARCH(self.later_below, step)

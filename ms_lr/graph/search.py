"""Counting the steps of a sorted int32 table that are at or below a step: the lookup every table schedule uses."""
from typing import Sequence

import numpy as np
from mindspore import Tensor, ops

from ms_lr.core.blocks import GraphBlock

__all__ = ["SortedSteps"]


class SortedSteps(GraphBlock):
    """A non-decreasing table of int32 steps, searched with ``count_up_to(step)``: how many are ``<= step``.

    That is ``searchsorted(table, step, right=True)``; it is computed as ``searchsorted(table - 1, step)`` with the
    default ``right=False`` (equal for integers), because MindSpore 2.7 in PyNative mode ignores ``right`` (a kernel
    compiled for one value serves the other), which put SGDR restarts on the wrong side of their boundary there.
    """

    def __init__(self, steps: Sequence[int]) -> None:
        super().__init__()
        self.below = Tensor(np.asarray(steps, dtype=np.int64).reshape(-1) - 1).astype("int32")

    def count_up_to(self, step: Tensor) -> Tensor:
        """The number of table steps ``<= step`` (int32, the shape of ``step``)."""
        return ops.searchsorted(self.below, step, out_int32=True)

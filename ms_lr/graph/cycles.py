"""Exact cycle lookup: which cycle an int32 step is in, and where in it, for every step in ``[0, 2**31 - 1]``.

Cycle positions are integer arithmetic on int32 steps, so every restart lands on its exact step; floating point
enters only for the phase inside a cycle.
"""
from typing import Callable, List, Sequence, Tuple

import mindspore as ms
import numpy as np
from mindspore import Tensor, nn, ops

from ms_lr.core.arguments import INT32_MAX
from ms_lr.graph.constants import f32

__all__ = ["CycleTable", "EntryConstant"]


class CycleTable(nn.Cell):
    """Start step and length of every cycle that begins in ``[0, 2**31 - 1]``.

    ``next_length(length)`` is the recurrence for the following cycle's length. When it reaches a fixed point
    (``next_length(L) == L``) every later cycle has that length, so the table stops there and the last entry is a
    periodic tail; otherwise the table runs until a cycle reaches past ``2**31 - 1``. Either way it holds
    ``O(log_mult(2**31))`` entries: 31 at most for an integer multiplier >= 2, and about 43,000 in the worst case of
    a float multiplier that grows the length by one step per cycle (first cycle 20000, multiplier 1.00005);
    searchsorted keeps the lookup at O(log entries) ops either way.
    """

    def __init__(self, first_length: int, next_length: Callable[[int], int]):
        super().__init__()
        starts, lengths = [0], [first_length]
        self.periodic_tail = False
        while starts[-1] + lengths[-1] <= INT32_MAX:
            following = next_length(lengths[-1])
            if following == lengths[-1]:
                self.periodic_tail = True
                break
            starts.append(starts[-1] + lengths[-1])
            lengths.append(following)
        ends = [start + length for start, length in zip(starts, lengths)]
        self.single = len(starts) == 1
        self.overruns = ends[-1] > INT32_MAX
        self.start_steps: List[int] = starts
        self.starts = Tensor(np.array(starts, dtype=np.int32))
        # Ends past the int32 range (only the final, partial cycle's) are split into an int32 part and a float excess
        # so the steps remaining to the end stay exact where they are small.
        self.ends = Tensor(np.array([min(end, INT32_MAX) for end in ends], dtype=np.int32))
        self.excess = Tensor(np.array([max(end - INT32_MAX, 0) for end in ends], dtype=np.float32))
        self.lengths = Tensor(np.array([min(length, INT32_MAX) for length in lengths], dtype=np.int32))
        self.tail_length = min(lengths[-1], INT32_MAX)
        self.cycle_lengths: List[int] = lengths   # exact Python ints, for per-entry constants

    def starts_up_to(self, last: int) -> List[int]:
        """Every cycle start in ``[0, last]`` as Python ints, the periodic tail included; none for ``last < 0``."""
        starts = [s for s in self.start_steps if s <= last]
        if self.periodic_tail and starts:
            starts += list(range(starts[-1] + self.tail_length, last + 1, self.tail_length))
        return starts

    def lookup(self, step: Tensor) -> Tuple[Tensor, Tensor, Tensor, Tensor]:
        """Branch-free ``(entry, cycle, position, remaining)`` of int32 ``step`` >= 0.

        ``entry`` indexes the table (per-entry constants are gathered with it), ``cycle`` counts cycles from 0,
        ``position`` is the int32 step inside the cycle and ``remaining`` the float32 number of steps to the cycle's
        end (``length - position``, exact where it matters). Which ops appear is fixed at construction.
        """
        if self.single:
            # One repeating length: plain int32 division; ops a caller does not use are pruned from the graph.
            position = ops.floor_mod(step, self.tail_length)
            cycle = ops.floor_div(step, self.tail_length)
            return ops.zeros_like(step), cycle, position, ops.cast(self.tail_length - position, ms.float32)
        # The last start <= step is the entry of the cycle holding step (starts[0] == 0 <= step).
        entry = ops.searchsorted(self.starts, step, right=True, out_int32=True) - 1
        offset = step - ops.gather(self.starts, entry, 0)
        remaining = ops.gather(self.ends, entry, 0) - step
        if self.periodic_tail:
            # Only the tail entry repeats; elsewhere offset < length, so repeats == 0.
            length = ops.gather(self.lengths, entry, 0)
            repeats = ops.floor_div(offset, length)
            return entry, entry + repeats, offset - repeats * length, ops.cast(remaining + repeats * length, ms.float32)
        remaining = ops.cast(remaining, ms.float32)
        if self.overruns:
            remaining = remaining + ops.gather(self.excess, entry, 0)
        return entry, entry, offset, remaining


class EntryConstant(nn.Cell):
    """One float32 constant per cycle-table entry, looked up with ``entry``: a plain scalar (no gather) when the
    table has a single entry, as for a fixed cycle length."""

    def __init__(self, values: Sequence[float]):
        super().__init__()
        self.single = len(values) == 1
        self.values = f32(values[0]) if self.single else Tensor(np.array(values, dtype=np.float32))

    def at(self, entry: Tensor) -> Tensor:
        """The constant of table entry ``entry``."""
        if self.single:
            return self.values
        return ops.gather(self.values, entry, 0)

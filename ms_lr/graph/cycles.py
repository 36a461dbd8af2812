"""Exact cycle lookup: which cycle an int32 step is in, and where in it, for every step in ``[0, 2**31 - 1]``.

Cycle positions are integer arithmetic on int32 steps, so every restart lands on its exact step; floating point
enters only for the phase inside a cycle.
"""
import math
from fractions import Fraction
from typing import Callable, List, Optional, Sequence, Tuple

import mindspore as ms
import numpy as np
from mindspore import Tensor, ops

from ms_lr.core.arguments import INT32_MAX, INT32_MIN
from ms_lr.core.blocks import GraphBlock
from ms_lr.core.settled import Repeats
from ms_lr.graph.constants import f32, i32
from ms_lr.graph.search import SortedSteps

__all__ = ["addcmul", "AnchoredPhases", "CycleTable", "EntryConstant", "FractionalCycles"]

# The primitive, not ops.addcmul, whose Python argument checks MindSpore would parse into every graph (see
# ms_lr/graph/search.py).
_ADDCMUL = ops.Addcmul()


def addcmul(data: Tensor, x1: Tensor, x2: Tensor, value: Tensor) -> Tensor:
    """``data + value * x1 * x2`` in one kernel instead of a product and a sum (the same two roundings on the CPU
    where ``value`` is 1).

    An optimizer's step has shape ``[1]``, and MindSpore's CPU ``Addcmul`` computes one element apart only where
    every operand has rank 0: any other shape goes through three broadcast iterators and three parallel launches,
    4 to 6 us of run for that one element against 0.5 (MindSpore's profiler, the 2-parameter train step). So
    operands of shape ``[1]`` are reshaped to rank 0 and the result back to ``[1]``: each operand a kernel's output
    or a constant, whose ``Reshape`` MindSpore's backend leaves out (no kernel launched; one of the step Parameter
    itself would launch one, which is why the step is not reshaped first). Other shapes (``ms_lr.evaluate``'s
    vectors) are computed as they are."""
    if _one_element(data.shape, x1.shape, x2.shape, value.shape):
        return _ADDCMUL(data.reshape(()), x1.reshape(()), x2.reshape(()), value.reshape(())).reshape((1,))
    return _ADDCMUL(data, x1, x2, value)


def _one_element(*shapes: Tuple[int, ...]) -> bool:
    """Whether operands of these (static) shapes make one element of shape ``[1]``."""
    return (1,) in shapes and all(shape in ((), (1,)) for shape in shapes)


class CycleTable(GraphBlock):
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
        self.single = len(starts) == 1
        self.start_steps: List[int] = starts
        self.starts = Tensor(np.array(starts, dtype=np.int32))
        self.search = SortedSteps(starts)
        # A cycle longer than the int32 range (only the last can be) is split into an int32 length and a float
        # excess, so the steps remaining to its end stay exact where they are small.
        self.overlong = lengths[-1] > INT32_MAX
        self.lengths = Tensor(np.array([min(length, INT32_MAX) for length in lengths], dtype=np.int32))
        self.excess = Tensor(np.array([max(length - INT32_MAX, 0) for length in lengths], dtype=np.float32)) \
            if self.overlong else None
        self.tail_length = min(lengths[-1], INT32_MAX)
        self.cycle_lengths: List[int] = lengths   # exact Python ints, for per-entry constants

    def repeats(self) -> Optional[Repeats]:
        """Where the cycles repeat: from the periodic tail's start, one tail length apart (``None`` without a tail)."""
        return Repeats(self.start_steps[-1], self.tail_length) if self.periodic_tail else None

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
        entry = self.search.entry_of(step)
        offset = step - ops.gather(self.starts, entry, 0)
        length = ops.gather(self.lengths, entry, 0)
        if self.periodic_tail:
            # Only the tail entry repeats; elsewhere offset < length, so repeats == 0.
            repeats = ops.floor_div(offset, length)
            position = offset - repeats * length
            return entry, entry + repeats, position, ops.cast(length - position, ms.float32)
        remaining = ops.cast(length - offset, ms.float32)
        if self.overlong:
            remaining = remaining + ops.gather(self.excess, entry, 0)
        return entry, entry, offset, remaining


class AnchoredPhases(GraphBlock):
    """Consecutive phases of int32 steps, each with an anchor step and a float32 scale: :meth:`at` gives the phase
    holding a step and ``x = (step - anchor) * scale``, the difference an exact int32.

    Phase ``i`` runs from ``starts[i]`` (``starts[0] == 0``, non-decreasing; an empty phase is skipped) to the next
    start. An anchor at a phase's end is the steps remaining, at its start the steps done, so either keeps its relative
    precision where it approaches 0. With ``negative_steps``, the table gives negative steps a phase of their own in
    front, index 0, with scale 0 (``x = 0``), which spares the schedule its clamp of the step where ``x = 0`` gives the
    value at step 0; ``takes_negative_steps`` says whether it did, and the given phases' indices then count from 1.

    A phase may end past ``2**31 - 1`` (a cycle the int32 range cuts), its anchor at its end beyond the int32 range.
    Where its weight is periodic in ``x`` (``periods[i]`` steps: a cosine's ``sin(x)**2``, period ``pi``), the anchor
    moves back by a whole period and the scale changes sign, which leaves the weight unchanged (``sin**2`` is even)
    and ``x`` negative, as a cosine's is, if the moved differences fit int32 and the weight loses no precision over
    the steps the range reaches (see :func:`_moved_anchor`). Otherwise the step and the anchors are both shifted down
    by the excess before their difference (one kernel more), so all stay int32 and each difference is exact, as long
    as no phase is longer than the int32 range; the search reads the unshifted step.
    """

    def __init__(self, starts: Sequence[int], anchors: Sequence[int], scales: Sequence[float],
                 periods: Optional[Sequence[int]] = None, negative_steps: bool = False):
        super().__init__()
        lasts = [following - 1 for following in starts[1:]] + [INT32_MAX]
        anchors, scales = zip(*(_moved_anchor(first, last, anchor, scale, period)
                                for first, last, anchor, scale, period in
                                zip(starts, lasts, anchors, scales, periods or [0] * len(starts))))
        self.shift = max(max(anchors) - INT32_MAX, 0)
        if self.shift > INT32_MAX or any(max(abs(anchor - first), abs(anchor - last)) > INT32_MAX
                                         for first, last, anchor in zip(starts, lasts, anchors)):
            raise ValueError(f"a phase reaches further than the int32 range from its anchor (anchors up to "
                             f"{max(anchors):,})")
        self.takes_negative_steps = negative_steps
        shifted_anchors = [anchor - self.shift for anchor in anchors]
        if self.takes_negative_steps:
            # The phase for negative steps has scale 0: x = 0 whatever the difference, which in a shifted table
            # leaves the int32 range for the most negative steps (wrapped or saturated, it is a finite number).
            starts, shifted_anchors, scales = [INT32_MIN, *starts], [INT32_MIN, *shifted_anchors], [0.0, *scales]
        self.shift_step = i32(self.shift)
        # The search reads the step itself (every start is an int32), so a shift subtracted for the differences
        # leaves the negative steps in their phase.
        self.search = SortedSteps(starts)
        self.anchors = Tensor(np.array(shifted_anchors, dtype=np.int32))
        self.scales = Tensor(np.array(scales, dtype=np.float32))
        self.one = f32(1.0)

    def at(self, step: Tensor, offset: Optional["EntryConstant"] = None) -> Tuple[Tensor, Tensor]:
        """``(phase, x)`` of int32 ``step`` (``>= 0``, or any where ``takes_negative_steps``): the phase's index
        (per-phase constants are gathered with it) and the float32 ``(step - anchor) * scale``, plus the phase's
        ``offset`` where one is given (in the same kernel as the product)."""
        phase = self.search.entry_of(step)
        if self.shift:
            # (step - shift) - (anchor - shift): for steps >= 0 both terms and the difference are int32.
            step = step - self.shift_step
        difference = ops.cast(step - ops.gather(self.anchors, phase, 0), ms.float32)
        if offset is None:
            return phase, difference * ops.gather(self.scales, phase, 0)
        return phase, addcmul(offset.at(phase), difference, ops.gather(self.scales, phase, 0), self.one)


def _moved_anchor(first: int, last: int, anchor: int, scale: float, period: int) -> Tuple[int, float]:
    """``(anchor, scale)``, or for an anchor past ``2**31 - 1`` of a weight periodic every ``period`` steps, the
    anchor a whole period earlier and the scale negated, where the phase's steps ``first .. last`` stay within the
    int32 range of it and the weight keeps the precision of the anchor at the end.

    Anchored at its end, a cosine's ``x`` lies in ``[-pi/2, 0)``; moved a period back and negated, ``-(x + pi)`` lies
    in ``(-pi, -pi/2]`` and ``sin(x)**2`` is the same number. The float32 ``x`` carries a rounding relative to ``x``,
    which moves ``sin(x)**2`` by a relative ``2 |x cot x|`` times it: at most 2 roundings for every ``x`` in
    ``[-pi/2, 0)``, but without bound toward ``-pi`` (the cycle's trough, which the moved anchor puts far from 0). So
    the anchor moves only where ``|x cot x| <= 1`` at the phase's last step (``|x| <= 2.03``: the range reaches at
    most 29% into the cosine, as for warm restarts whose last cycle starts a little before ``2**31``)."""
    if anchor <= INT32_MAX or not period:
        return anchor, scale
    moved = anchor - period * -(-(anchor - INT32_MAX) // period)
    if max(abs(moved - first), abs(moved - last)) > INT32_MAX:
        return anchor, scale
    x = (last - moved) * scale
    if math.sin(x) == 0.0 or abs(x * math.cos(x) / math.sin(x)) > 1.0:
        return anchor, scale
    return moved, -scale


class EntryConstant(GraphBlock):
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


class FractionalCycles(GraphBlock):
    """Cycles of one real length ``L`` (an exact ``Fraction``), from real step 0 up to ``horizon``.

    Cycle ``j`` covers the real interval ``[j L, (j + 1) L)``; an integer step belongs to the last cycle that starts
    at or before it. The boundaries are exact rationals, so every restart lands on its exact integer step (the first
    step ``>= j L``). Inside a cycle the real steps elapsed, ``k - j L``, and remaining, ``(j + 1) L - k``, are each an
    exact integer plus a fraction of the cycle's own (``ceil(j L) - j L``, ``(j + 1) L - (ceil((j + 1) L) - 1)``), so
    each keeps its relative precision where it approaches 0. An integral ``L`` is plain int32 division; otherwise the
    cycles up to the horizon are a table of at most ``LIMIT`` entries looked up with ``searchsorted``. Steps past the
    horizon are clamped to it: the caller holds a constant there.
    """

    LIMIT = 65536

    def __init__(self, length: Fraction, horizon: int, argument: str = "the cycle length") -> None:
        super().__init__()
        if length <= 0:
            raise ValueError(f"{argument} gives a cycle length of {length}; it must be > 0")
        self.length = length
        # A cycle longer than the int32 range never ends there: only the steps elapsed are needed.
        self.unbounded = length > INT32_MAX
        self.integral = length.denominator == 1 or self.unbounded
        if self.integral:
            self.period = min(int(length), INT32_MAX)
            self.period_step = i32(self.period)
            return
        # Boundaries j p / q in integers: ceil(j p / q) = -(-j p // q); fractions as exact int ratios to float.
        p, q = length.numerator, length.denominator
        count = max(1, -(-max(horizon, 1) * q // p))
        if count > self.LIMIT:
            raise ValueError(f"{argument} makes {count:,} cycles of {float(length):.6g} steps within {horizon:,} "
                             f"steps; ms_lr keeps each turn an exact step in a table of at most {self.LIMIT:,}")
        ceilings = [-(-j * p // q) for j in range(count + 1)]
        # The last cycle may end past 2**31 - 1: its last step is held at 2**31 - 1 and the tail takes the excess
        # (an int32 table would wrap it, and the difference k - last would rely on int32 subtraction wrapping too).
        starts, lasts = ceilings[:-1], [min(c - 1, INT32_MAX) for c in ceilings[1:]]
        self.horizon = lasts[-1]
        self.starts = Tensor(np.array(starts, dtype=np.int32))
        self.search = SortedSteps(starts)
        self.heads = Tensor(np.array([(s * q - j * p) / q for j, s in enumerate(starts)], dtype=np.float32))
        self.lasts = Tensor(np.array(lasts, dtype=np.int32))
        self.tails = Tensor(np.array([((j + 1) * p - last * q) / q for j, last in enumerate(lasts)], dtype=np.float32))

    def lookup(self, step: Tensor) -> Tuple[Tensor, Tensor, Optional[Tensor]]:
        """``(cycle, elapsed, remaining)`` of int32 ``step >= 0``: the cycle index and the float32 real steps since
        its start and to its end (``None`` for a cycle longer than the int32 range: it has not ended)."""
        if self.unbounded:
            return ops.zeros_like(step), ops.cast(step, ms.float32), None
        if self.integral:
            cycle = ops.floor_div(step, self.period)
            position = step - cycle * self.period_step
            return cycle, ops.cast(position, ms.float32), ops.cast(self.period - position, ms.float32)
        step = ops.minimum(step, self.horizon)
        entry = self.search.entry_of(step)
        elapsed = ops.cast(step - ops.gather(self.starts, entry, 0), ms.float32) + ops.gather(self.heads, entry, 0)
        remaining = ops.cast(ops.gather(self.lasts, entry, 0) - step, ms.float32) + ops.gather(self.tails, entry, 0)
        return entry, elapsed, remaining

    def starts_up_to(self, last: int) -> List[int]:
        """The integer step each cycle starts at, in ``(0, last]``."""
        if self.unbounded:
            return []
        if self.integral:
            return list(range(self.period, last + 1, self.period)) if last > 0 else []
        return sorted({int(s) for s in self.starts.asnumpy() if 0 < s <= last})

"""The branch-free int32/float32 building blocks the schedule cells share.

Cycle positions are integer arithmetic on int32 steps, so every restart lands on its exact step for all steps in
``[0, 2**31 - 1]``; floating point enters only for the phase inside a cycle.
"""
import math

import numpy as np
import mindspore as ms
from mindspore import Tensor, nn, ops

from ms_lr.base import INT32_MAX

class CycleTable(nn.Cell):
    """Start step and length of every cycle that begins in ``[0, 2**31 - 1]``.

    ``next_length(length)`` is the recurrence for the following cycle's length. When it reaches a fixed point
    (``next_length(L) == L``) every later cycle has that length, so the table stops there and the last entry is a
    periodic tail; otherwise the table runs until a cycle reaches past ``2**31 - 1``. Either way it holds
    ``O(log_mult(2**31))`` entries: 31 at most for an integer multiplier >= 2, and about 43,000 in the worst case of
    a float multiplier that grows the length by one step per cycle (first cycle 20000, multiplier 1.00005);
    searchsorted keeps the lookup at O(log entries) ops either way.
    """

    def __init__(self, first_length, next_length):
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
        self.starts = Tensor(np.array(starts, dtype=np.int32))
        # Ends past the int32 range (only the final, partial cycle's) are split into an int32 part and a float excess
        # so the steps remaining to the end stay exact where they are small.
        self.ends = Tensor(np.array([min(end, INT32_MAX) for end in ends], dtype=np.int32))
        self.excess = Tensor(np.array([max(end - INT32_MAX, 0) for end in ends], dtype=np.float32))
        self.lengths = Tensor(np.array([min(length, INT32_MAX) for length in lengths], dtype=np.int32))
        self.tail_length = min(lengths[-1], INT32_MAX)
        self.cycle_lengths = lengths   # exact Python ints, for per-entry constants

    def starts_up_to(self, last):
        """Every cycle start in ``[0, last]`` as Python ints, the periodic tail included."""
        starts = [int(s) for s in self.starts.asnumpy() if s <= last]
        if self.periodic_tail:
            starts += list(range(starts[-1] + self.tail_length, last + 1, self.tail_length))
        return starts

    def lookup(self, step):
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

    def __init__(self, values):
        super().__init__()
        self.single = len(values) == 1
        self.values = f32(values[0]) if self.single else Tensor(np.array(values, dtype=np.float32))

    def construct(self, entry):
        if self.single:
            return self.values
        return ops.gather(self.values, entry, 0)


def cosine_weights(remaining, elapsed, scale):
    r"""``(sin(remaining * scale)**2, sin(elapsed * scale)**2)``: the weights of a cosine phase's top and floor.

    A cosine phase of ``D`` steps at step ``t`` is :math:`\tfrac12(1+\cos(\pi t/D)) = \sin^2(\tfrac\pi2 (D-t)/D)`
    on top and :math:`\sin^2(\tfrac\pi2 t/D)` on the floor (they sum to 1). Each weight is a sine of its *own* exact
    integer count, ``remaining = D - t`` or ``elapsed = t`` (float32: exact below 2**24, one rounding above), times
    ``scale = pi / (2 D)``, so each stays within a few float32 ulps *relative to itself* where it approaches 0.
    ``0.5 * (1 + cos(...))`` in float32 cancels to noise there, and ``cos(x)**2`` near ``x = pi/2`` is off by the
    rounding of ``pi/2``. In graph mode an unused weight is pruned, so a caller that needs one pays one sine.
    """
    top = ops.sin(remaining * scale)
    floor = ops.sin(elapsed * scale)
    return top * top, floor * floor


def blend(low, high, w_low, w_high, low_is_zero, high_above_low):
    """``low * w_low + high * w_high`` for weights that sum to 1, in the cheapest form that stays exact.

    ``low + (high - low) * w_high`` is one op shorter and fine while ``high >= low``; where ``high`` may drop below
    ``low`` (a decaying peak under a floor) it cancels, so the two-weight form is used. The flags are Python
    constants fixed at construction.
    """
    if low_is_zero:
        return high * w_high
    if high_above_low:
        return low + (high - low) * w_high
    return low * w_low + high * w_high


class IntegerPower(nn.Cell):
    """``base ** n`` (``0 < base <= 1``) for int32 ``n >= 0``, to ~3e-7 relative for every ``n`` up to ``2**31 - 1``.

    ``pow(float32(base), n)`` alone is off by ``n`` times the base's rounding error (16% at ``base = 1 - 1e-6``,
    ``n = 1.4e7``), and MindSpore's CPU ``exp`` is off by up to 7e-6. So the rounding is carried separately:
    ``base**n = pow(b32, n) * pow(2, n * log2(base / b32))``, where 2 is exact and the second exponent is tiny.
    That is exact while ``n`` is (``n <= 2**24``). A base within ``2**-20`` of 1 still matters past ``2**24``, where
    ``n`` rounds in float32; there ``base**n = 2**(hi * l8) * 2**(lo * l8) * 2**(n * rest)`` with ``n = hi + lo``
    split on 2**15 and ``log2(base) = l8 + rest`` split after 8 significant bits, so each big product is exact.
    """

    def __init__(self, base):
        super().__init__()
        self.two = f32(2.0)
        self.near_one = base >= 1.0 - 2.0**-20
        if self.near_one:
            log2 = math.log2(base)
            exponent = math.frexp(log2)[1]
            head = math.ldexp(round(math.ldexp(log2, 8 - exponent)), exponent - 8) if log2 else 0.0
            self.head, self.rest = f32(head), f32(log2 - head)
        else:
            rounded = float(np.float32(base))
            self.base = f32(rounded)
            correction = math.log2(base / rounded)
            self.correction = f32(correction) if correction != 0.0 else None

    def construct(self, n):
        exponent = ops.cast(n, ms.float32)
        if self.near_one:
            high = ops.floor_div(n, 32768) * 32768
            low = ops.cast(n - high, ms.float32)
            return (ops.pow(self.two, ops.cast(high, ms.float32) * self.head) * ops.pow(self.two, low * self.head)
                    * ops.pow(self.two, exponent * self.rest))
        power = ops.pow(self.base, exponent)
        if self.correction is not None:
            power = power * ops.pow(self.two, exponent * self.correction)
        return power


def f32(value):
    """A float32 scalar constant tensor."""
    return Tensor(np.float32(value))


def half_pi_over(length):
    """``pi / (2 * length)`` rounded once to float32, the phase scale of a half-cosine over ``length`` steps."""
    return f32(math.pi / (2.0 * length))

"""Weights of the two ends of a phase, and mixing two lrs by them without losing relative precision.

A phase moves between two lrs, ``low`` and ``high``; at a step it is ``low * w_low + high * w_high`` with
``w_low + w_high = 1``. Each weight is computed from its *own* exact integer count (steps done, steps left), so a
weight approaching 0 keeps its relative precision, and so does the lr approaching that end.
"""
import math
from typing import Optional, Tuple

import mindspore as ms
from mindspore import Tensor, ops

from ms_lr.core.arguments import FLOAT32_TINY
from ms_lr.core.blocks import GraphBlock
from ms_lr.graph.constants import f32, i32
from ms_lr.graph.cycles import addcmul
from ms_lr.graph.precise import expm1, f64, power_and_rest

__all__ = ["cosine_weights", "DecayShape", "Endpoints", "Ramp", "warmed", "warmed_under"]


def cosine_weights(remaining: Tensor, elapsed: Tensor, scale: Tensor) -> Tuple[Tensor, Tensor]:
    r"""``(sin(remaining * scale)**2, sin(elapsed * scale)**2)``: the weights of a cosine phase's top and floor.

    A cosine phase of ``D`` steps at step ``t`` is :math:`\tfrac12(1+\cos(\pi t/D)) = \sin^2(\tfrac\pi2 (D-t)/D)`
    on top and :math:`\sin^2(\tfrac\pi2 t/D)` on the floor (they sum to 1). Each weight is a sine of its *own* exact
    count, ``remaining = D - t`` or ``elapsed = t`` (float32: exact below 2**24, one rounding above), times
    ``scale = pi / (2 D)``, so each stays within a few float32 ulps *relative to itself* where it approaches 0.
    ``0.5 * (1 + cos(...))`` in float32 cancels to noise there, and ``cos(x)**2`` near ``x = pi/2`` is off by the
    rounding of ``pi/2``. In graph mode an unused weight is pruned, so a caller that needs one pays one sine.
    """
    top = ops.sin(remaining * scale)
    floor = ops.sin(elapsed * scale)
    return top * top, floor * floor


class DecayShape(GraphBlock):
    r"""The weights ``(w_top, w_floor)`` of a decay of ``length`` steps from a top lr to a floor, at exact int32
    counts of steps done and left, for the decay shapes WSD schedules use: with :math:`t = \text{done} / L`,
    ``linear`` :math:`1 - t`, ``cosine`` :math:`\tfrac12(1 + \cos \pi t)`, ``1-sqrt`` :math:`1 - \sqrt t`,
    ``power`` :math:`1 - t^p` and ``exp`` :math:`(r^t - r) / (1 - r)`.

    Each weight comes from its own count, so the one approaching 0 keeps its relative precision: ``1 - sqrt(t)`` is
    ``(1 - t) / (1 + sqrt(t))``, ``1 - t**p`` is ``-expm1(p * log1p(-left / L))`` and the ``exp`` weights are
    ``expm1`` of exact fractions (those two in float64: :mod:`ms_lr.graph.precise`).
    """

    SHAPES = ("linear", "cosine", "1-sqrt", "power", "exp")

    def __init__(self, shape: str, length: int, power: float = 0.5, ratio: float = 0.1):
        super().__init__()
        self.shape = shape
        self.inv_length = f32(1.0 / length)
        self.scale = f32(math.pi / (2.0 * length))
        self.power = f64(power)
        # exp's exponent per step done (ln r / L), float64: a float32 fraction's rounding would be multiplied by |ln r|
        # (36 at r = 2e-16). Per step left it is the negative.
        per_step = math.log(ratio) / length if shape == "exp" else None
        self.exponent_per_done = f64(per_step) if per_step is not None else None
        self.exponent_per_left = f64(-per_step) if per_step is not None else None
        self.ratio = f64(ratio)
        self.inv_one_minus_ratio = f64(1.0 / (1.0 - ratio)) if shape == "exp" else None

    def weights(self, done: Tensor, left: Tensor) -> Tuple[Tensor, Tensor]:
        """``(w_top, w_floor)`` at int32 ``done`` steps of the decay and ``left`` to its end (``done + left = L``)."""
        done_f, left_f = ops.cast(done, ms.float32), ops.cast(left, ms.float32)
        if self.shape == "cosine":
            return cosine_weights(left_f, done_f, self.scale)
        if self.shape == "linear":
            return left_f * self.inv_length, done_f * self.inv_length
        if self.shape == "1-sqrt":
            w_floor = ops.sqrt(done_f * self.inv_length)
            return left_f * self.inv_length / (1.0 + w_floor), w_floor
        if self.shape == "power":
            w_floor, w_top = power_and_rest(done_f * self.inv_length, left_f * self.inv_length, self.power)
            return w_top, w_floor
        # exp: r**t - r = r * expm1(-(1 - t) ln r) and 1 - r**t = -expm1(t ln r), from the exact counts left and
        # done, in float64 (MindSpore's own expm1 is exp - 1, which cancels).
        w_top = self.ratio * expm1(ops.cast(left, ms.float64) * self.exponent_per_left)
        w_floor = -expm1(ops.cast(done, ms.float64) * self.exponent_per_done)
        return (ops.cast(w_top * self.inv_one_minus_ratio, ms.float32),
                ops.cast(w_floor * self.inv_one_minus_ratio, ms.float32))


class Endpoints(GraphBlock):
    """Two lrs a phase moves between, and the cheapest exact way to mix them by weights that sum to 1.

    ``low + (high - low) * w_high`` is one op shorter than ``low * w_low + high * w_high`` and exact while
    ``high >= low``; where ``high`` may be below ``low`` (a decaying peak under a floor, a decreasing ramp) it
    cancels, so the two-weight form is used. With ``low == 0`` it is ``high * w_high``. The form is chosen once,
    here, from Python floats. ``lowest_high`` is the smallest value a ``high`` passed at run time can take.
    """

    def __init__(self, low: float, high: float, lowest_high: Optional[float] = None):
        super().__init__()
        lowest = high if lowest_high is None else lowest_high
        self.low, self.high = f32(low), f32(high)
        self.form = "zero-low" if low == 0.0 else ("rising" if lowest >= low else "two-weight")

    def mix(self, w_low: Tensor, w_high: Tensor, high: Optional[Tensor] = None,
            rise: Optional[Tensor] = None) -> Tensor:
        """``low * w_low + high * w_high`` (``high`` the constant one unless given). ``rise`` is ``high - low``
        where the caller has it rounded once from float64 (a per-cycle constant): the one-weight forms use it and
        skip a subtraction."""
        high = self.high if high is None else high
        if self.form == "zero-low":
            return (high if rise is None else rise) * w_high
        if self.form == "rising":
            return self.low + ((high - self.low) if rise is None else rise) * w_high
        return self.low * w_low + high * w_high


class Ramp(GraphBlock):
    """The linear ramp from ``start`` (step 0) to ``end`` (reached at step ``length``) every warmup uses.

    A rising ramp is ``start + k * slope`` (``k * slope`` from 0): no cancellation, one rounding of the slope. A
    slope under float32's smallest normal number (a rise under ``1.2e-38 * length``: lrs around ``1e-33`` over a long
    warmup) would lose digits as a subnormal, or be flushed to 0 by a device, while the ramp's values are normal
    numbers: there the ramp is ``start + (k / length) * (end - start)`` in one ``Addcmul`` after ``k / length`` (two
    products by constants in a row would be folded by MindSpore's graph compiler into one by the subnormal slope: 0
    at every step, measured). A falling one is ``start * (L - k) / L + end * k / L``, weights from exact integers, so
    it keeps relative precision as it approaches an ``end`` near 0. :meth:`weights` gives the two weights for a
    runtime ``end``.
    """

    def __init__(self, start: float, end: float, length: int):
        super().__init__()
        self.length = length
        self.length_step = i32(length)
        self.inv_length = f32(1.0 / length)
        self.rising = end >= start
        self.start_is_zero = start == 0.0
        self.start, self.end = f32(start), f32(end)
        slope = (end - start) / length
        self.slope = f32(slope) if slope == 0.0 or slope >= FLOAT32_TINY else None
        self.rise, self.one = f32(end - start), f32(1.0)

    def at(self, step: Tensor) -> Tensor:
        """The ramp's value at int32 ``step`` (not clamped: the caller selects it below ``length``)."""
        if self.rising:
            if self.slope is None:
                return addcmul(self.start, ops.cast(step, ms.float32) * self.inv_length, self.rise, self.one)
            done = ops.cast(step, ms.float32) * self.slope
            return done if self.start_is_zero else self.start + done
        w_start, w_end = self.weights(step)
        return self.start * w_start + self.end * w_end

    def weights(self, step: Tensor) -> Tuple[Tensor, Tensor]:
        """``((L - k) / L, k / L)``, each from its exact integer."""
        return (ops.cast(self.length - step, ms.float32) * self.inv_length,
                ops.cast(step, ms.float32) * self.inv_length)


def warmed(ramp: Optional[Ramp], step: Tensor, lr: Tensor) -> Tensor:
    """The one warmup every schedule with a warmup uses: ``ramp`` below its length, then ``lr`` (``lr`` alone when
    there is no ramp, a warmup of 0 steps). Both are computed and one selected: no control flow in the graph."""
    if ramp is None:
        return lr
    return ops.where(step < ramp.length_step, ramp.at(step), lr)


def warmed_under(ramp: Ramp, step: Tensor, lr: Tensor) -> Tensor:
    """:func:`warmed` for a rising ``ramp`` and an ``lr`` at or above the ramp's end below its length and at or
    below it from there on (a decay held at its peak through the warmup): the ramp, extended past its length, is
    then above ``lr`` exactly where the schedule is ``lr``, so the smaller of the two is the schedule, one
    ``Minimum`` in place of a comparison and a select. Where rounding makes it take the other one (near the end of
    the warmup, where the two meet), that one is below the one it should take and, the truth being at or below it,
    above the truth less its own rounding: the result is within the larger of the two errors."""
    return ops.minimum(ramp.at(step), lr)

"""A wave of one shape repeated every cycle, its height set per cycle: two small tables and one product.

A cyclical lr that shrinks (``CyclicLR``'s ``triangular2`` and ``exp_range``) is ``low + height * w(p) * s(k)`` at
step ``k = c T + p``. Its scale splits into a factor of the cycle and one of the position: ``2**-c``, or
``gamma**k = gamma**(c T) * gamma**p``. So the lr is ``low + heights[c] * shape[p]``, each table rounded once from
float64 at construction, and the graph is the cycle and the position of the step (exact int32), a gather from each
table and one ``Addcmul``: 6 kernels after the step's clamp, where the formula (an exact power of the step, two
weights and a select) launched 20 rising and 39 falling, counted from the saved IR. The product carries about three
roundings of the wave's term (``heights[c]``'s, ``shape[p]``'s and its own), within 2e-7 of it.

Restarts of one length whose peak decays below a floor (``CosineAnnealingWarmupRestarts`` with ``cycle_mult=1`` and
``gamma < 1``) mix two weights of the position, ``low * w_low[p] + peak[c] * w_high[p]``, both terms non-negative:
the first is a table of the position too (``floor[p]``), gathered with the same index, one kernel more.

The heights shrink, and once a cycle's whole wave is under a quarter of an ulp of ``low`` (of the smallest
``floor[p]``; and under float32's smallest normal number, which the accuracy contract counts as 0) ``low + x``
rounds to ``low``: that cycle's height is 0, and so is every later one, held by the last entry. The lr has settled
there, or with a floor of the position repeats every cycle (:meth:`ScaledWaves.repeats`).
"""
import math
from typing import Optional, Sequence, Union

import numpy as np
from mindspore import Tensor, ops

from ms_lr.core.arguments import FLOAT32_TINY, INT32_MAX
from ms_lr.core.blocks import GraphBlock
from ms_lr.core.settled import Repeats
from ms_lr.graph.constants import f32, i32
from ms_lr.graph.cycles import addcmul

__all__ = ["MAX_ENTRIES", "ScaledWaves", "negligible_under", "heights_needed"]

#: The most entries of both tables together: 4 MiB of float32, as a settled lookup's default limit.
MAX_ENTRIES = 2**20


def negligible_under(low: float) -> float:
    """A bound under which a term ``x >= 0`` rounds away beside ``low`` in float32 (``low + x`` and ``low - x`` are
    ``low``), with the margins the settled lookups use: a quarter of an ulp of ``low * (1 - 1e-6)`` (the spacing
    below a power of two is half the one above), and at least float32's smallest normal number (the contract's 0, a
    device may flush it)."""
    return max(float(np.spacing(np.float32(low * (1 - 1e-6)))) / 4, FLOAT32_TINY)


class ScaledWaves(GraphBlock):
    """``low + heights[c] * shape[p]`` at step ``k = c * period + p`` (int32 ``k >= 0``), ``low`` a number or a
    float64 table of the position (``floor[p]``, the same length as ``shape``).

    ``heights`` (one per cycle, shrinking in magnitude) and ``shape`` (one per position, ``|shape| <= 1``) are float64;
    heights under :func:`negligible_under` of ``low`` (of the smallest ``|floor[p]|``) with a margin of ``1e-6`` are 0
    from the first such cycle on. The tables hold at most :data:`MAX_ENTRIES` entries: :meth:`fits` says whether
    they do, before any is built."""

    def __init__(self, low: Union[float, Sequence[float]], heights: Sequence[float], shape: Sequence[float],
                 period: int):
        super().__init__()
        floor = None if isinstance(low, (int, float)) else np.asarray(low, dtype=np.float64)
        smallest = float(low) if floor is None else float(np.abs(floor).min())
        heights = np.asarray(heights, dtype=np.float64)
        negligible = np.abs(heights) * (1 + 1e-6) < negligible_under(smallest)
        cycles = INT32_MAX // period + 1
        first = int(np.argmax(negligible)) if negligible.any() else len(heights)
        if first == len(heights) and len(heights) < cycles:
            raise ValueError(f"{len(heights)} heights neither reach a negligible one nor cover the {cycles} cycles")
        kept = np.append(heights[:first], [0.0] if first < cycles else [])
        # From the first negligible cycle on the lr is low, or floor[p]: a function of the position alone.
        self.settled = None if first >= cycles else Repeats(first * period, 1 if floor is None else period)
        self.per_position = floor is not None
        self.low = Tensor(_flushed(floor)) if self.per_position else f32(low)
        self.one = f32(1.0)
        self.period = i32(period)
        self.last = i32(len(kept) - 1)
        self.clamped = len(kept) < cycles
        self.heights = Tensor(_flushed(kept))
        self.shape = Tensor(_flushed(shape))

    @staticmethod
    def fits(period: int, heights: int, floor: bool = False) -> bool:
        """Whether a wave of ``period`` positions (with a ``floor`` table of them too) and ``heights`` heights
        (:func:`heights_needed`) fits."""
        return period * (2 if floor else 1) + heights <= MAX_ENTRIES

    def repeats(self) -> Optional[Repeats]:
        """From the first cycle whose height is 0 on: settled at ``low``, or periodic with a floor table; ``None``
        where the heights never vanish through ``2**31 - 1``."""
        return self.settled

    def at(self, step: Tensor) -> Tensor:
        """The lr at int32 ``step >= 0``."""
        cycle = ops.floor_div(step, self.period)
        if self.clamped:
            cycle = ops.minimum(cycle, self.last)
        position = ops.floor_mod(step, self.period)
        low = ops.gather(self.low, position, 0) if self.per_position else self.low
        return addcmul(low, ops.gather(self.heights, cycle, 0), ops.gather(self.shape, position, 0), self.one)


def _flushed(values: Sequence[float]) -> np.ndarray:
    """``values`` rounded to float32, those under float32's smallest normal number held as 0 (a device may flush a
    subnormal, and the contract counts it as 0)."""
    rounded = np.asarray(values, dtype=np.float64).astype(np.float32)
    return np.where(np.abs(rounded) < FLOAT32_TINY, np.float32(0.0), rounded)


def heights_needed(period: int, height: float, ratio_per_cycle: float, low: float) -> int:
    """How many heights a wave of ``period`` steps needs whose height starts at ``height`` and shrinks by
    ``ratio_per_cycle`` a cycle (1: not geometrically): up to the first cycle at which it is negligible beside
    ``low`` (see :class:`ScaledWaves`) and one more, or one for every cycle to ``2**31 - 1``, whichever is fewer."""
    cycles = INT32_MAX // period + 1
    if ratio_per_cycle >= 1.0:
        return cycles
    limit = negligible_under(low) / (1 + 1e-6)
    if abs(height) < limit:
        first = 0
    elif ratio_per_cycle == 0.0:
        first = 1
    else:
        # From just under the logarithm's answer up (its rounding must not overshoot the first cycle).
        first = max(0, math.floor(math.log(limit / abs(height)) / math.log(ratio_per_cycle)) - 1)
        while abs(height) * ratio_per_cycle**first >= limit:
            first += 1
    return min(first + 2, cycles)

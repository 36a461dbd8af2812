"""An lr made of linear and cosine phases, all from one table: one search, one weight, one mix for every phase.

A warmup, a cosine decay, a linear decay and the floor held after them are each a phase of one
:class:`~ms_lr.graph.cycles.AnchoredPhases` table. At step ``k`` in phase ``i``, ``x = (k - anchor_i) * scale_i``
(the difference an exact int32) and the phase's weight is ``max(x, sin(x)**2)``:

- a linear phase has ``x`` in ``[0, 1]``, where ``x >= x**2 >= sin(x)**2``: the weight is ``x``. A ramp up anchors
  at its first step (scale ``1 / W``), a decay at its end (scale ``-1 / D``: ``x`` counts the steps left);
- a cosine decay anchors at its end with scale ``pi / (2 D)``: ``x`` in ``[-pi/2, 0)``, where ``sin(x)**2 >= 0``
  is the weight, the half-angle form of ``(1 + cos(pi t / D)) / 2`` on the exact steps left (relative precision
  at the floor). The rise after a trough anchors at the trough with scale ``-pi / (2 D)``;
- a held floor has scale 0: ``x = 0``, weight 0.

The lr is ``low + rise * w`` (one ``Addcmul``); each phase may have its own ``low`` and ``rise`` (gathered, where they
differ). A table of linear phases only leaves out the sine and the maximum, and folds each rise into its scale:
``low + (k - anchor) * (scale * rise)``, one ``Addcmul`` after the difference. A table with no moving line leaves out
the maximum and squares the sine in the ``Addcmul``: ``low + rise * sin(x) * sin(x)``. Lines beside cosines, every low
0 and every line's rise at most 1, fold their rises too: ``max(x, rise * sin(x) * sin(x))``. Where the first phase's
weight is 0 at step 0 (a warmup from its low, a held start), negative steps get a phase of their own at that value, so
the schedule need not clamp its step first (one kernel fewer).
"""
import math
from typing import List, NamedTuple, Optional, Sequence

from mindspore import Tensor, ops

from ms_lr.core.arguments import FLOAT32_TINY, INT32_MAX, INT32_MIN
from ms_lr.core.blocks import GraphBlock
from ms_lr.graph.constants import f32
from ms_lr.graph.cycles import AnchoredPhases, EntryConstant, addcmul

__all__ = ["MAX_PHASES", "Phase", "PhaseLr", "ramp_up", "linear_down", "cosine_down", "cosine_up", "held",
           "shifted_phases", "phases_from", "phase_table", "warmup_phases"]

#: The most phases a schedule offers (``Schedule.phases``): a longer table is searched in more steps than a periodic
#: formula's reduction. 4,096 waves reach ``2**31 - 1`` from a half-period of ``2**19`` steps, the shortest whose
#: period is not tabulated by default.
MAX_PHASES = 4096


class Phase(NamedTuple):
    """One phase from step ``start`` on: ``x = (k - anchor) * scale``, the lr ``low + rise * max(x, sin(x)**2)``.
    ``cosine`` says whether its weight is the sine's (False: the line's, ``x`` itself); ``period`` is the number of
    steps by which the anchor can move without changing the weight (a cosine's ``2 D``: ``x`` moves by ``pi``, the
    period of ``sin(x)**2``), 0 for a line."""
    start: int
    anchor: int
    scale: float
    low: float
    rise: float
    cosine: bool
    period: int = 0

    def first_value(self) -> float:
        """The lr at the phase's first step, in float64."""
        x = (self.start - self.anchor) * self.scale
        return self.low + self.rise * (max(x, math.sin(x) ** 2) if self.cosine else x)


def ramp_up(start: int, length: int, low: float, high: float) -> Phase:
    """From ``low`` at ``start`` toward ``high``, reached at ``start + length``."""
    return Phase(start, start, 1.0 / length, low, high - low, False)


def linear_down(start: int, end: int, low: float, high: float) -> Phase:
    """From ``high`` at ``start`` to ``low`` at ``end``, the weight the exact steps left over the length."""
    return Phase(start, end, -1.0 / (end - start), low, high - low, False)


def cosine_down(start: int, end: int, low: float, high: float) -> Phase:
    """A half-cosine from ``high`` at ``start`` to ``low`` at ``end``."""
    return Phase(start, end, math.pi / (2.0 * (end - start)), low, high - low, True, 2 * (end - start))


def cosine_up(trough: int, length: int, low: float, high: float) -> Phase:
    """A half-cosine from ``low`` at ``trough`` back up to ``high`` at ``trough + length``."""
    return Phase(trough, trough, -math.pi / (2.0 * length), low, high - low, True, 2 * length)


def held(start: int, low: float) -> Phase:
    """``low`` from ``start`` on (its rise is its neighbour's: :class:`PhaseLr` fills it in)."""
    return Phase(start, start, 0.0, low, 0.0, False)


class PhaseLr(GraphBlock):
    """The lr of consecutive :class:`Phase` s (``phases[0].start == 0``, starts non-decreasing), every ``rise >= 0``
    (``low + rise * w`` does not cancel). Phases starting past ``2**31 - 1`` are never reached and left out.

    ``takes_negative_steps``: whether :meth:`at` gives every negative step the value at step 0 (its table has a
    phase for them), so the schedule need not clamp its step below."""

    def __init__(self, phases: Sequence[Phase]):
        super().__init__()
        if phases[0].start != 0 or any(p.rise < 0 for p in phases if p.scale):
            raise ValueError(f"phases must start at step 0 and rise from their low: {list(phases)}")
        phases = [p for p in phases if p.start <= INT32_MAX]
        first = phases[0]
        # The weight's form: the maximum of the line's and the sine's where the table has both; the sine's alone
        # where no line moves (cosines and held floors: sin(0)**2 is 0 too); x alone where no phase is a cosine.
        self.cosine = any(p.cosine for p in phases)
        self.lines = any(not p.cosine and p.scale for p in phases)
        # A line's lr is low + (k - anchor) * (scale * rise): its rise folded into its scale, rounded once from
        # float64, spares the product (and the rise's gather) where no phase needs x for a sine. Beside cosines, with
        # every low 0, each rise goes into the maximum instead: max(y, rise * sin(x)**2), a line's y = x * rise
        # folded as above. On a line's y in [0, rise] with rise <= 1, rise * sin(y)**2 <= rise * y**2 <= y (by 29%
        # at least: sin(y)**2 / y <= sin(1)**2), so the maximum still takes the line: one kernel fewer.
        # A folded scale below float32's smallest normal would lose digits as a subnormal, or be flushed to 0 (a
        # decay of 1e-30 over 85 M steps gave 0 at its peak): those rises stay apart.
        foldable = all(abs(p.scale * p.rise) >= FLOAT32_TINY for p in phases if not p.cosine and p.scale and p.rise)
        self.lines_beside_sines = self.lines and self.cosine and all(p.low == 0.0 for p in phases) \
            and all(p.rise <= 1.0 for p in phases if not p.cosine and p.scale) and foldable
        folded = self.lines and not self.cosine and foldable
        folded_lines = folded or self.lines_beside_sines
        # Where x is 0 at step 0, the lr there is the first phase's low, and the table's phase for negative steps
        # (x = 0 too) gives them that value: held at that low.
        self.table = AnchoredPhases([p.start for p in phases], [p.anchor for p in phases],
                                    [p.scale * p.rise if folded_lines and not p.cosine else p.scale
                                     for p in phases],
                                    [p.period for p in phases], negative_steps=first.anchor == 0 or first.scale == 0.0)
        self.takes_negative_steps = self.table.takes_negative_steps
        if self.takes_negative_steps:
            phases = [held(INT32_MIN, first.low)] + phases
        lows = [p.low for p in phases]
        # A held phase's weight is 0, so any rise serves it: its neighbour's, which may spare the gather.
        rises = [p.rise for p in phases]
        for i, phase in enumerate(phases):
            if phase.scale == 0.0:
                rises[i] = rises[i - 1] if i else next((p.rise for p in phases if p.scale), 0.0)
        # One scalar where every phase has the same value (a low of 0 left out), else a table gathered by phase.
        self.lows = None if set(lows) == {0.0} else EntryConstant(lows if len(set(lows)) > 1 else lows[:1])
        self.rises = None if folded else EntryConstant(rises if len(set(rises)) > 1 else rises[:1])
        self.zero, self.one = f32(0.0), f32(1.0)

    def at(self, step: Tensor) -> Tensor:
        """The lr at int32 ``step >= 0`` (any int32 step where ``takes_negative_steps``)."""
        if self.rises is None:
            # Lines only, their rises in their scales: low + (k - anchor) * scale, the sum in the product's kernel.
            return self.table.at(step, self.lows)[1]
        phase, x = self.table.at(step)
        sine = ops.sin(x)
        if not self.lines:
            # low + rise * sine * sine in one kernel: the square and the product with the rise together.
            return addcmul(self.zero if self.lows is None else self.lows.at(phase), sine, sine, self.rises.at(phase))
        if self.lines_beside_sines:
            return ops.maximum(x, addcmul(self.zero, sine, sine, self.rises.at(phase)))
        weight = ops.maximum(x, sine * sine)
        if self.lows is None:
            return weight * self.rises.at(phase)
        return addcmul(self.lows.at(phase), weight, self.rises.at(phase), self.one)


def shifted_phases(phases: Sequence[Phase], by: int) -> List[Phase]:
    """``phases`` started ``by`` steps later (a schedule whose clock starts after a warmup), up to ``2**31 - 1``."""
    return [p._replace(start=p.start + by, anchor=p.anchor + by) for p in phases if p.start + by <= INT32_MAX]


def phases_from(phases: Sequence[Phase], first: int) -> List[Phase]:
    """The part of ``phases`` from step ``first`` on (a warmup covering a schedule's first steps)."""
    kept = [p for p, following in zip(phases, list(phases[1:]) + [None])
            if following is None or following.start > first]
    return [p._replace(start=max(p.start, first)) for p in kept]


def phase_table(phases: Sequence[Phase]) -> Optional[PhaseLr]:
    """``phases`` as one table, or ``None`` where a phase falls (its one-weight form would cancel) or an anchor is
    further than the int32 range from its steps."""
    try:
        return PhaseLr(phases)
    except ValueError:
        return None


def warmup_phases(warmup: int, start_lr: float, end_lr: float, after: Sequence[Phase]) -> Optional[PhaseLr]:
    """A linear warmup of ``warmup >= 0`` steps from ``start_lr`` to ``end_lr``, then ``after`` (phases from step
    ``warmup`` on), as one table (:func:`phase_table`)."""
    return phase_table(([ramp_up(0, warmup, start_lr, end_lr)] if warmup else []) + list(after))

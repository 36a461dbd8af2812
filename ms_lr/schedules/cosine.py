"""Cosine annealing, SGDR warm restarts, and cosine restarts with per-cycle warmup and decay."""
import math
from typing import Annotated, List, Optional

import mindspore as ms
import numpy as np
from mindspore import Tensor, ops

from ms_lr.core.arguments import INT32_MAX, IntRule, Lr, PositiveSteps, RealRule, Steps
from ms_lr.core.schedule import Schedule
from ms_lr.core.settled import Repeats
from ms_lr.graph.constants import f32, half_pi_over, i32
from ms_lr.graph.cycles import CycleTable, EntryConstant
from ms_lr.graph.phases import MAX_PHASES, Phase, PhaseLr, cosine_down, cosine_up, held, ramp_up
from ms_lr.graph.powers import IntegerPower
from ms_lr.graph.waves import ScaledWaves, heights_needed
from ms_lr.graph.weights import Endpoints, Ramp, cosine_weights
from ms_lr.reference.cosine import cosine_annealing, cosine_warm_restarts, cosine_warmup_restarts

__all__ = ["CosineAnnealingLR", "CosineAnnealingWarmRestarts", "CosineAnnealingWarmupRestarts"]
#: The family the catalogue (the schedules guide's table, ``python -m ms_lr list``) shows this module's schedules under.
FAMILY = "cosine"

# A multiplier past 2**31 - 1 sends the second cycle past the last int32 step; capping it keeps every cycle length
# (and its float64 phase scale) finite.
Multiplier = Annotated[int, IntRule(low=1, high=INT32_MAX)]
RealMultiplier = Annotated[float, RealRule(low=1.0, high=INT32_MAX)]
PeakDecay = Annotated[float, RealRule(0.0, 1.0, low_open=True)]


class CosineAnnealingLR(Schedule, reference=cosine_annealing, torch="lr_scheduler.CosineAnnealingLR"):
    r"""Cosine annealing from ``base_lr`` to ``eta_min`` over ``T_max`` steps, as torch's ``CosineAnnealingLR``.

    .. math::
        \eta_k = \eta_{min} + \tfrac12(\eta_{base} - \eta_{min})\left(1 + \cos\frac{\pi k}{T_{max}}\right)

    Past ``T_max`` the cosine goes on, as torch's does: the lr climbs back to ``base_lr`` at ``2 * T_max`` and repeats
    with period ``2 * T_max``. With ``hold_floor=True`` it stays at ``eta_min`` from ``T_max`` on instead, as timm,
    optax, Keras, MindSpore's ``CosineDecayLR`` and MindFormers do. Computed as :math:`\eta_{min} +
    (\eta_{base}-\eta_{min}) \sin^2(\tfrac{\pi}{2} |k \bmod 2T - T| / T)` on exact integers, so the last steps
    before ``eta_min`` keep full relative precision.

    Args:
        base_lr (float): Initial lr, at step 0. ``>= 0``.
        T_max (int): Steps from ``base_lr`` to ``eta_min``; ``1 <= T_max <= 2**31 - 1``.
        eta_min (float): Lowest lr. Default: ``0.0``.
        hold_floor (bool): Stay at ``eta_min`` after ``T_max`` instead of climbing back (torch's behaviour).
            Default: ``False``.

    Raises:
        ValueError: If ``T_max < 1`` or an lr is negative or not finite.

    Examples:
        >>> import ms_lr
        >>> sched = ms_lr.CosineAnnealingLR(base_lr=0.1, T_max=4)
        >>> ms_lr.evaluate(sched, range(9)).astype(float).round(5).tolist()
        [0.1, 0.08536, 0.05, 0.01464, 0.0, 0.01464, 0.05, 0.08536, 0.1]
    """

    def __init__(self, base_lr: Lr, T_max: PositiveSteps, eta_min: Lr = 0.0, hold_floor: bool = False):
        super().__init__()
        self.T_max = T_max
        self.hold_floor = hold_floor
        # Past 2**31 - 1 the period never completes, so the reduction modulo 2 * T_max is left out.
        self.period = 2 * T_max if 2 * T_max <= INT32_MAX else None
        self.ends = Endpoints(eta_min, base_lr)
        self.scale = half_pi_over(T_max)

    def value(self, step: Tensor) -> Tensor:
        if self.hold_floor:
            step = ops.minimum(step, self.T_max)     # at T_max the weights are exactly (floor 1, top 0)
        elif self.period is not None:
            step = ops.floor_mod(step, self.period)
        offset = step - self.T_max   # signed steps from the trough, exact; sin**2 is even, so no abs() on top
        w_high, w_low = cosine_weights(ops.cast(offset, ms.float32),
                                       ops.cast(self.T_max - ops.abs(offset), ms.float32), self.scale)
        return self.ends.mix(w_low, w_high)

    def repeats(self) -> Optional[Repeats]:
        if self.hold_floor:
            return Repeats(self.T_max)
        return None if self.period is None else Repeats(0, self.period)

    def phases(self) -> Optional[List[Phase]]:
        base, eta_min, length = self._config["base_lr"], self._config["eta_min"], self.T_max
        if eta_min > base:
            return None
        if self.hold_floor:
            return [cosine_down(0, length, eta_min, base), held(length, eta_min)]
        if INT32_MAX // length >= MAX_PHASES:
            return None   # a short period: tabulated, or a formula of fewer kernels than a long table's search
        # Down to each trough and back up, to 2**31 - 1.
        troughs = range(length, INT32_MAX + length + 1, 2 * length)
        waves = [phase for trough in troughs for phase in (cosine_down(trough - length, trough, eta_min, base),
                                                            cosine_up(trough, length, eta_min, base))]
        return [phase for phase in waves if phase.start <= INT32_MAX]

    def boundaries(self, last: int) -> List[int]:
        if self.hold_floor:
            return [self.T_max] if self.T_max <= last else []
        return list(range(self.T_max, last + 1, self.T_max))


class CosineAnnealingWarmRestarts(Schedule, reference=cosine_warm_restarts,
                                  torch="lr_scheduler.CosineAnnealingWarmRestarts"):
    r"""SGDR: cosine annealing with warm restarts, as ``torch.optim.lr_scheduler.CosineAnnealingWarmRestarts``.

    Cycle :math:`i` lasts :math:`T_i = T_0 T_{mult}^i` steps; inside it, at position :math:`T_{cur}`,

    .. math::
        \eta = \eta_{min} + \tfrac12(\eta_{base} - \eta_{min})\left(1 + \cos\frac{\pi T_{cur}}{T_i}\right)

    Restarts are found in int32 from a table of cycle starts (at most 31 entries for ``T_mult >= 2``), so they are
    exact at every step up to ``2**31 - 1``; torch's own ``step(epoch)`` uses a float ``log`` there and misplaces
    some (``T_0=10, T_mult=3``: step 1210 starts cycle 5).

    Args:
        base_lr (float): The lr at the start of each cycle. ``>= 0``.
        T_0 (int): Length of the first cycle in steps, ``>= 1``.
        T_mult (int): Each cycle is ``T_mult`` times longer than the one before, ``1 <= T_mult <= 2**31 - 1``.
            Default: ``1``.
        eta_min (float): Lowest lr. Default: ``0.0``.

    Raises:
        ValueError: If ``T_0 < 1``, ``T_mult`` is outside ``[1, 2**31 - 1]``, or an lr is negative or not finite.

    Examples:
        >>> import ms_lr
        >>> sched = ms_lr.CosineAnnealingWarmRestarts(base_lr=0.1, T_0=2, T_mult=2)
        >>> ms_lr.evaluate(sched, range(7)).astype(float).round(5).tolist()
        [0.1, 0.05, 0.1, 0.08536, 0.05, 0.01464, 0.1]
    """

    def __init__(self, base_lr: Lr, T_0: PositiveSteps, T_mult: Multiplier = 1, eta_min: Lr = 0.0):
        super().__init__()
        cycles = self.cycles = CycleTable(T_0, lambda length: length * T_mult)
        scales = [math.pi / (2.0 * length) for length in cycles.cycle_lengths]
        self.ends = Endpoints(eta_min, base_lr)
        # Growing cycles that fall to eta_min, none longer than the int32 range: each cycle is a cosine phase of one
        # table, anchored at its end, x = (k - end) * scale (the steps remaining, exact), one kernel fewer than start
        # and length, and the lr one Addcmul of the sine. The weight sin(x)**2 repeats every 2 T_i steps, which lets
        # the last cycle's end past 2**31 - 1 move back into the int32 range (no shift of the step: another kernel
        # fewer) where that keeps its precision.
        phases = _falling_phases(cycles, base_lr, eta_min) if not cycles.single else None
        self.phase_lr = PhaseLr(phases) if phases is not None else None
        if self.phase_lr is None:
            self.scales = EntryConstant(scales)

    def value(self, step: Tensor) -> Tensor:
        if self.phase_lr is not None:
            return self.phase_lr.at(step)
        entry, _, position, remaining = self.cycles.lookup(step)
        w_high, w_low = cosine_weights(remaining, ops.cast(position, ms.float32), self.scales.at(entry))
        return self.ends.mix(w_low, w_high)

    def repeats(self) -> Optional[Repeats]:
        # Cycles of one length from the table's last entry on (T_mult == 1: from step 0).
        return self.cycles.repeats()

    def phases(self) -> Optional[List[Phase]]:
        return _falling_phases(self.cycles, self._config["base_lr"], self._config["eta_min"])

    def boundaries(self, last: int) -> List[int]:
        return self.cycles.starts_up_to(last)[1:]


class CosineAnnealingWarmupRestarts(Schedule, reference=cosine_warmup_restarts):
    r"""Cosine restarts with a linear warmup in every cycle and a peak that decays by ``gamma`` per cycle.

    The ``CosineAnnealingWarmupRestarts`` of the popular ``cosine_annealing_warmup`` package, stepped once per
    optimizer step: the value at step ``k`` is that class's lr after ``k`` calls of ``step()``. Cycle :math:`n` has peak
    :math:`p_n = \text{max\_lr}\,\gamma^n` and length :math:`T_n` (:math:`T_0` = ``first_cycle_steps``,
    :math:`T_{n+1} = \lfloor (T_n - W)\,\text{cycle\_mult} \rfloor + W`). At position :math:`t` in the cycle

    .. math::
        \eta = \begin{cases}
        \eta_{min} + (p_n - \eta_{min})\, t / W & t < W \\
        \eta_{min} + \tfrac12 (p_n - \eta_{min})\left(1 + \cos\frac{\pi (t - W)}{T_n - W}\right) & t \ge W
        \end{cases}

    Step 0 is ``min_lr`` even when ``warmup_steps == 0``: that class's constructor sets the lr to ``min_lr`` after
    its first internal step, and we reproduce it. Float ``cycle_mult`` is exact: lengths follow the integer
    recurrence, including multipliers such as 1.01 where truncation freezes the length (the table then ends in a
    periodic tail). Cycles of one length whose peak decays (``cycle_mult=1``, ``gamma < 1``) are a peak per cycle times
    the warmup's and the cosine's weights per position, each rounded once from float64 (two gathers and a product,
    where the tables fit ``2**20`` entries); once the peak is under float32's smallest normal number the lr is a
    function of the position alone, and repeats every cycle (``repeats()``). The argument names are the seed class's.

    Args:
        first_cycle_steps (int): Length of the first cycle, ``1 <= first_cycle_steps <= 2**31 - 1``.
        cycle_mult (float): Cycle length multiplier (of the part after warmup), ``1 <= cycle_mult <= 2**31 - 1``.
            Default: ``1.0``.
        max_lr (float): Peak lr of the first cycle. Default: ``0.1``.
        min_lr (float): Lowest lr, and the start of every warmup. Default: ``0.001``.
        warmup_steps (int): Linear warmup steps at the start of each cycle, ``0 <= warmup_steps < first_cycle_steps``.
            Default: ``0``.
        gamma (float): Peak decay per cycle, ``0 < gamma <= 1``. Default: ``1.0``.

    Raises:
        ValueError: If ``warmup_steps >= first_cycle_steps``, ``cycle_mult`` is outside ``[1, 2**31 - 1]``,
            ``gamma`` is outside ``(0, 1]``, or an lr is negative or not finite.

    Examples:
        >>> import ms_lr
        >>> sched = ms_lr.CosineAnnealingWarmupRestarts(first_cycle_steps=4, max_lr=0.1, min_lr=0.0,
        ...                                            warmup_steps=2, gamma=0.5)
        >>> ms_lr.evaluate(sched, range(8)).astype(float).round(5).tolist()
        [0.0, 0.05, 0.1, 0.05, 0.0, 0.025, 0.05, 0.025]
    """

    def __init__(self, first_cycle_steps: PositiveSteps, cycle_mult: RealMultiplier = 1.0, max_lr: Lr = 0.1,
                 min_lr: Lr = 0.001, warmup_steps: Steps = 0, gamma: PeakDecay = 1.0):
        super().__init__()
        if warmup_steps >= first_cycle_steps:
            raise ValueError(f"warmup_steps must be < first_cycle_steps ({first_cycle_steps}), got {warmup_steps}")
        self.warmup_steps = warmup_steps
        self.cycles = CycleTable(first_cycle_steps,
                                 lambda length: int((length - warmup_steps) * cycle_mult) + warmup_steps)
        scales = [math.pi / (2.0 * (length - warmup_steps)) for length in self.cycles.cycle_lengths]
        # Each table entry's peak, exact in float64; past the table (a periodic tail) gamma**repeats multiplies it.
        peaks = [max_lr * gamma**n for n in range(len(self.cycles.cycle_lengths))]
        self.decay = gamma != 1.0
        # A decaying peak can fall below min_lr (that package's formula then dips toward the peak), but only if the
        # last cycle to start by step 2**31 - 1 has a peak below it; otherwise every cycle rises from min_lr, and
        # the one-weight mix takes each entry's rise (peak - min_lr, rounded once from float64) from the table.
        last_cycle = len(peaks) - 1
        if self.cycles.periodic_tail:
            last_cycle += (INT32_MAX - self.cycles.start_steps[-1]) // self.cycles.tail_length
        self.ends = Endpoints(min_lr, max_lr, lowest_high=max_lr * gamma**last_cycle)
        one_weight = self.ends.form != "two-weight"
        rises = [peak - min_lr for peak in peaks]
        # Where every cycle is in the table (no periodic tail, none longer than the int32 range) and rises from
        # min_lr, the warmups and the cosines are phases of one table: 12 kernels instead of 18 (counted), 11 where the
        # last cycle's anchor moves back into the int32 range (no shift of the step). Neither clamps the step: the
        # first warmup rises from min_lr, and negative steps are a phase of the table.
        self.rising = _rising_phases(self.cycles, warmup_steps, min_lr, peaks) \
            if one_weight and not self.cycles.periodic_tail and not self.cycles.overlong else None
        self.phase_lr = PhaseLr(self.rising) if self.rising is not None else None
        # Cycles of one length whose peak decays: a height per cycle times a shape per position (two gathers and a
        # product, 8 kernels where the formula below launches 26 to 30, counted), where the tables fit.
        self.waves = _decaying_restarts(self.cycles, warmup_steps, max_lr, min_lr, gamma, self.ends.form) \
            if self.decay and self.cycles.single and self.cycles.periodic_tail else None
        if self.phase_lr is None:
            # Otherwise each step looks its cycle up and mixes a ramp or a cosine with the cycle's peak.
            self.warmup_end, self.first_step = i32(warmup_steps), i32(0)
            self.scales = EntryConstant(scales)
            self.max_lr = f32(max_lr)
            self.peaks = EntryConstant(peaks)
            self.tail_decay = IntegerPower(gamma) if self.decay and self.cycles.periodic_tail else None
            self.rises = EntryConstant(rises) if self.decay and self.tail_decay is None and one_weight else None
            self.ramp = Ramp(0.0, 1.0, warmup_steps) if warmup_steps else None

    def value(self, step: Tensor) -> Tensor:
        if self.phase_lr is not None:
            return self.phase_lr.at(step)
        if self.waves is not None:
            lr = self.waves.at(step)
            # Seed 000's constructor leaves the lr at min_lr before the first step (a later cycle starts at its peak).
            return lr if self.warmup_steps else ops.where(step == self.first_step, self.ends.low, lr)
        entry, cycle, position, remaining = self.cycles.lookup(step)
        peak, rise = self.max_lr, None
        if self.decay:
            peak = self.peaks.at(entry)
            if self.tail_decay is not None:
                peak = peak * self.tail_decay.of(cycle - entry)
            elif self.rises is not None:
                rise = self.rises.at(entry)
        # The steps since the warmup ended, negated where there is a ramp (sin**2 is even): the ramp's own weight
        # counts warmup_steps - position, and one cast then serves both.
        elapsed = self.warmup_steps - position if self.ramp is not None else position
        w_high, w_low = cosine_weights(remaining, ops.cast(elapsed, ms.float32), self.scales.at(entry))
        if self.ramp is None:
            # Seed 000's constructor leaves the lr at min_lr before the first step.
            first = step == self.first_step
            w_high = ops.where(first, 0.0, w_high)
            w_low = ops.where(first, 1.0, w_low)
        else:
            warming = position < self.warmup_end
            ramp_low, ramp_high = self.ramp.weights(position)
            w_high = ops.where(warming, ramp_high, w_high)
            w_low = ops.where(warming, ramp_low, w_low)
        return self.ends.mix(w_low, w_high, peak, rise)

    def phases(self) -> Optional[List[Phase]]:
        return self.rising

    def repeats(self) -> Optional[Repeats]:
        # A decaying peak repeats only once it is negligible (the waves say where); step 0 is min_lr without a
        # warmup, so the repeats start after it.
        tail = self.waves.repeats() if self.waves is not None else self.cycles.repeats()
        if tail is None or self.decay and self.waves is None:
            return None
        return Repeats(max(tail.start, 0 if self.warmup_steps else 1), tail.period)

    def boundaries(self, last: int) -> List[int]:
        starts = self.cycles.starts_up_to(last)
        ends = [s + self.warmup_steps for s in starts if self.warmup_steps and s + self.warmup_steps <= last]
        return sorted(starts[1:] + ends)


def _decaying_restarts(cycles: CycleTable, warmup_steps: int, max_lr: float, min_lr: float, gamma: float,
                       form: str) -> Optional[ScaledWaves]:
    """Restarts of one length ``T`` whose peak decays by ``gamma`` a cycle as :class:`ScaledWaves`: the peak
    ``max_lr * gamma**c`` per cycle, the warmup's and the cosine's weights per position. Where every peak stays at or
    above ``min_lr`` the lr is ``min_lr + (peak - min_lr) * w_high[p]``; where it falls below, both weights, each
    term non-negative: ``min_lr * w_low[p] + peak * w_high[p]``. ``None`` where the tables would pass their limit."""
    length, two_weight = cycles.tail_length, form == "two-weight"
    # peak - min_lr does not shrink geometrically (a ratio of 1: a height for every cycle to 2**31 - 1); the peak does.
    needed = heights_needed(length, max_lr, 1.0 if form == "rising" else gamma, 0.0)
    if not ScaledWaves.fits(length, needed, floor=two_weight):
        return None
    t = np.arange(length, dtype=np.float64)
    # The cosine's weights as half-angle squares of the steps done (no cancellation toward either end).
    angle = np.pi / 2 * np.maximum(t - warmup_steps, 0.0) / (length - warmup_steps)
    warming = t < warmup_steps
    w_high = np.where(warming, t / max(warmup_steps, 1), np.cos(angle) ** 2)
    w_low = np.where(warming, (warmup_steps - t) / max(warmup_steps, 1), np.sin(angle) ** 2)
    peaks = max_lr * np.power(gamma, np.arange(needed, dtype=np.float64))
    if two_weight:
        return ScaledWaves(min_lr * w_low, peaks, w_high, length)
    return ScaledWaves(min_lr, peaks - min_lr, w_high, length)


def _falling_phases(cycles: CycleTable, base: float, eta_min: float) -> Optional[List[Phase]]:
    """Each cycle a cosine from ``base`` down to ``eta_min``, anchored at its end, up to ``2**31 - 1``; ``None`` where
    a cycle would rise (``eta_min > base``), is longer than the int32 range, or there are too many."""
    starts = cycles.starts_up_to(INT32_MAX) if eta_min <= base and not cycles.overlong else []
    if not starts or len(starts) > MAX_PHASES:
        return None
    lengths = cycles.cycle_lengths
    return [cosine_down(start, start + (lengths[i] if i < len(lengths) else cycles.tail_length), eta_min, base)
            for i, start in enumerate(starts)]


def _rising_phases(cycles: CycleTable, warmup_steps: int, min_lr: float, peaks: List[float]) -> List[Phase]:
    """Each cycle's warmup and cosine as two phases, for cycles that all rise from ``min_lr`` to their peak: a ramp
    anchored at its start, a cosine at its end (the half-angle weight of the steps left). Without a warmup, step 0
    is a phase of its own at ``min_lr`` (the seed class's value there) and the first cosine starts at step 1."""
    phases = []
    for start, length, peak in zip(cycles.start_steps, cycles.cycle_lengths, peaks):
        cosine = cosine_down(start + warmup_steps, start + length, min_lr, peak)
        if warmup_steps:
            phases.append(ramp_up(start, warmup_steps, min_lr, peak))
        elif start == 0:
            phases.append(held(0, min_lr))
            cosine = cosine._replace(start=1)
        phases.append(cosine)
    return phases

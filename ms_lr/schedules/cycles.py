"""Cycles that start at their peak and stop after a count: cosine, tanh and polynomial cycles of growing length,
each with a lower peak than the one before, then the floor (the shapes of timm's cycle schedulers, mindcv's
cosine decay and SGDR with a budget of restarts)."""
import math
from decimal import ROUND_CEILING, Context, Decimal
from fractions import Fraction
from typing import Annotated, Callable, List, Optional, Tuple

import mindspore as ms
import numpy as np
from mindspore import Tensor, ops

from ms_lr.core.arguments import INT32_MAX, Decay, Lr, PositiveSteps, RealRule
from ms_lr.core.schedule import Schedule
from ms_lr.core.settled import Repeats
from ms_lr.graph.constants import f32, i32
from ms_lr.graph.phases import MAX_PHASES, Phase, cosine_down, held, phase_table
from ms_lr.graph.powers import IntegerPower
from ms_lr.graph.precise import f64, power_and_rest
from ms_lr.graph.search import SortedSteps
from ms_lr.graph.waves import ScaledWaves, heights_needed
from ms_lr.graph.weights import cosine_weights
from ms_lr.reference.cycles import cosine_cycles, poly_cycles, tanh_cycles

__all__ = ["CosineCyclesLR", "TanhCyclesLR", "PolyCyclesLR"]
#: The family the catalogue (the schedules guide's table, ``python -m ms_lr list``) shows this module's schedules under.
FAMILY = "limited cycles"

Positive = Annotated[float, RealRule(low=0.0, low_open=True)]
# An exponent of a fraction in [0, 1]: bounded away from 0 and infinity, where x**k would flush 0 * inf to NaN.
Exponent = Annotated[float, RealRule(1e-3, 1e3)]
# A cycle's shape as the weight of its peak at the fractions of the cycle done and left (float64 arrays).
TopWeight = Callable[[np.ndarray, np.ndarray], np.ndarray]
# Largest table of cycles kept (a multiplier near 1, or below 1, makes many short cycles).
TABLE_LIMIT = 65536
HALF_PI = f32(math.pi / 2.0)


# The starts S_j in 80 significant digits: after the 65,536 additions and multiplications of the largest table their
# error is below 1e-60 (S_j < 2**32), so a start whose distance to an integer exceeds _NEAR has its ceiling from this
# value; the few that come closer (cycle_mul = 2 lands on integers) are settled with exact rationals.
_EXACT = Context(prec=80)
_NEAR = Decimal("1e-50")


def _ceiling(start: Decimal, cycle_steps: int, cycle_mul: float, j: int) -> Tuple[int, float]:
    """``(ceil(S_j), ceil(S_j) - S_j)`` of the start ``S_j`` that ``start`` approximates."""
    first = int(start.to_integral_value(rounding=ROUND_CEILING))
    gap = Decimal(first) - start
    if _NEAR < gap < 1 - _NEAR:
        return first, float(gap)
    mult = Fraction(cycle_mul)
    exact = cycle_steps * (mult**j - 1) / (mult - 1)
    first = math.ceil(exact)
    return first, float(first - exact)


class _LimitedCycles(Schedule, abstract=True):
    """Cycle ``j`` lasts ``T m**j`` real steps (``m = cycle_mul``), peaks at ``peak_lr * cycle_decay**j``, and
    ``cycle_limit`` cycles run; after them the lr is ``min_lr``. The cycle a step is in comes from exact rational
    boundaries (int32 steps, a table of the first step of each cycle), so every restart lands on its step; inside a
    cycle the real steps done and left are each an exact integer plus the cycle's own fraction, and the shape gets
    them as fractions of the cycle, ``x`` done and ``1 - x`` left, each computed on its own.

    Cycles of one length (``cycle_mul == 1``) whose peaks stay at or above ``min_lr`` are ``min_lr`` plus a height per
    cycle (``peak_j - min_lr``, 0 from ``cycle_limit`` on) times the shape's weight per position, each table rounded
    once from float64 (:class:`~ms_lr.graph.waves.ScaledWaves`), where the two tables fit. Cosine cycles otherwise
    (longer, or growing) whose restarts are all integer steps are each a cosine phase of one table
    (:mod:`ms_lr.graph.phases`)."""

    def _setup(self, peak_lr: float, cycle_steps: int, min_lr: float, cycle_mul: float, cycle_decay: float,
               cycle_limit: int, top_weight: TopWeight) -> None:
        self.min_lr = f32(min_lr)
        # The first peak, the floor and the peak's decay per cycle, as the Python floats given (for phases()).
        self.peak_floor_decay = (peak_lr, min_lr, cycle_decay)
        self.floor_is_zero = min_lr == 0.0
        self.limit = cycle_limit
        mult = Fraction(cycle_mul)
        self.periodic = mult == 1
        # Every cycle alike, none past the int32 range cut short by the limit: periodic from step 0.
        self.same_cycles = self.periodic and cycle_decay == 1.0 and cycle_limit > INT32_MAX // cycle_steps
        self.waves = _limited_waves(peak_lr, cycle_steps, min_lr, cycle_decay, cycle_limit, top_weight) \
            if self.periodic else None
        # The first step of each cycle that starts within the int32 range and the end of the last, where every one
        # is an integer and there are at most MAX_PHASES (None otherwise); whether the floor starts at that end.
        self.bounds: Optional[List[int]] = None
        self.floor_in_range = False
        if self.periodic:
            running = min(cycle_limit, INT32_MAX // cycle_steps + 1)
            if running < MAX_PHASES:
                self.bounds = [j * cycle_steps for j in range(running + 1)]
            self.floor_in_range = running == cycle_limit and running * cycle_steps <= INT32_MAX
            self.settled_from = cycle_limit * cycle_steps if cycle_limit * cycle_steps <= INT32_MAX else None
            self.length, self.length_step = cycle_steps, i32(cycle_steps)
            self.inv_length, self.inv_length64 = f32(1.0 / cycle_steps), f64(1.0 / cycle_steps)
            entries = min(cycle_limit, INT32_MAX // cycle_steps + 1)
            if entries <= TABLE_LIMIT:
                self.peaks: Optional[Tensor] = Tensor(np.array(
                    [peak_lr * cycle_decay**j for j in range(entries)] + [min_lr], dtype=np.float32))
            else:
                self.peaks = None
                self.peak, self.decay = f32(peak_lr), IntegerPower(cycle_decay)
            return
        # firsts[j] = ceil(S_j), gaps[j] = ceil(S_j) - S_j for the real starts S_j = T (m**j - 1) / (m - 1).
        firsts, gaps, lengths = [0], [0.0], []
        start, length, mult = Decimal(0), Decimal(cycle_steps), Decimal(cycle_mul)
        while len(firsts) <= cycle_limit and firsts[-1] <= INT32_MAX:
            if len(firsts) > TABLE_LIMIT:
                raise ValueError(f"cycle_mul={cycle_mul} makes more than {TABLE_LIMIT:,} cycles within the int32 "
                                 f"step range (cycle_limit={cycle_limit}); ms_lr keeps each restart an exact step in "
                                 f"a table of at most {TABLE_LIMIT:,}")
            if length < 1:
                raise ValueError(f"cycle_mul={cycle_mul} makes cycle {len(firsts) - 1} {float(length):.3g} steps "
                                 f"long (cycle_steps={cycle_steps}, cycle_limit={cycle_limit}); every cycle must be "
                                 f"at least one step")
            lengths.append(length)
            start, length = _EXACT.add(start, length), _EXACT.multiply(length, mult)
            first, gap = _ceiling(start, cycle_steps, cycle_mul, len(firsts))
            firsts.append(first)
            gaps.append(gap)
        # Entry j < cycle_limit is cycle j, from ceil(S_j) to ceil(S_{j+1}); entry cycle_limit (if it begins within
        # the int32 range) is the floor after the last cycle.
        cycles = len(firsts) - 1
        tail = cycles == cycle_limit and firsts[-1] <= INT32_MAX
        self.settled_from = firsts[-1] if tail else None
        if not any(gaps) and len(firsts) <= MAX_PHASES:
            self.bounds, self.floor_in_range = firsts, tail
        entry_firsts = firsts[:cycles] + ([firsts[-1]] if tail else [])
        self.search = SortedSteps(entry_firsts)
        self.starts_list = entry_firsts[1:]
        # Each cycle's last integer step (the floor's entry: the step before it starts, so nothing is left there).
        lasts = [min(first - 1, INT32_MAX) for first in firsts[1:cycles + 1]] + ([firsts[-1] - 1] if tail else [])
        self.firsts = Tensor(np.array(entry_firsts, dtype=np.int32))
        self.lasts = Tensor(np.array(lasts, dtype=np.int32))
        # Real steps done and left, each an exact integer plus a non-negative fraction of its own (no cancellation):
        # done = (k - first) + (first - S_j), left = (last - k) + (S_{j+1} - last).
        self.done_extra = Tensor(np.array(gaps[:cycles] + ([1.0] if tail else []), dtype=np.float32))
        self.left_extra = Tensor(np.array([firsts[j + 1] - lasts[j] - gaps[j + 1] for j in range(cycles)] +
                                          ([0.0] if tail else []), dtype=np.float32))
        inverse = [float(1 / length) for length in lengths] + ([1.0] if tail else [])
        self.inv_lengths = Tensor(np.array(inverse, dtype=np.float32))
        self.inv_lengths64 = Tensor(np.array(inverse, dtype=np.float64))
        self.peaks = Tensor(np.array([peak_lr * cycle_decay**j for j in range(cycles)] + ([min_lr] if tail else []),
                                     dtype=np.float32))

    def _position(self, step: Tensor, wide: bool = False) -> Tuple[Tensor, Tensor, Tensor]:
        """``(x_done, x_left, peak)``: the fractions of its cycle done and left at ``step`` (clamped to ``[0, 1]``)
        and the cycle's peak (``min_lr`` after the last cycle). ``wide``: ``x_done`` in float64, for a shape whose
        slope would magnify its float32 rounding."""
        if self.periodic:
            # Past the last cycle the step is held at the floor's first step, so the position (and the weights
            # mixing min_lr with itself) stays the same there: a moving position would wobble by their rounding.
            # Without a floor within the int32 range no step reaches cycle_limit, and the cycle indexes the peaks
            # as it is.
            held = step if self.settled_from is None else ops.minimum(step, self.settled_from)
            cycle = ops.floor_div(held, self.length)
            position = held - cycle * self.length_step
            x_done = ops.minimum(ops.cast(position, ms.float64) * self.inv_length64, 1.0) if wide else \
                ops.minimum(ops.cast(position, ms.float32) * self.inv_length, 1.0)
            x_left = ops.maximum(ops.cast(self.length - position, ms.float32) * self.inv_length, 0.0)
            if self.peaks is not None:
                peak = ops.gather(self.peaks, cycle, 0)
            else:
                peak = ops.where(cycle < self.limit, self.peak * self.decay.of(cycle), self.min_lr)
            return x_done, x_left, peak
        entry = self.search.entry_of(step)
        kind = ms.float64 if wide else ms.float32
        inv_length = ops.gather(self.inv_lengths64 if wide else self.inv_lengths, entry, 0)
        done = ops.cast(step - ops.gather(self.firsts, entry, 0), kind) + \
            ops.cast(ops.gather(self.done_extra, entry, 0), kind)
        left = ops.cast(ops.gather(self.lasts, entry, 0) - step, kind) + \
            ops.cast(ops.gather(self.left_extra, entry, 0), kind)
        x_done = ops.minimum(done * inv_length, 1.0)
        x_left = ops.cast(ops.minimum(ops.maximum(left * inv_length, 0.0), 1.0), ms.float32)
        return x_done, x_left, ops.gather(self.peaks, entry, 0)

    def _mix(self, w_top: Tensor, w_floor: Tensor, peak: Tensor) -> Tensor:
        # Two weights: a decayed peak may be below the floor.
        return peak * w_top if self.floor_is_zero else self.min_lr * w_floor + peak * w_top

    def value(self, step: Tensor) -> Tensor:
        if self.waves is not None:
            return self.waves.at(step)
        if self.phase_lr is not None:
            return self.phase_lr.at(step)
        return self._formula(step)

    def _formula(self, step: Tensor) -> Tensor:
        """The lr at a clamped int32 ``step`` from the cycle's fractions done and left."""
        raise NotImplementedError

    def repeats(self) -> Optional[Repeats]:
        if self.same_cycles:
            return Repeats(0, self.length)
        if self.waves is not None:
            # Settled from the first cycle whose height rounds away beside min_lr (cycle_limit's at the latest).
            return self.waves.repeats()
        # min_lr from the first step after the last cycle (if it begins within the int32 range).
        return None if self.settled_from is None else Repeats(self.settled_from)

    def boundaries(self, last: int) -> List[int]:
        if self.periodic:
            # The multiples of the length up to the floor's start (or the int32 end), listed here up to ``last``: one
            # step cycles with no limit would hold 2**31 of them (tens of GB as a Python list).
            end = INT32_MAX if self.settled_from is None else self.settled_from
            return list(range(self.length, min(last, end) + 1, self.length))
        return [s for s in self.starts_list if s <= last]


def _limited_waves(peak_lr: float, length: int, min_lr: float, decay: float, limit: int,
                   top_weight: TopWeight) -> Optional[ScaledWaves]:
    """Cycles of ``length`` steps as ``min_lr + heights[j] * top[p]``, or ``None`` where a peak within the int32 range
    falls below ``min_lr`` (the lr then mixes two weights) or the tables would pass their limit."""
    cycles = INT32_MAX // length + 1
    running = min(limit, cycles)
    if peak_lr * decay ** (running - 1) < min_lr:
        return None
    # Over a floor of 0 the heights are the peaks, which shrink geometrically to negligible; otherwise every cycle
    # that runs has one, and the floor's 0 follows the last.
    needed = min(running, heights_needed(length, peak_lr, decay, 0.0)) if min_lr == 0.0 else running
    if not ScaledWaves.fits(length, needed + 1):
        return None
    heights = peak_lr * np.power(decay, np.arange(needed, dtype=np.float64)) - min_lr
    if needed < cycles:
        heights = np.append(heights, 0.0)
    positions = np.arange(length, dtype=np.float64)
    return ScaledWaves(min_lr, heights, top_weight(positions / length, (length - positions) / length), length)


def _power_rest(x_left: np.ndarray, k_decay: float) -> np.ndarray:
    """``1 - x**k`` of the fraction ``x = 1 - x_left`` (float64), relatively precise where it approaches 0."""
    with np.errstate(divide="ignore"):
        return -np.expm1(k_decay * np.log1p(-x_left))


def _k_fractions(x_done: Tensor, x_left: Tensor, k_decay: float, k: Tensor) -> Tuple[Tensor, Tensor]:
    """``(x**k, 1 - x**k)``, each from the fraction that determines it best (float64 inside)."""
    if k_decay == 1.0:
        return x_done, x_left
    return power_and_rest(x_done, x_left, k)


class CosineCyclesLR(_LimitedCycles, reference=cosine_cycles):
    r"""Cosine cycles from their peak down to ``min_lr``, ``cycle_limit`` of them, then ``min_lr``: timm's
    ``CosineLRScheduler`` (with ``k_decay``) and mindcv's ``cosine_decay``.

    Cycle :math:`j` lasts :math:`T_j = T m^j` steps and peaks at :math:`\eta_j = p\, \gamma^j`; at :math:`t` steps
    into it

    .. math::
        \eta = \eta_{min} + \tfrac12(\eta_j - \eta_{min})\left(1 + \cos\frac{\pi t^k}{T_j^k}\right)

    Unlike :class:`CosineAnnealingWarmupRestarts`, a cycle starts at its peak; a warmup goes in front with
    :class:`LinearWarmup`. Cycle boundaries are exact rationals (a real multiplier makes real lengths), found in
    int32, so restarts land on their exact steps for every step up to ``2**31 - 1``.

    Args:
        peak_lr (float): The first cycle's peak :math:`p`.
        cycle_steps (int): The first cycle's length :math:`T \ge 1`.
        min_lr (float): The floor. Default: ``0.0``.
        cycle_mul (float): :math:`m > 0`, each cycle's length over the one before (no cycle may be shorter than
            one step). Default: ``1.0``.
        cycle_decay (float): :math:`\gamma \in (0, 1]`, each cycle's peak over the one before. Default: ``1.0``.
        cycle_limit (int): How many cycles run, ``>= 1``. Default: ``1``.
        k_decay (float): :math:`k \in [0.001, 1000]`: above 1 the lr stays high longer, below 1 it drops sooner.
            Default: ``1.0``.

    Raises:
        ValueError: If an argument is out of range, or ``cycle_mul`` makes a cycle shorter than one step or more
            than 65,536 cycles within ``2**31`` steps.

    Examples:
        >>> import ms_lr
        >>> sched = ms_lr.CosineCyclesLR(1.0, cycle_steps=2, cycle_mul=2.0, cycle_decay=0.5, cycle_limit=2)
        >>> ms_lr.evaluate(sched, range(8)).astype(float).round(5).tolist()
        [1.0, 0.5, 0.5, 0.42678, 0.25, 0.07322, 0.0, 0.0]
    """

    def __init__(self, peak_lr: Lr, cycle_steps: PositiveSteps, min_lr: Lr = 0.0, cycle_mul: Positive = 1.0,
                 cycle_decay: Decay = 1.0, cycle_limit: PositiveSteps = 1, k_decay: Exponent = 1.0):
        super().__init__()
        # cos(pi x**k / 2)**2 as the half-angle square of the fraction left, 1 - x**k.
        self._setup(peak_lr, cycle_steps, min_lr, cycle_mul, cycle_decay, cycle_limit,
                    lambda done, left: np.sin(np.pi / 2 * _power_rest(left, k_decay)) ** 2)
        self.k_decay, self.k = k_decay, f64(k_decay)
        # Cycles too long for the waves' tables (a long single cosine), or growing, whose restarts are all integer
        # steps: each cycle a cosine phase of one table, anchored at its end (9 to 11 kernels, the formula's 16 to 28).
        phases = self.phases() if self.waves is None else None
        self.phase_lr = phase_table(phases) if phases else None

    def phases(self) -> Optional[List[Phase]]:
        """Each cycle a cosine from its peak down to ``min_lr``, ending where the next starts, then the floor: where
        ``k_decay == 1``, every restart is an integer step, and no peak is under ``min_lr``."""
        if self.k_decay != 1.0 or self.bounds is None:
            return None
        peak, low, decay = self.peak_floor_decay
        if peak * decay ** (len(self.bounds) - 2) < low:
            return None
        cycles = [cosine_down(first, end, low, peak * decay**j)
                  for j, (first, end) in enumerate(zip(self.bounds, self.bounds[1:]))]
        if self.same_cycles:
            # Claimed to repeat every cycle, bit for bit: a last anchor moved back a period would give that cycle
            # another float32 x (the same sin(x)**2 to an ulp), so none moves (a shift keeps the differences exact).
            cycles = [phase._replace(period=0) for phase in cycles]
        return cycles + ([held(self.bounds[-1], low)] if self.floor_in_range else [])

    def _formula(self, step: Tensor) -> Tensor:
        x_done, x_left, peak = self._position(step)
        # The angle's fraction of pi done (x**k) and left (1 - x**k), each a sine of its own.
        done, left = _k_fractions(x_done, x_left, self.k_decay, self.k)
        w_top, w_floor = cosine_weights(left, done, HALF_PI)
        return self._mix(w_top, w_floor, peak)


class TanhCyclesLR(_LimitedCycles, reference=tanh_cycles):
    r"""Hyperbolic-tangent cycles (Hsueh et al. 2019) from their peak towards ``min_lr``, ``cycle_limit`` of them,
    then ``min_lr``: timm's ``TanhLRScheduler``.

    Cycle :math:`j` lasts :math:`T_j = T m^j` steps and peaks at :math:`\eta_j = p\, \gamma^j`; at :math:`t` steps
    into it, with :math:`x = t / T_j`,

    .. math::
        \eta = \eta_{min} + \tfrac12(\eta_j - \eta_{min})\left(1 - \tanh(l (1 - x) + u x)\right)

    The weights are :math:`\sigma(-2 y)` and :math:`\sigma(2 y)` of :math:`y = l(1 - x) + u x`, each without
    cancellation.

    Args:
        peak_lr (float): The first cycle's peak :math:`p` (the curve starts just below it: ``1 - tanh(l) < 2``).
        cycle_steps (int): The first cycle's length :math:`T \ge 1`.
        min_lr (float): The floor. Default: ``0.0``.
        cycle_mul (float): :math:`m > 0`, each cycle's length over the one before (no cycle may be shorter than
            one step). Default: ``1.0``.
        cycle_decay (float): :math:`\gamma \in (0, 1]`, each cycle's peak over the one before. Default: ``1.0``.
        cycle_limit (int): How many cycles run, ``>= 1``. Default: ``1``.
        lb (float): :math:`l`, the tanh argument at a cycle's start. Default: ``-7.0``.
        ub (float): :math:`u > l`, the tanh argument at a cycle's end. Default: ``3.0``.

    Raises:
        ValueError: If an argument is out of range, ``lb >= ub``, or ``cycle_mul`` makes a cycle shorter than one
            step or more than 65,536 cycles within ``2**31`` steps.

    Examples:
        >>> import ms_lr
        >>> ms_lr.evaluate(ms_lr.TanhCyclesLR(1.0, cycle_steps=4), range(6)).astype(float).round(5).tolist()
        [1.0, 0.99988, 0.98201, 0.26894, 0.0, 0.0]
    """

    def __init__(self, peak_lr: Lr, cycle_steps: PositiveSteps, min_lr: Lr = 0.0, cycle_mul: Positive = 1.0,
                 cycle_decay: Decay = 1.0, cycle_limit: PositiveSteps = 1,
                 lb: Annotated[float, RealRule(-1e3, 1e3)] = -7.0, ub: Annotated[float, RealRule(-1e3, 1e3)] = 3.0):
        super().__init__()
        if not lb < ub:
            raise ValueError(f"lb must be below ub, got lb={lb}, ub={ub}")
        # (1 - tanh(y)) / 2 = 1 / (1 + exp(2 y)), through log(1 + exp(2 y)): no overflow up to ub = 1000.
        self._setup(peak_lr, cycle_steps, min_lr, cycle_mul, cycle_decay, cycle_limit,
                    lambda done, left: np.exp(-np.logaddexp(0.0, 2.0 * (lb + (ub - lb) * done))))
        self.twice_lb, self.twice_span = f64(2.0 * lb), f64(2.0 * (ub - lb))

    def _formula(self, step: Tensor) -> Tensor:
        x_done, _, peak = self._position(step, wide=True)
        twice = self.twice_lb + self.twice_span * x_done
        # (1 - tanh(y)) / 2 = sigmoid(-2 y) and (1 + tanh(y)) / 2 = sigmoid(2 y), in float64: MindSpore's float32
        # sigmoid is off by up to 2.4e-6 (its exp by 4.6e-6).
        return self._mix(ops.cast(ops.sigmoid(-twice), ms.float32), ops.cast(ops.sigmoid(twice), ms.float32), peak)


class PolyCyclesLR(_LimitedCycles, reference=poly_cycles):
    r"""Polynomial cycles from their peak down to ``min_lr``, ``cycle_limit`` of them, then ``min_lr``: timm's
    ``PolyLRScheduler``.

    Cycle :math:`j` lasts :math:`T_j = T m^j` steps and peaks at :math:`\eta_j = p\, \gamma^j`; at :math:`t` steps
    into it

    .. math::
        \eta = \eta_{min} + (\eta_j - \eta_{min})\left(1 - \frac{t^k}{T_j^k}\right)^{q}

    Args:
        peak_lr (float): The first cycle's peak :math:`p`.
        cycle_steps (int): The first cycle's length :math:`T \ge 1`.
        min_lr (float): The floor. Default: ``0.0``.
        cycle_mul (float): :math:`m > 0`, each cycle's length over the one before (no cycle may be shorter than
            one step). Default: ``1.0``.
        cycle_decay (float): :math:`\gamma \in (0, 1]`, each cycle's peak over the one before. Default: ``1.0``.
        cycle_limit (int): How many cycles run, ``>= 1``. Default: ``1``.
        power (float): :math:`q \in [0.001, 5]`. Default: ``0.5``.
        k_decay (float): :math:`k \in [0.001, 1000]`. Default: ``1.0``.

    Raises:
        ValueError: If an argument is out of range, or ``cycle_mul`` makes a cycle shorter than one step or more
            than 65,536 cycles within ``2**31`` steps.

    Examples:
        >>> import ms_lr
        >>> ms_lr.evaluate(ms_lr.PolyCyclesLR(1.0, cycle_steps=4, power=1.0), range(6)).astype(float).round(5).tolist()
        [1.0, 0.75, 0.5, 0.25, 0.0, 0.0]
    """

    def __init__(self, peak_lr: Lr, cycle_steps: PositiveSteps, min_lr: Lr = 0.0, cycle_mul: Positive = 1.0,
                 cycle_decay: Decay = 1.0, cycle_limit: PositiveSteps = 1,
                 power: Annotated[float, RealRule(1e-3, 5.0)] = 0.5, k_decay: Exponent = 1.0):
        super().__init__()
        self._setup(peak_lr, cycle_steps, min_lr, cycle_mul, cycle_decay, cycle_limit,
                    lambda done, left: _power_rest(left, k_decay) ** power)
        self.k_decay, self.k, self.power = k_decay, f64(k_decay), f64(power)

    def _formula(self, step: Tensor) -> Tensor:
        x_done, x_left, peak = self._position(step)
        done, left = _k_fractions(x_done, x_left, self.k_decay, self.k)
        # (1 - x**k)**q on top, 1 - (1 - x**k)**q on the floor, each from the fraction that determines it best.
        w_top, w_floor = power_and_rest(left, done, self.power)
        return self._mix(w_top, w_floor, peak)

"""MindFormers' schedules (``lr_schedule:`` blocks), by name and arguments, as exact ms_lr schedules.

MindFormers computes its schedules in float32 from a float32 step with tensor ``if``s: boundaries past ``2**24``
move, its SGDR finds cycles with a float32 ``log``, and a few branches misbehave (listed per class). These classes
take MindFormers' arguments and give its values on every step before ``total_steps`` (the tests check them against
its formulas), with int32 boundaries, relative precision at the floors, and the sane value where MindFormers' is
not. ``warmup_ratio``/``decay_ratio`` give ``int(total_steps * ratio)`` steps, as MindFormers rounds them.

MindFormers' ``CosineAnnealingLR``, ``CosineAnnealingWarmRestarts``, ``WarmUpStableDecayLR`` and
``LearningRateWiseLayer`` are native ms_lr schedules under other argument names: :func:`ms_lr.build` translates
those blocks (see :mod:`ms_lr.tools.mindformers`).
"""
import math
from fractions import Fraction
from typing import Annotated, List, Optional

import mindspore as ms
from mindspore import Tensor, ops

from ms_lr.core.arguments import INT32_MAX, Lr, PositiveSteps, RealRule, Steps, check_at_most
from ms_lr.core.schedule import Schedule
from ms_lr.graph.constants import f32, i32
from ms_lr.graph.cycles import FractionalCycles
from ms_lr.graph.phases import MAX_PHASES, cosine_down, held, phase_table, ramp_up, warmup_phases
from ms_lr.graph.weights import Endpoints, Ramp, cosine_weights, warmed
from ms_lr.reference.from_mindformers import (
    mf_constant_warmup,
    mf_constant_with_cooldown,
    mf_cosine_with_restarts,
    mf_cosine_with_warmup,
    mf_linear_with_warmup,
    mf_polynomial_with_warmup,
)
from ms_lr.schedules.decay import LinearLR, PolynomialLR, PolynomialPower
from ms_lr.schedules.equivalent import Equivalent
from ms_lr.schedules.warmup import LinearWarmup

__all__ = ["ConstantWarmUpLR", "LinearWithWarmUpLR", "CosineWithWarmUpLR", "CosineWithRestartsAndWarmUpLR",
           "PolynomialWithWarmUpLR", "ConstantWithCoolDownLR", "steps_from"]
#: The family the catalogue (the schedules guide's table, ``python -m ms_lr list``) shows this module's schedules under.
FAMILY = "from MindFormers"

Ratio = Annotated[float, RealRule(0.0, 1.0)]
# Every turn of the waves is a table entry, to keep it an exact step: at most 10,000 waves.
Cycles = Annotated[float, RealRule(0.0, 10_000.0)]


def steps_from(name: str, steps: Optional[int], ratio: Optional[float], total_steps: Optional[int],
               default: int = 0) -> int:
    """A phase length given as steps or as ``{name}_ratio`` of ``total_steps`` (MindFormers' ``_get_lr_steps``)."""
    if ratio is None:
        return default if steps is None else steps
    if total_steps is None:
        raise ValueError(f"{name}_ratio={ratio} needs total_steps (in a config, total_steps: -1 or a missing "
                         f"total_steps means the total_steps given to ms_lr.build)")
    return int(total_steps * ratio)


def _need_total(total_steps: Optional[int], why: str) -> int:
    if total_steps is None:
        raise ValueError(f"total_steps is needed {why} (in a config, total_steps: -1 means the total_steps given "
                         f"to ms_lr.build)")
    return total_steps


class ConstantWarmUpLR(Equivalent, reference=mf_constant_warmup):
    r"""MindFormers' ``ConstantWarmUpLR``: a *linear* warmup from ``warmup_lr_init`` to ``learning_rate``, then
    ``learning_rate`` (despite the name, the warmup is MindFormers' linear one).

    .. math:: \eta_k = \begin{cases} \eta_0 + (\eta - \eta_0)\, k / W & k < W \\ \eta & k \ge W \end{cases}

    ``LinearWarmup(learning_rate, W, start_lr=warmup_lr_init)`` underneath. ``warmup_steps=None`` without a ratio
    is no warmup (MindFormers raises).

    Args:
        learning_rate (float): The lr after the warmup.
        warmup_steps (int): ``W >= 0``. Default: ``None`` (0, or from ``warmup_ratio``).
        warmup_lr_init (float): The lr at step 0. Default: ``0.0``.
        warmup_ratio (float): ``W = int(total_steps * warmup_ratio)``, in ``[0, 1]``. Default: ``None``.
        total_steps (int): The run's length, needed with ``warmup_ratio``. Default: ``None``.

    Raises:
        ValueError: If a length or ratio is out of range, ``warmup_ratio`` comes without ``total_steps``, or an lr is
            negative or not finite.

    Examples:
        >>> import ms_lr
        >>> sched = ms_lr.ConstantWarmUpLR(learning_rate=0.005, warmup_steps=10, total_steps=20)
        >>> ms_lr.evaluate(sched, [1, 15]).astype(float).round(6).tolist()
        [0.0005, 0.005]
    """

    def __init__(self, learning_rate: Lr, warmup_steps: Optional[Steps] = None, warmup_lr_init: Lr = 0.0,
                 warmup_ratio: Optional[Ratio] = None, total_steps: Optional[PositiveSteps] = None):
        super().__init__()
        warmup = steps_from("warmup", warmup_steps, warmup_ratio, total_steps)
        self.native = LinearWarmup(learning_rate, warmup, start_lr=warmup_lr_init)


class LinearWithWarmUpLR(Equivalent, reference=mf_linear_with_warmup):
    r"""MindFormers' ``LinearWithWarmUpLR``: a linear warmup, then a linear decay to 0 at ``total_steps``.

    .. math::
        \eta_k = \begin{cases} \eta_0 + (\eta - \eta_0)\, k / W & k < W \\
        \eta \max\!\left(0, \frac{T - k}{\max(1, T - W)}\right) & k \ge W \end{cases}

    ``LinearWarmup(LinearLR(learning_rate, 1.0, 0.0, max(1, T - W)), W, start_lr=warmup_lr_init)`` underneath.

    Args:
        learning_rate (float): The lr after the warmup.
        total_steps (int): ``T``, where the lr reaches 0.
        warmup_steps (int): ``W >= 0``. Default: ``None`` (0, or from ``warmup_ratio``).
        warmup_lr_init (float): The lr at step 0. Default: ``0.0``.
        warmup_ratio (float): ``W = int(T * warmup_ratio)``, in ``[0, 1]``. Default: ``None``.

    Raises:
        ValueError: If a length or ratio is out of range, or an lr is negative or not finite.

    Examples:
        >>> import ms_lr
        >>> sched = ms_lr.LinearWithWarmUpLR(learning_rate=0.005, total_steps=20, warmup_steps=10)
        >>> ms_lr.evaluate(sched, [1, 15]).astype(float).round(6).tolist()
        [0.0005, 0.0025]
    """

    def __init__(self, learning_rate: Lr, total_steps: PositiveSteps, warmup_steps: Optional[Steps] = None,
                 warmup_lr_init: Lr = 0.0, warmup_ratio: Optional[Ratio] = None):
        super().__init__()
        warmup = steps_from("warmup", warmup_steps, warmup_ratio, total_steps)
        if total_steps - warmup >= 1:
            decay = LinearLR(learning_rate, 1.0, 0.0, total_steps - warmup)
            self.native = LinearWarmup(decay, warmup, start_lr=warmup_lr_init)
        else:
            # A warmup reaching total_steps: MindFormers' line max(0, (T - k) / 1) is 0 from the warmup's end on.
            self.native = LinearWarmup(0.0, warmup, start_lr=warmup_lr_init, end_lr=learning_rate)


class PolynomialWithWarmUpLR(Equivalent, reference=mf_polynomial_with_warmup):
    r"""MindFormers' ``PolynomialWithWarmUpLR``: a linear warmup, then a polynomial decay to ``lr_end``.

    .. math::
        \eta_k = (\eta - \eta_{end}) \left(1 - \frac{\min(k - W, D)}{D}\right)^{p} + \eta_{end}, \quad k \ge W

    ``LinearWarmup(PolynomialLR(learning_rate, D, power, end_lr=lr_end), W, start_lr=warmup_lr_init)``
    underneath, ``D`` defaulting to ``max(1, total_steps - W)``. Differences: once the decay is over the lr holds
    ``lr_end`` (MindFormers takes a power of a negative number there, NaN, when ``D < total_steps - W``, and jumps to
    ``lr_end`` at ``total_steps`` when ``D`` is longer); ``power`` is limited to ``[0, 5]`` (see
    :class:`PolynomialLR`).

    Args:
        learning_rate (float): The lr after the warmup.
        total_steps (int): The run's length.
        warmup_steps (int): ``W >= 0``. Default: ``None`` (0, or from ``warmup_ratio``).
        lr_end (float): The final lr, ``<= learning_rate``. Default: ``1e-7``.
        power (float): Exponent, in ``[0, 5]``. Default: ``1.0``.
        warmup_lr_init (float): The lr at step 0. Default: ``0.0``.
        warmup_ratio (float): ``W = int(total_steps * warmup_ratio)``, in ``[0, 1]``. Default: ``None``.
        decay_steps (int): ``D >= 1``. Default: ``None`` (``max(1, total_steps - W)``).

    Raises:
        ValueError: If a length, ratio or ``power`` is out of range, ``lr_end > learning_rate``, or an lr is
            negative or not finite.

    Examples:
        >>> import ms_lr
        >>> sched = ms_lr.PolynomialWithWarmUpLR(learning_rate=0.005, total_steps=20, warmup_steps=10, lr_end=1e-7)
        >>> ms_lr.evaluate(sched, [1, 15]).astype(float).round(9).tolist()
        [0.0005, 0.00250005]
    """

    def __init__(self, learning_rate: Lr, total_steps: PositiveSteps, warmup_steps: Optional[Steps] = None,
                 lr_end: Lr = 1e-7, power: PolynomialPower = 1.0, warmup_lr_init: Lr = 0.0,
                 warmup_ratio: Optional[Ratio] = None, decay_steps: Optional[PositiveSteps] = None):
        super().__init__()
        check_at_most("lr_end", lr_end, "learning_rate", learning_rate)
        warmup = steps_from("warmup", warmup_steps, warmup_ratio, total_steps)
        decay = decay_steps if decay_steps is not None else max(1, total_steps - warmup)
        self.native = LinearWarmup(PolynomialLR(learning_rate, decay, power, end_lr=lr_end), warmup,
                                   start_lr=warmup_lr_init)


class _CosineWaves(Schedule, abstract=True):
    """A warmup ramp, then cosine waves of a real length between ``lr`` and an end lr, then held lrs.

    ``half_waves``: waves go top -> floor -> top, each half of length ``L`` (MindFormers' ``cos(2 pi n t / C)``);
    otherwise every wave of length ``L`` restarts at the top (``cos(pi frac(n t / C))``). ``L`` is an exact
    ``Fraction``, so every turn lands on its exact integer step; ``L = None`` is no wave (``num_cycles = 0``).
    """

    def _setup_waves(self, learning_rate: float, lr_end: float, length: Optional[Fraction], horizon: int,
                     half_waves: bool) -> None:
        self.ends = Endpoints(lr_end, learning_rate)
        self.peak = f32(learning_rate)
        self.flat = length is None
        self.half_waves = half_waves
        if self.flat:
            return
        self.waves = FractionalCycles(length, horizon, "num_cycles")
        # A half-wave past the first ascends: needed only when the horizon reaches beyond one.
        self.alternate = half_waves and length < horizon
        # pi / (2 L) from the exact length: a tiny num_cycles makes L too large for a float, its scale just 0.
        self.scale = f32(float(Fraction(math.pi) / (2 * length)))

    def _setup_warmup(self, warmup: int, warmup_lr_init: float, learning_rate: float) -> None:
        self.warmup = warmup
        self.ramp = Ramp(warmup_lr_init, learning_rate, warmup) if warmup else None

    def _waves(self, t: Tensor) -> Tensor:
        """The lr ``t`` steps into the waves."""
        if self.flat:
            return ops.zeros_like(ops.cast(t, ms.float32)) + self.peak
        cycle, elapsed, remaining = self.waves.lookup(t)
        if remaining is None:
            # A wave longer than the int32 range never turns: the weights are cos**2 and sin**2 of the elapsed
            # phase. sin**2 is taken as is, not as 1 - cos**2, which cancels to 0 while the phase is under 3e-4
            # (visible when lr_end is the larger lr: the whole rise is in that weight).
            angle = elapsed * self.scale
            cos, sin = ops.cos(angle), ops.sin(angle)
            return self.ends.mix(sin * sin, cos * cos)
        if self.alternate:
            descending = ops.floor_mod(cycle, 2) == 0
            to_top, to_floor = ops.where(descending, remaining, elapsed), ops.where(descending, elapsed, remaining)
        else:
            to_top, to_floor = remaining, elapsed
        w_top, w_floor = cosine_weights(to_top, to_floor, self.scale)
        return self.ends.mix(w_floor, w_top)


def _wave_length(cosine_steps: int, num_cycles: float, half: bool) -> Optional[Fraction]:
    """``C / (2 n)`` (half-waves) or ``C / n`` (restarting waves), exactly; None for ``n = 0`` (no waves)."""
    if num_cycles == 0.0:
        return None
    return Fraction(cosine_steps) / (Fraction(num_cycles) * (2 if half else 1))


class CosineWithWarmUpLR(_CosineWaves, reference=mf_cosine_with_warmup):
    r"""MindFormers' ``CosineWithWarmUpLR``: a linear warmup, then a cosine from ``learning_rate`` toward
    ``lr_end`` (``num_cycles`` waves over ``C = max(1, total_steps - W)`` steps), and ``lr_end`` from the absolute
    step ``decay_steps`` on.

    .. math::
        \eta_k = \begin{cases} \eta_0 + (\eta - \eta_0)\, k / W & k < W \\
        \eta_{end} + \tfrac12 (\eta - \eta_{end})\left(1 + \cos \frac{2 \pi n (k - W)}{C}\right) & W \le k < D \\
        \eta_{end} & k \ge D \end{cases}

    The default ``num_cycles = 0.5`` is one half-cosine to ``lr_end`` at ``total_steps``. Each half-wave has the
    real length ``C / (2n)``; its turns are exact integer steps and the cosine keeps relative precision at
    ``lr_end``, where MindFormers' float32 ``0.5 * (1 + cos)`` cancels.

    Args:
        learning_rate (float): The peak lr, after the warmup.
        warmup_steps (int): ``W >= 0``. Default: ``0``.
        total_steps (int): The run's length ``T``.
        num_cycles (float): Cosine waves over ``C`` steps, in ``[0, 10000]``. Default: ``0.5``.
        lr_end (float): The lr the cosine reaches and the lr from ``decay_steps`` on. Default: ``0.0``.
        warmup_lr_init (float): The lr at step 0. Default: ``0.0``.
        warmup_ratio (float): ``W = int(T * warmup_ratio)``, in ``[0, 1]``. Default: ``None``.
        decay_steps (int): The absolute step ``D`` where ``lr_end`` starts. Default: ``None`` (``T``).
        decay_ratio (float): ``D = int(T * decay_ratio)``, in ``[0, 1]``. Default: ``None``.

    Raises:
        ValueError: If ``total_steps`` is missing, a length or ratio is out of range, ``num_cycles`` is outside
            ``[0, 10000]`` or makes more than 65,536 half-waves before ``D``, or an lr is negative or not finite.

    Examples:
        >>> import ms_lr
        >>> sched = ms_lr.CosineWithWarmUpLR(learning_rate=0.005, warmup_steps=10, total_steps=20)
        >>> ms_lr.evaluate(sched, [1, 15, 20]).astype(float).round(6).tolist()
        [0.0005, 0.0025, 0.0]
    """

    def __init__(self, learning_rate: Lr, warmup_steps: Optional[Steps] = 0,
                 total_steps: Optional[PositiveSteps] = None, num_cycles: Cycles = 0.5, lr_end: Lr = 0.0,
                 warmup_lr_init: Lr = 0.0, warmup_ratio: Optional[Ratio] = None,
                 decay_steps: Optional[Steps] = None, decay_ratio: Optional[Ratio] = None):
        super().__init__()
        total = _need_total(total_steps, "for the cosine's length")
        warmup = steps_from("warmup", warmup_steps, warmup_ratio, total)
        decay = steps_from("decay", max(1, decay_steps) if decay_steps is not None else max(1, total), decay_ratio,
                           total)
        self.decay = decay
        self._setup_warmup(warmup, warmup_lr_init, learning_rate)
        length = _wave_length(max(1, total - warmup), num_cycles, half=True)
        self._setup_waves(learning_rate, lr_end, length, max(decay - warmup, 1), half_waves=True)
        self.lr_end = f32(lr_end)
        # The usual run (one half-cosine, cut or ended by decay_steps, a whole number of steps long): the warmup,
        # the cosine and the floor are phases of one table, 9 kernels (lows of 0) instead of 18 (counted). A table
        # anchors the cosine at its end, which it refuses past twice the int32 range (a num_cycles near 0 can put
        # it past float64's range too, where the phase's scale would not even be computed).
        self.phase_lr = None
        if not self.flat and length.denominator == 1 and warmup < decay <= warmup + length <= 2 * INT32_MAX and \
                lr_end <= learning_rate:
            after = [cosine_down(warmup, warmup + int(length), lr_end, learning_rate), held(decay, lr_end)]
            self.phase_lr = warmup_phases(warmup, warmup_lr_init, learning_rate, after)

    def value(self, step: Tensor) -> Tensor:
        if self.phase_lr is not None:
            return self.phase_lr.at(step)
        lr = warmed(self.ramp, step, self._waves(ops.maximum(step - self.warmup, 0)))
        return ops.where(step >= self.decay, self.lr_end, lr)

    def boundaries(self, last: int) -> List[int]:
        marks = {self.warmup, self.decay}
        if not self.flat:
            marks |= {self.warmup + s for s in self.waves.starts_up_to(last - self.warmup) if
                      self.warmup + s < self.decay}
        return sorted(m for m in marks if 0 < m <= last)


class CosineWithRestartsAndWarmUpLR(_CosineWaves, reference=mf_cosine_with_restarts):
    r"""MindFormers' ``CosineWithRestartsAndWarmUpLR``: a linear warmup, then ``num_cycles`` cosines from
    ``learning_rate`` to ``lr_end`` over ``C = max(1, total_steps - W)`` steps, each restarting at the top.

    .. math::
        \eta_k = \eta_{end} + \tfrac12 (\eta - \eta_{end})\left(1 + \cos \left(\pi \left\{\frac{n (k - W)}{C}
        \right\}\right)\right), \quad W \le k < \min(W + C, D)

    with :math:`\{x\}` the fractional part, and ``lr_end`` after the last cycle and from ``decay_steps`` on. The
    cycles have the real length ``C / n``; each restart is the first integer step at or after its real start.
    Differences: MindFormers returns 0 (not ``lr_end``) between the last cycle and ``decay_steps``; its step is a
    float32, so restarts past ``2**24`` move.

    Args:
        learning_rate (float): The lr at every restart.
        warmup_steps (int): ``W >= 0``. Default: ``None`` (0, or from ``warmup_ratio``).
        total_steps (int): The run's length ``T``.
        num_cycles (float): Cycles over ``C`` steps, in ``[0, 10000]``; fractional counts end in a partial cycle.
            Default: ``1.0``.
        lr_end (float): The floor of every cycle. Default: ``0.0``.
        warmup_lr_init (float): The lr at step 0. Default: ``0.0``.
        warmup_ratio (float): ``W = int(T * warmup_ratio)``, in ``[0, 1]``. Default: ``None``.
        decay_steps (int): The absolute step where ``lr_end`` starts. Default: ``None`` (``T``).

    Raises:
        ValueError: If ``total_steps`` is missing, a length or ratio is out of range, ``num_cycles`` is outside
            ``[0, 10000]``, or an lr is negative or not finite.

    Examples:
        >>> import ms_lr
        >>> sched = ms_lr.CosineWithRestartsAndWarmUpLR(learning_rate=0.005, warmup_steps=10, total_steps=20,
        ...                                             num_cycles=2.0)
        >>> ms_lr.evaluate(sched, [10, 12, 15, 17, 20]).astype(float).round(6).tolist()
        [0.005, 0.003273, 0.005, 0.003273, 0.0]
    """

    def __init__(self, learning_rate: Lr, warmup_steps: Optional[Steps] = None,
                 total_steps: Optional[PositiveSteps] = None, num_cycles: Cycles = 1.0, lr_end: Lr = 0.0,
                 warmup_lr_init: Lr = 0.0, warmup_ratio: Optional[Ratio] = None,
                 decay_steps: Optional[Steps] = None):
        super().__init__()
        total = _need_total(total_steps, "for the cycles' length")
        warmup = steps_from("warmup", warmup_steps, warmup_ratio, total)
        cosine_steps = max(1, total - warmup)
        self.decay = max(1, decay_steps) if decay_steps is not None else max(1, total)
        self.cycles_end = warmup + cosine_steps
        if self.cycles_end > INT32_MAX:
            raise ValueError(f"warmup_steps + max(1, total_steps - warmup_steps) must be <= 2**31 - 1, got "
                             f"{self.cycles_end}")
        self._setup_warmup(warmup, warmup_lr_init, learning_rate)
        length = _wave_length(cosine_steps, num_cycles, half=False)
        self._setup_waves(learning_rate, lr_end, length, cosine_steps, half_waves=False)
        self.lr_end = f32(lr_end)
        # Cycles a whole number of steps long, at most MAX_PHASES of them: the warmup, each cycle's cosine and the
        # floor from the earlier of decay_steps and the cycles' end are phases of one table (6 to 12 kernels, not 19
        # to 21).
        self.phase_lr = None
        if length is not None and length.denominator == 1 and length <= 2 * INT32_MAX - warmup and \
                lr_end <= learning_rate and cosine_steps // int(length) < MAX_PHASES:
            end = min(self.decay, self.cycles_end)
            cycles = [cosine_down(start, start + int(length), lr_end, learning_rate)
                      for start in range(warmup, self.cycles_end, int(length))]
            phases = ([ramp_up(0, warmup, warmup_lr_init, learning_rate)] if warmup else []) + cycles
            self.phase_lr = phase_table([p for p in phases if p.start < end] + [held(end, lr_end)])

    def value(self, step: Tensor) -> Tensor:
        if self.phase_lr is not None:
            return self.phase_lr.at(step)
        lr = warmed(self.ramp, step, self._waves(ops.maximum(step - self.warmup, 0)))
        return ops.where((step >= self.decay) | (step >= self.cycles_end), self.lr_end, lr)

    def boundaries(self, last: int) -> List[int]:
        marks = {self.warmup, self.decay, self.cycles_end}
        if not self.flat:
            marks |= {self.warmup + s for s in self.waves.starts_up_to(last - self.warmup)
                      if self.warmup + s < self.cycles_end}
        return sorted(m for m in marks if 0 < m <= last)


class ConstantWithCoolDownLR(_CosineWaves, reference=mf_constant_with_cooldown):
    r"""MindFormers' ``ConstantWithCoolDownLR`` (DeepSeek-V3's schedule): warmup, a constant plateau, a cosine
    cool-down to ``lr_end1``, a plateau there, then ``lr_end2``.

    .. math::
        \eta_k = \begin{cases} \eta_0 + (\eta - \eta_0)\, k / W & k < W \\ \eta & k < W + K \\
        \eta_{end1} + \tfrac12 (\eta - \eta_{end1})\left(1 + \cos \frac{2 \pi n (k - W - K)}{D}\right)
        & k < W + K + D \\ \eta_{end1} & k < W + K + D + F \\ \eta_{end2} & \text{after} \end{cases}

    ``D`` defaults to ``max(1, total_steps)``. Difference: ``lr_end2=0`` is 0 here; MindFormers' ``lr_end2 or
    lr_end1`` turns it into ``lr_end1`` (``lr_end2=None`` is ``lr_end1`` in both).

    Args:
        learning_rate (float): The plateau lr.
        warmup_steps (int): ``W >= 0``. Default: ``None`` (0, or from ``warmup_ratio``).
        warmup_lr_init (float): The lr at step 0. Default: ``0.0``.
        warmup_ratio (float): ``W = int(total_steps * warmup_ratio)``, in ``[0, 1]``. Default: ``None``.
        keep_steps (int): ``K >= 0`` steps at ``learning_rate`` after the warmup. Default: ``0``.
        decay_steps (int): ``D``, the cool-down's length. Default: ``None`` (``max(1, total_steps)``).
        decay_ratio (float): ``D = int(total_steps * decay_ratio)``, in ``[0, 1]``. Default: ``None``.
        total_steps (int): The run's length, needed without ``decay_steps`` or with a ratio. Default: ``None``.
        num_cycles (float): Cosine waves over ``D``, in ``[0, 10000]``. Default: ``0.5``.
        lr_end1 (float): The lr the cool-down reaches, held ``F`` steps. Default: ``0.0``.
        final_steps (int): ``F >= 0``. Default: ``0``.
        lr_end2 (float): The lr after that. Default: ``None`` (``lr_end1``).

    Raises:
        ValueError: If a length or ratio is out of range, ``total_steps`` is missing where needed, the phases end
            past ``2**31 - 1``, or an lr is negative or not finite.

    Examples:
        >>> import ms_lr
        >>> sched = ms_lr.ConstantWithCoolDownLR(learning_rate=0.005, warmup_steps=10, keep_steps=10, decay_steps=10,
        ...                                      final_steps=10, lr_end1=0.002, lr_end2=0.001)
        >>> ms_lr.evaluate(sched, [1, 15, 25, 35, 45]).astype(float).round(6).tolist()
        [0.0005, 0.005, 0.0035, 0.002, 0.001]
    """

    def __init__(self, learning_rate: Lr, warmup_steps: Optional[Steps] = None, warmup_lr_init: Lr = 0.0,
                 warmup_ratio: Optional[Ratio] = None, keep_steps: Optional[Steps] = 0,
                 decay_steps: Optional[Steps] = None, decay_ratio: Optional[Ratio] = None,
                 total_steps: Optional[PositiveSteps] = None, num_cycles: Cycles = 0.5, lr_end1: Lr = 0.0,
                 final_steps: Optional[Steps] = 0, lr_end2: Optional[Lr] = None):
        super().__init__()
        warmup = steps_from("warmup", warmup_steps, warmup_ratio, total_steps)
        if decay_ratio is not None:
            decay = steps_from("decay", None, decay_ratio, total_steps)
        elif decay_steps is not None:
            decay = max(1, decay_steps)
        else:
            decay = max(1, _need_total(total_steps, "when decay_steps is not given"))
        keep, final = keep_steps or 0, final_steps or 0
        self.plateau_end = warmup + keep
        self.decay_end = self.plateau_end + decay
        self.final_end = self.decay_end + final
        if self.final_end > INT32_MAX:
            raise ValueError(f"warmup + keep_steps + decay + final_steps must be <= 2**31 - 1, got {self.final_end}")
        self._setup_warmup(warmup, warmup_lr_init, learning_rate)
        self._setup_waves(learning_rate, lr_end1, _wave_length(decay, num_cycles, half=True), max(decay, 1),
                          half_waves=True)
        self.lr_end1 = f32(lr_end1)
        self.plateau_end_step = i32(self.plateau_end)
        final_lr = lr_end1 if lr_end2 is None else lr_end2
        self.lr_end2 = f32(final_lr)
        # The usual cool-down (one half-cosine, a whole number of steps long, cut or ended by the decay's length):
        # the warmup, the plateau, the cosine and the two floors are phases of one table (9 to 12 kernels, not 18
        # to 24).
        length = _wave_length(decay, num_cycles, half=True)
        self.phase_lr = None
        if length is not None and length.denominator == 1 and decay <= length <= 2 * INT32_MAX - self.plateau_end \
                and lr_end1 <= learning_rate:
            after = [held(warmup, learning_rate),
                     cosine_down(self.plateau_end, self.plateau_end + int(length), lr_end1, learning_rate),
                     held(self.decay_end, lr_end1), held(self.final_end, final_lr)]
            self.phase_lr = warmup_phases(warmup, warmup_lr_init, learning_rate, after)

    def value(self, step: Tensor) -> Tensor:
        if self.phase_lr is not None:
            return self.phase_lr.at(step)
        lr = self._waves(ops.maximum(step - self.plateau_end, 0))
        lr = warmed(self.ramp, step, ops.where(step < self.plateau_end_step, self.peak, lr))
        lr = ops.where(step >= self.decay_end, self.lr_end1, lr)
        return ops.where(step >= self.final_end, self.lr_end2, lr)

    def boundaries(self, last: int) -> List[int]:
        marks = {self.warmup, self.plateau_end, self.decay_end, self.final_end}
        return sorted(m for m in marks if 0 < m <= last)

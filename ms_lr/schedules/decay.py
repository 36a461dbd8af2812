"""Decays: step, multi-step, exponential, constant, linear, polynomial, warmup-stable-decay and inverse square root."""
import math
from typing import Annotated, List, Literal, Optional, Tuple

import mindspore as ms
import numpy as np
from mindspore import Tensor, ops

from ms_lr.core.arguments import (
    FLOAT32_MAX,
    FLOAT32_TINY,
    INT32_MAX,
    Lr,
    LrTableRule,
    Milestones,
    PositiveSteps,
    RealRule,
    Steps,
    check_at_most,
    check_growth,
)
from ms_lr.core.schedule import Schedule
from ms_lr.core.settled import Repeats
from ms_lr.graph.constants import f32, half_pi_over, i32
from ms_lr.graph.phases import Phase, cosine_down, cosine_up, held, linear_down, phase_table, ramp_up
from ms_lr.graph.powers import IntegerPower
from ms_lr.graph.precise import f64
from ms_lr.graph.search import SortedSteps
from ms_lr.graph.weights import DecayShape, Endpoints, Ramp, cosine_weights, warmed, warmed_under
from ms_lr.reference.decay import (
    constant_factor,
    exponential_decay,
    inverse_sqrt,
    linear_factor,
    multi_step_decay,
    piecewise_constant,
    polynomial_decay,
    step_decay,
    warmup_stable_decay,
)

__all__ = ["StepLR", "MultiStepLR", "ExponentialLR", "ConstantLR", "LinearLR", "PolynomialLR", "PiecewiseConstantLR",
           "WarmupStableDecayLR", "InverseSqrtLR"]
#: The family the catalogue (the schedules guide's table, ``python -m ms_lr list``) shows this module's schedules under.
FAMILY = "decay"

Factor = Annotated[float, RealRule(0.0, 1.0)]
NonNegative = Annotated[float, RealRule(low=0.0)]
Positive = Annotated[float, RealRule(low=0.0, low_open=True)]
# The exp decay's ratio r: ln r times the decay's fraction is exponentiated, so r stays a normal number.
DecayRatio = Annotated[float, RealRule(1e-30, 1.0, high_open=True)]
# An exponent of a fraction in [0, 1]: bounded away from 0 and infinity, where x**q would flush 0 * inf to NaN.
Exponent = Annotated[float, RealRule(1e-3, 1e3)]
# pow() multiplies its base's float32 rounding by the power: (k/T)**p holds ~(p + 1) x 6e-8 relative (three roundings
# once T > 2**24), 9e-7 at p = 5 and 1.1e-6 at p = 6 (measured), so powers above 5 would break the 1e-6 contract.
PolynomialPower = Annotated[float, RealRule(0.0, 5.0)]


class StepLR(Schedule, reference=step_decay, torch="lr_scheduler.StepLR"):
    r"""Decays by ``gamma`` every ``step_size`` steps, as ``torch.optim.lr_scheduler.StepLR``.

    .. math:: \eta_k = \eta_{base}\, \gamma^{\lfloor k / \text{step\_size} \rfloor}

    A ``gamma > 1`` (growth) is accepted as far as the lr stays in float32 up to step ``2**31 - 1``.

    Args:
        base_lr (float): The lr for the first ``step_size`` steps.
        step_size (int): Steps between decays, ``>= 1``.
        gamma (float): Factor per ``step_size`` steps, ``> 0``. Default: ``0.1``.

    Raises:
        ValueError: If ``step_size < 1``, ``gamma <= 0`` or grows the lr past float32, or ``base_lr`` is negative or
            not finite.

    Examples:
        >>> import ms_lr
        >>> ms_lr.evaluate(ms_lr.StepLR(0.1, step_size=2, gamma=0.5), range(6)).astype(float).round(5).tolist()
        [0.1, 0.1, 0.05, 0.05, 0.025, 0.025]
    """

    def __init__(self, base_lr: Lr, step_size: PositiveSteps, gamma: Positive = 0.1):
        super().__init__()
        self.top = check_growth("gamma", gamma, "base_lr", base_lr, INT32_MAX // step_size)
        self.step_size = step_size
        self.base_lr = f32(base_lr)
        self.power = IntegerPower(gamma)

    def upper_bound(self) -> float:
        return self.top

    def value(self, step: Tensor) -> Tensor:
        return self.base_lr * self.power.of(ops.floor_div(step, self.step_size))

    def repeats(self) -> Optional[Repeats]:
        # It settles where its lr vanishes in float32 (gamma == 1: from step 0).
        drops = self.power.settles_from(self._config["base_lr"])
        return None if drops is None or drops > INT32_MAX // self.step_size else Repeats(drops * self.step_size)

    def boundaries(self, last: int) -> List[int]:
        return list(range(self.step_size, last + 1, self.step_size))


class _Levels(Schedule, abstract=True):
    """One lr per stretch between sorted milestones: ``levels[#{i : m_i <= k}]``, one search and one gather.
    A subclass sets ``milestones`` (``SortedSteps``), ``levels`` (float32) and ``top`` (their maximum)."""

    def value(self, step: Tensor) -> Tensor:
        passed = self.milestones.count_up_to(step)
        return ops.gather(self.levels, passed, 0)

    def upper_bound(self) -> float:
        return self.top

    def repeats(self) -> Repeats:
        return Repeats(max(self._config["milestones"]))

    def boundaries(self, last: int) -> List[int]:
        return sorted({m for m in self._config["milestones"] if 0 < m <= last})


class MultiStepLR(_Levels, reference=multi_step_decay, torch="lr_scheduler.MultiStepLR"):
    r"""Decays by ``gamma`` at each milestone, as ``torch.optim.lr_scheduler.MultiStepLR``.

    .. math:: \eta_k = \eta_{base}\, \gamma^{\#\{i : m_i \le k\}}

    A milestone listed twice applies ``gamma`` twice, as in torch. The factors ``gamma**i`` are a table with one entry
    per milestone, looked up with ``searchsorted``. ``gamma > 1`` (a growing lr) is allowed as long as every level
    fits float32.

    Args:
        base_lr (float): The lr before the first milestone.
        milestones (list[int]): Non-decreasing steps ``>= 0`` at which the lr is multiplied by ``gamma``.
        gamma (float): Decay factor, ``>= 0``. Default: ``0.1``.

    Raises:
        ValueError: If ``milestones`` is empty, unsorted or negative, ``gamma``/``base_lr`` is negative, or a level
            ``base_lr * gamma**i`` overflows float32.

    Examples:
        >>> import ms_lr
        >>> sched = ms_lr.MultiStepLR(1.0, milestones=[2, 4, 4], gamma=0.5)
        >>> ms_lr.evaluate(sched, range(6)).astype(float).round(5).tolist()
        [1.0, 1.0, 0.5, 0.5, 0.125, 0.125]
    """

    def __init__(self, base_lr: Lr, milestones: Milestones, gamma: NonNegative = 0.1):
        super().__init__()
        levels = [base_lr]
        for _ in milestones:
            levels.append(levels[-1] * gamma)      # float products overflow to inf; ** would raise OverflowError
        if not max(levels) <= FLOAT32_MAX:
            raise ValueError(f"gamma={gamma} over {len(milestones)} milestones takes the lr to "
                             f"{max(levels):.4g}, beyond float32's largest value")
        self.top = max(levels)
        self.milestones = SortedSteps(milestones)
        self.levels = Tensor(np.array(levels, dtype=np.float32))


class ExponentialLR(Schedule, reference=exponential_decay, torch="lr_scheduler.ExponentialLR"):
    r"""Decays by ``gamma`` every step, as ``torch.optim.lr_scheduler.ExponentialLR``.

    .. math:: \eta_k = \eta_{base}\, \gamma^k

    ``gamma**k`` is within 2.3e-7 relative for every ``k`` up to ``2**31 - 1`` (see ``graph.powers.IntegerPower``).
    Growth (``gamma > 1``) is accepted as far as the lr stays in float32 up to step ``2**31 - 1``; an lr range test
    that grows for a few thousand steps overflows long before, so use ``HostLambdaLR`` over the steps you need.

    Args:
        base_lr (float): The lr at step 0.
        gamma (float): Per-step factor, ``> 0``.

    Raises:
        ValueError: If ``gamma <= 0`` or grows the lr past float32, or ``base_lr`` is negative or not finite.

    Examples:
        >>> import ms_lr
        >>> ms_lr.evaluate(ms_lr.ExponentialLR(0.1, gamma=0.5), range(4)).astype(float).round(5).tolist()
        [0.1, 0.05, 0.025, 0.0125]
    """

    def __init__(self, base_lr: Lr, gamma: Positive):
        super().__init__()
        self.top = check_growth("gamma", gamma, "base_lr", base_lr, INT32_MAX)
        self.base_lr = f32(base_lr)
        self.power = IntegerPower(gamma)

    def upper_bound(self) -> float:
        return self.top

    def value(self, step: Tensor) -> Tensor:
        return self.base_lr * self.power.of(step)

    def repeats(self) -> Optional[Repeats]:
        # It settles where its lr vanishes in float32 (gamma == 1: from step 0).
        steps = self.power.settles_from(self._config["base_lr"])
        return None if steps is None else Repeats(steps)


class ConstantLR(Schedule, reference=constant_factor, torch="lr_scheduler.ConstantLR"):
    r"""``base_lr * factor`` for the first ``total_iters`` steps, then ``base_lr``, as torch's ``ConstantLR``.

    .. math:: \eta_k = \eta_{base} \cdot (\text{factor if } k < \text{total\_iters} \text{ else } 1)

    Args:
        base_lr (float): The lr after ``total_iters`` steps.
        factor (float): Multiplier during the first steps, ``0 <= factor <= 1``. Default: ``1/3``.
        total_iters (int): Steps at the reduced lr, ``>= 1``. Default: ``5``.

    Raises:
        ValueError: If ``factor`` is outside ``[0, 1]``, ``total_iters < 1`` or ``base_lr`` is negative.

    Examples:
        >>> import ms_lr
        >>> ms_lr.evaluate(ms_lr.ConstantLR(0.3, factor=0.5, total_iters=2), range(4)).astype(float).round(5).tolist()
        [0.15, 0.15, 0.3, 0.3]
    """

    def __init__(self, base_lr: Lr, factor: Factor = 1.0 / 3, total_iters: PositiveSteps = 5):
        super().__init__()
        self.total_iters, self.reduced_end = total_iters, i32(total_iters)
        self.base_lr, self.reduced = f32(base_lr), f32(base_lr * factor)

    def value(self, step: Tensor) -> Tensor:
        return ops.where(step < self.reduced_end, self.reduced, self.base_lr)

    def repeats(self) -> Repeats:
        return Repeats(self.total_iters)

    def boundaries(self, last: int) -> List[int]:
        return [self.total_iters] if self.total_iters <= last else []


class LinearLR(Schedule, reference=linear_factor, torch="lr_scheduler.LinearLR"):
    r"""The factor moves linearly from ``start_factor`` to ``end_factor`` over ``total_iters`` steps, as torch's
    ``LinearLR``.

    .. math::
        \eta_k = \eta_{base}\left(f_s \frac{T - m}{T} + f_e \frac{m}{T}\right), \quad m = \min(k, T)

    Both weights come from exact integers, so a decay to ``end_factor = 0`` keeps relative precision to the end.

    Args:
        base_lr (float): The lr the factors multiply.
        start_factor (float): Factor at step 0, ``0 < start_factor <= 1``. Default: ``1/3``.
        end_factor (float): Factor from step ``total_iters`` on, ``0 <= end_factor <= 1``. Default: ``1.0``.
        total_iters (int): Steps of the ramp, ``>= 1``. Default: ``5``.

    Raises:
        ValueError: If a factor is out of range, ``total_iters < 1`` or ``base_lr`` is negative.

    Examples:
        >>> import ms_lr
        >>> sched = ms_lr.LinearLR(1.0, start_factor=0.5, end_factor=1.0, total_iters=2)
        >>> ms_lr.evaluate(sched, range(4)).astype(float).round(5).tolist()
        [0.5, 0.75, 1.0, 1.0]
    """

    def __init__(self, base_lr: Lr, start_factor: Annotated[float, RealRule(0.0, 1.0, low_open=True)] = 1.0 / 3,
                 end_factor: Factor = 1.0, total_iters: PositiveSteps = 5):
        super().__init__()
        self.total_iters = total_iters
        self.start, self.end = f32(base_lr * start_factor), f32(base_lr * end_factor)
        self.inv_total = f32(1.0 / total_iters)

    def value(self, step: Tensor) -> Tensor:
        done = ops.minimum(step, self.total_iters)
        w_end = ops.cast(done, ms.float32) * self.inv_total
        w_start = ops.cast(self.total_iters - done, ms.float32) * self.inv_total
        return self.start * w_start + self.end * w_end

    def repeats(self) -> Repeats:
        return Repeats(self.total_iters)

    def phases(self) -> List[Phase]:
        base, total = self._config["base_lr"], self.total_iters
        start, end = base * self._config["start_factor"], base * self._config["end_factor"]
        line = linear_down(0, total, end, start) if start >= end else ramp_up(0, total, start, end)
        return [line, held(total, end)]

    def boundaries(self, last: int) -> List[int]:
        return [self.total_iters] if self.total_iters <= last else []


class PolynomialLR(Schedule, reference=polynomial_decay, torch="lr_scheduler.PolynomialLR"):
    r"""Polynomial decay to ``end_lr`` over ``total_iters`` steps, then ``end_lr``, as torch's ``PolynomialLR``
    (``end_lr = 0``).

    .. math:: \eta_k = \eta_{end} + (\eta_{base} - \eta_{end}) \left(\frac{T - \min(k, T)}{T}\right)^{p}

    With ``cycle=True`` (MindSpore's ``update_decay_steps``, TensorFlow's ``cycle``) the decay restarts instead: the
    period is :math:`T \lceil k / T \rceil`, so the lr reaches ``end_lr`` at every multiple of ``T`` and jumps back up
    to a lower peak after it. The base of the power is a ratio of exact integers, so the last steps keep relative
    precision.

    Args:
        base_lr (float): The lr at step 0.
        total_iters (int): Steps to reach ``end_lr``, ``>= 1``. Default: ``5``.
        power (float): Exponent, ``0 <= power <= 5``: float32 holds :math:`(k/T)^p` to about :math:`(p + 1)
            \cdot 6 \times 10^{-8}` relative, so larger powers could not keep the 1e-6 contract. Default: ``1.0``.
        end_lr (float): The lr reached at ``total_iters`` and held, ``<= base_lr``. Default: ``0.0``.
        cycle (bool): Restart the decay with a longer period instead of holding ``end_lr``. Default: ``False``.

    Raises:
        ValueError: If ``total_iters < 1``, ``power`` is outside ``[0, 5]``, ``end_lr > base_lr``, or an lr is
            negative or not finite.

    Examples:
        >>> import ms_lr
        >>> sched = ms_lr.PolynomialLR(1.0, total_iters=4, power=2.0)
        >>> ms_lr.evaluate(sched, range(6)).astype(float).round(5).tolist()
        [1.0, 0.5625, 0.25, 0.0625, 0.0, 0.0]
        >>> cycling = ms_lr.PolynomialLR(1.0, total_iters=2, end_lr=0.5, cycle=True)
        >>> ms_lr.evaluate(cycling, range(6)).astype(float).round(5).tolist()
        [1.0, 0.75, 0.5, 0.625, 0.5, 0.58333]
    """

    def __init__(self, base_lr: Lr, total_iters: PositiveSteps = 5, power: PolynomialPower = 1.0, end_lr: Lr = 0.0,
                 cycle: bool = False):
        super().__init__()
        check_at_most("end_lr", end_lr, "base_lr", base_lr)
        self.total_iters, self.cycle = total_iters, cycle
        self.power, self.total = f32(power), f32(total_iters)
        self.ends = Endpoints(end_lr, base_lr)
        # A power too small for a normal float32 would round (or flush) to 0, and 0**0 is 1 where the lr must reach
        # end_lr. Its curve is 1 until the end to within float32 anyway: base_lr before the end, end_lr there.
        self.step_down = 0.0 < power < FLOAT32_TINY

    def value(self, step: Tensor) -> Tensor:
        if self.cycle:
            # Steps left to the end of the current period T * ceil(k / T), over that period; exact integers.
            remainder = ops.floor_mod(step, self.total_iters)
            left_i = ops.where(remainder == 0, ops.where(step == 0, self.total_iters, 0), self.total_iters - remainder)
            left = ops.cast(left_i, ms.float32)
            period = ops.cast(step, ms.float32) + left
        else:
            left_i = self.total_iters - ops.minimum(step, self.total_iters)
            # One division (one rounding) rather than a product with 1/T: pow multiplies the base's error by p.
            left, period = ops.cast(left_i, ms.float32), self.total
        if self.step_down:
            w_top = ops.cast(left_i > 0, ms.float32)
        else:
            w_top = ops.pow(left / period, self.power)
        return self.ends.mix(1.0 - w_top, w_top)

    def repeats(self) -> Optional[Repeats]:
        return None if self.cycle else Repeats(self.total_iters)

    def phases(self) -> Optional[List[Phase]]:
        if self.cycle or self._config["power"] != 1.0:
            return None
        base, end_lr, total = self._config["base_lr"], self._config["end_lr"], self.total_iters
        return [linear_down(0, total, end_lr, base), held(total, end_lr)]

    def boundaries(self, last: int) -> List[int]:
        if self.cycle:
            return list(range(self.total_iters + 1, last + 1, self.total_iters))
        return [self.total_iters] if self.total_iters <= last else []


class PiecewiseConstantLR(_Levels, reference=piecewise_constant):
    r"""A constant lr between milestones: ``values[i]`` from ``milestones[i - 1]`` to ``milestones[i]``.

    .. math:: \eta_k = \text{values}[\#\{i : m_i \le k\}]

    MindSpore's ``dynamic_lr.piecewise_constant_lr(milestone, learning_rates)`` (a list of per-step lrs) is
    ``PiecewiseConstantLR(milestone[:-1], learning_rates)``, and Keras' ``PiecewiseConstantDecay(boundaries,
    values)`` is ``PiecewiseConstantLR(boundaries, values)``. The last value holds from the last milestone on.

    Args:
        milestones (list[int]): Non-decreasing steps ``>= 0`` where the next value starts.
        values (list[float]): ``len(milestones) + 1`` lrs, each ``>= 0``.

    Raises:
        ValueError: If ``values`` has the wrong length, ``milestones`` are unsorted or negative, or an lr is negative
            or not finite.

    Examples:
        >>> import ms_lr
        >>> sched = ms_lr.PiecewiseConstantLR([2, 4], [0.1, 0.05, 0.01])
        >>> ms_lr.evaluate(sched, range(6)).astype(float).round(5).tolist()
        [0.1, 0.1, 0.05, 0.05, 0.01, 0.01]
    """

    def __init__(self, milestones: Milestones, values: Annotated[List[float], LrTableRule()]):
        super().__init__()
        if len(values) != len(milestones) + 1:
            raise ValueError(f"values must hold len(milestones) + 1 = {len(milestones) + 1} lrs, got {len(values)}")
        self.milestones = SortedSteps(milestones)
        self.levels = Tensor(np.asarray(values, dtype=np.float32))
        self.top = float(np.max(values))


class WarmupStableDecayLR(Schedule, reference=warmup_stable_decay):
    r"""Warmup-stable-decay (WSD): a warmup, a stable phase at ``peak_lr``, then a decay to ``min_lr``.

    .. math::
        \eta_k = \begin{cases}
        s + (p - s)\, u(k / W) & k < W \\
        S_k = \max(p\, \sigma(k - W), \eta_{min}) & W \le k < W + S \\
        \eta_{min} + (S_k - \eta_{min})\, d(t), \; t = \frac{k - W - S}{D} & W + S \le k < W + S + D \\
        \eta_{min} & \text{after}
        \end{cases}

    The warmup shape :math:`u(x)` is :math:`x` (``linear``), :math:`\tfrac12(1 - \cos \pi x)` (``cosine``) or
    :math:`1 - \sqrt{1 - x}` (``1-sqrt``). The stable phase is flat (``stable='constant'``, :math:`\sigma = 1`) or
    keeps decaying slowly, :math:`\sigma(j) = (1 + j/\tau)^{-q}` with :math:`q = 1/2` (``rsqrt``) or
    ``stable_power`` (``power``), never below ``min_lr``; the decay then starts from that current value. The decay
    :math:`d(t)` is :math:`1 - t` (``linear``), :math:`\tfrac12(1 + \cos \pi t)` (``cosine``), :math:`1 - \sqrt t`
    (``1-sqrt``, Hägele et al. 2024), :math:`1 - t^{q_d}` (``power``, ``decay_power``) or
    :math:`(r^t - r)/(1 - r)` (``exp``, ``decay_ratio``). Every weight is computed from the exact integer steps done
    and left, so the last steps keep relative precision. A flat stable phase is held once in the lookup the schedule
    compiles to, so a long run (10M steps) is a table of its warmup and decay where those fit
    :func:`ms_lr.settled_tables`' limit (``2**20`` steps by default).

    Args:
        peak_lr (float): The stable lr.
        warmup_steps (int): ``W >= 0``.
        stable_steps (int): ``S >= 0``.
        decay_steps (int): ``D >= 1``. ``W + S + D <= 2**31 - 1``.
        min_lr (float): The final lr. Default: ``0.0``.
        decay (str): ``'linear'``, ``'cosine'``, ``'1-sqrt'``, ``'power'`` or ``'exp'``. Default: ``'linear'``.
        start_lr (float): The lr at step 0 of the warmup. Default: ``0.0``.
        warmup (str): ``'linear'``, ``'cosine'`` or ``'1-sqrt'``. Default: ``'linear'``.
        stable (str): ``'constant'``, ``'rsqrt'`` or ``'power'``. Default: ``'constant'``.
        stable_timescale (int): :math:`\tau` of a decaying stable phase, ``>= 1``. Default: ``None``, ``W``.
        stable_power (float): :math:`q` of ``stable='power'``, in ``[0.001, 1000]``. Default: ``0.5``.
        decay_power (float): :math:`q_d` of ``decay='power'``, in ``[0.001, 1000]``. Default: ``0.5``.
        decay_ratio (float): :math:`r` of ``decay='exp'``, in ``[1e-30, 1)``. Default: ``0.1``.

    Raises:
        ValueError: If a length is out of range, a shape is unknown, a decaying stable phase has no timescale
            (``W = 0`` and no ``stable_timescale``), or an lr is negative or not finite.

    Examples:
        >>> import ms_lr
        >>> sched = ms_lr.WarmupStableDecayLR(1.0, warmup_steps=2, stable_steps=2, decay_steps=2)
        >>> ms_lr.evaluate(sched, range(7)).astype(float).round(5).tolist()
        [0.0, 0.5, 1.0, 1.0, 1.0, 0.5, 0.0]
    """

    def __init__(self, peak_lr: Lr, warmup_steps: Steps, stable_steps: Steps, decay_steps: PositiveSteps,
                 min_lr: Lr = 0.0, decay: Literal["linear", "cosine", "1-sqrt", "power", "exp"] = "linear",
                 start_lr: Lr = 0.0, warmup: Literal["linear", "cosine", "1-sqrt"] = "linear",
                 stable: Literal["constant", "rsqrt", "power"] = "constant",
                 stable_timescale: Optional[PositiveSteps] = None, stable_power: Exponent = 0.5,
                 decay_power: Exponent = 0.5, decay_ratio: DecayRatio = 0.1):
        super().__init__()
        if warmup_steps + stable_steps + decay_steps > INT32_MAX:
            raise ValueError(f"warmup_steps + stable_steps + decay_steps must be <= 2**31 - 1, got "
                             f"{warmup_steps + stable_steps + decay_steps}")
        if stable != "constant" and stable_timescale is None and warmup_steps == 0:
            raise ValueError(f"stable={stable!r} needs a timescale: stable_timescale defaults to warmup_steps, which "
                             f"is 0; give stable_timescale")
        self.warmup_steps, self.decay_start, self.decay_steps = warmup_steps, warmup_steps + stable_steps, decay_steps
        self.shape = DecayShape(decay, decay_steps, decay_power, decay_ratio)
        self.ends = Endpoints(min_lr, peak_lr, lowest_high=min_lr if stable != "constant" else None)
        self.stable = stable
        self.peak, self.min_lr = f32(peak_lr), f32(min_lr)
        self.inv_timescale = f64(1.0 / (stable_timescale or max(warmup_steps, 1)))
        self.stable_exponent = f64(-0.5 if stable == "rsqrt" else -stable_power)
        self.warmup = warmup
        self.ramp = Ramp(start_lr, peak_lr, warmup_steps) if warmup_steps else None
        self.start, self.half_pi_over_warmup = f32(start_lr), half_pi_over(max(warmup_steps, 1))
        # A flat stable phase between linear or cosine ramps is a table of phases: one search and one weight for
        # the four (8 kernels for the linear default, 11 as the formula below; counted from the compiled graph).
        # Without a warmup the formula has no select to spare and is as short (6 kernels for a linear decay to 0).
        self.phase_list = _wsd_phases(warmup_steps, stable_steps, decay_steps, peak_lr, min_lr, start_lr, warmup,
                                      stable, decay)
        self.phase_lr = phase_table(self.phase_list) if self.phase_list is not None and warmup_steps else None

    def _stable(self, step: Tensor) -> Optional[Tensor]:
        """The decaying stable phase's current lr (``None`` for a flat one: ``peak_lr``)."""
        if self.stable == "constant":
            return None
        # float64: a float32 base's rounding is multiplied by the power (76 x 6e-8 at stable_power=76).
        since = ops.cast(ops.maximum(step - self.warmup_steps, 0), ms.float64)
        decayed = ops.exp(self.stable_exponent * ops.log1p(since * self.inv_timescale))
        return ops.maximum(self.peak * ops.cast(decayed, ms.float32), self.min_lr)

    def _warmup(self, step: Tensor) -> Tensor:
        if self.warmup == "linear":
            return self.ramp.at(step)
        # Two weights, each from its own exact count, so a falling warmup keeps its precision near its end too.
        x_start, x_end = self.ramp.weights(step)
        if self.warmup == "cosine":
            w_start, w_end = cosine_weights(ops.cast(self.warmup_steps - step, ms.float32),
                                            ops.cast(step, ms.float32), self.half_pi_over_warmup)
        else:
            # 1 - sqrt(1 - x) = x / (1 + sqrt(1 - x)) rises to the end, sqrt(1 - x) is the start's weight.
            w_start = ops.sqrt(x_start)
            w_end = x_end / (1.0 + w_start)
        return self.start * w_start + self.peak * w_end

    def value(self, step: Tensor) -> Tensor:
        if self.phase_lr is not None:
            return self.phase_lr.at(step)
        done = ops.minimum(ops.maximum(step - self.decay_start, 0), self.decay_steps)
        w_top, w_floor = self.shape.weights(done, self.decay_steps - done)
        lr = self.ends.mix(w_floor, w_top, self._stable(step))
        if self.ramp is None:
            return lr
        return ops.where(step < self.ramp.length_step, self._warmup(step), lr)

    def repeats(self) -> Repeats:
        return Repeats(self.decay_start + self.decay_steps)

    def phases(self) -> Optional[List[Phase]]:
        return self.phase_list

    def plateau(self) -> Optional[Tuple[int, int]]:
        # A flat stable phase: from the warmup's end to the decay's start, no decay step done, the same float32 lr.
        if self.stable != "constant" or self.decay_start == self.warmup_steps:
            return None
        return self.warmup_steps, self.decay_start

    def boundaries(self, last: int) -> List[int]:
        marks = {self.warmup_steps, self.decay_start, self.decay_start + self.decay_steps} - {0}
        return sorted(m for m in marks if m <= last)


def _wsd_phases(warmup_steps: int, stable_steps: int, decay_steps: int, peak: float, floor: float, start: float,
                warmup: str, stable: str, decay: str) -> Optional[List[Phase]]:
    """A warmup rising to ``peak`` (linear, or cosine: ``sin**2`` of the steps done), ``peak`` held, a decay falling
    to ``floor`` (linear, or cosine: ``sin**2`` of the steps left), ``floor`` held after it, as phases of one table;
    ``None`` for the other shapes, a decaying stable phase, a warmup that falls or a decay that rises."""
    if warmup not in ("linear", "cosine") or decay not in ("linear", "cosine") or stable != "constant" \
            or start > peak or floor > peak:
        return None
    decay_start, end = warmup_steps + stable_steps, warmup_steps + stable_steps + decay_steps
    phases = []
    if warmup_steps:
        phases.append((ramp_up if warmup == "linear" else cosine_up)(0, warmup_steps, start, peak))
    if stable_steps:
        phases.append(held(warmup_steps, peak))
    phases.append((linear_down if decay == "linear" else cosine_down)(decay_start, end, floor, peak))
    return phases + [held(end, floor)]


class InverseSqrtLR(Schedule, reference=inverse_sqrt):
    r"""Linear warmup to ``peak_lr``, then decay as :math:`1/\sqrt{k}` (Transformer/Noam, fairseq, T5).

    .. math::
        \eta_k = \begin{cases} s + (p - s)\, k / W & k < W \\
        p \sqrt{\tau / (k - W + \tau)} & k \ge W \end{cases}

    The timescale :math:`\tau` is ``W`` unless given (then :math:`p\sqrt{W / k}`); a warmup of 0 steps needs a
    ``timescale``. Noam's ``d_model**-0.5 * min(k**-0.5, k * W**-1.5)`` (with steps counted from 1) is
    ``InverseSqrtLR(d_model**-0.5 * W**-0.5, W)`` on the step + 1; T5's ``1 / sqrt(max(k, W))`` is
    ``InverseSqrtLR(W**-0.5, W, start_lr=W**-0.5)``.

    Args:
        peak_lr (float): The lr at step ``W``.
        warmup_steps (int): ``W >= 0``.
        start_lr (float): The lr at step 0. Default: ``0.0``.
        timescale (int): :math:`\tau \ge 1`. Default: ``None``, ``W``.

    Raises:
        ValueError: If ``warmup_steps`` is negative, or 0 without a ``timescale``, or an lr is negative or not finite.

    Examples:
        >>> import ms_lr
        >>> ms_lr.evaluate(ms_lr.InverseSqrtLR(1.0, warmup_steps=4), [0, 2, 4, 16]).astype(float).round(5).tolist()
        [0.0, 0.5, 1.0, 0.5]
    """

    def __init__(self, peak_lr: Lr, warmup_steps: Steps, start_lr: Lr = 0.0,
                 timescale: Optional[PositiveSteps] = None):
        super().__init__()
        if warmup_steps == 0 and timescale is None:
            raise ValueError("warmup_steps=0 needs a timescale (the decay's scale is warmup_steps unless given); "
                             "give timescale, e.g. 10000")
        self.warmup_steps = warmup_steps
        tau = timescale or warmup_steps
        # p sqrt(tau / (max(k, W) - W + tau)) = p sqrt(tau) * rsqrt(max(k, W) + (tau - W)): the constants folded in
        # float64, one cast of the step shared with the ramp, no division.
        # (A peak near float32's limit keeps the two factors apart: their product would overflow.)
        fused = peak_lr * math.sqrt(tau) <= FLOAT32_MAX
        self.scale = f32(peak_lr * math.sqrt(tau)) if fused else None
        self.peak, self.root_tau = f32(peak_lr), f32(math.sqrt(tau))
        self.warmup_end = f32(warmup_steps)
        self.shift = f32(tau - warmup_steps) if tau != warmup_steps else None
        # A warmup past 2**22 steps longer than tau: near its end the denominator (about tau) is smaller than the
        # rounding of a float32 step there, so the steps since the warmup are counted in int32 first (exact).
        self.exact_offset = warmup_steps > max(tau, 2**22)
        self.warmup_step, self.tau = i32(warmup_steps), f32(tau)
        self.ramp = Ramp(start_lr, peak_lr, warmup_steps) if warmup_steps else None

    def value(self, step: Tensor) -> Tensor:
        # Exact below 2**24; above it one rounding (6e-8 relative), halved by the square root.
        if self.exact_offset:
            denominator = ops.cast(ops.maximum(step, self.warmup_step) - self.warmup_step, ms.float32) + self.tau
        else:
            denominator = ops.cast(step, ms.float32)
            if self.warmup_steps:               # (the step is never negative: no maximum without a warmup)
                denominator = ops.maximum(denominator, self.warmup_end)
            if self.shift is not None:
                denominator = denominator + self.shift
        if self.scale is None:
            decayed = self.peak * (self.root_tau * ops.rsqrt(denominator))
        else:
            decayed = self.scale * ops.rsqrt(denominator)
        if self.ramp is not None and self.ramp.rising:
            # The decay is held at the peak through the warmup (its denominator clamped to tau there), and under it
            # after: the smaller of it and the ramp extended.
            return warmed_under(self.ramp, step, decayed)
        return warmed(self.ramp, step, decayed)

    def boundaries(self, last: int) -> List[int]:
        return [self.warmup_steps] if 0 < self.warmup_steps <= last else []

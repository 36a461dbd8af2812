"""Cyclical schedules: CyclicLR (triangular, triangular2, exp_range) and the one-cycle policy."""
import math
import warnings
from typing import Annotated, List, Literal, Optional

import mindspore as ms
import numpy as np
from mindspore import Tensor, ops

from ms_lr.core.arguments import INT32_MAX, Decay, IntRule, Lr, MomentumRule, PositiveSteps, RealRule, check_lr_fits
from ms_lr.core.schedule import Schedule
from ms_lr.core.settled import Repeats
from ms_lr.graph.constants import f32, i32
from ms_lr.graph.phases import Phase, cosine_down, cosine_up, held, linear_down, phase_table, ramp_up
from ms_lr.graph.powers import IntegerPower
from ms_lr.graph.search import SortedSteps
from ms_lr.graph.waves import ScaledWaves, heights_needed
from ms_lr.reference.cyclic import cyclic, cyclic_momentum, one_cycle, one_cycle_momentum
from ms_lr.schedules.equivalent import Equivalent

__all__ = ["CyclicLR", "OneCycleLR", "CyclicMomentum", "OneCycleMomentum", "momentum_schedule", "cannot_cycle",
           "cycled_twice"]
#: The family the catalogue (the schedules guide's table, ``python -m ms_lr list``) shows this module's schedules under.
FAMILY = "cyclic"

AnnealStrategy = Literal["cos", "linear"]
Positive = Annotated[float, RealRule(low=0.0, low_open=True)]
#: A momentum or Adam's beta1: a normal float32 number in [0, 1].
Momentum = Annotated[float, MomentumRule()]
_WARNED: set = set()


def _momentum_notice(name: str) -> None:
    """Once per class and process: the default cycle_momentum=True only reaches the optimizer through ms_lr."""
    if name in _WARNED:
        return
    _WARNED.add(name)
    warnings.warn(f"{name} cycles the optimizer's momentum (or Adam's beta1) by default, as torch's does "
                  f"(cycle_momentum=True). A mindspore.nn optimizer applies it once passed through "
                  f"ms_lr.share_schedules(optimizer), a torch-style one through ms_lr.LRScheduler; to schedule the "
                  f"lr only, pass cycle_momentum=False.", UserWarning, stacklevel=4)


def cannot_cycle(schedule: Schedule, holder: str, missing: str) -> ValueError:
    """torch's error for momentum cycling on an optimizer without momentum or betas, with the fix."""
    return ValueError(f"{type(schedule).__name__} cycles momentum (cycle_momentum=True, as in torch), but {holder} "
                      f"has neither {missing}; pass cycle_momentum=False to schedule the lr only")


def cycled_twice(schedule: Schedule, name: str) -> ValueError:
    """A hyperparameter given a schedule and cycled by a momentum-cycling lr schedule too."""
    return ValueError(f"{name} is given, and {type(schedule).__name__} cycles it too (cycle_momentum=True); give "
                      f"one: cycle_momentum=False, or no {name}=")


def momentum_schedule(schedule: Schedule) -> Optional[Schedule]:
    """The momentum curve a schedule cycles along with its lr (``OneCycleLR`` and ``CyclicLR`` with
    ``cycle_momentum=True``), else ``None``."""
    curve = getattr(schedule, "momentum_curve", None)
    return curve() if callable(curve) else None


class CyclicLR(Schedule, reference=cyclic, torch="lr_scheduler.CyclicLR"):
    r"""Cyclical learning rate (Smith 2017), as ``torch.optim.lr_scheduler.CyclicLR``, momentum cycling included.

    A cycle is ``step_size_up`` steps rising linearly from ``base_lr`` to ``max_lr`` and ``step_size_down`` steps
    back. The amplitude is scaled per mode: ``triangular`` 1; ``triangular2`` halves it every cycle
    (:math:`2^{-c}`); ``exp_range`` multiplies it by :math:`\gamma^k` (``k`` the step).

    .. math::
        \eta_k = \eta_{base} + (\eta_{max} - \eta_{base})\, h(p)\, s, \quad p = k \bmod (U + D), \quad
        h(p) = \begin{cases} p / U & p \le U \\ (U + D - p) / D & p > U \end{cases}

    Cycle and position are int32 (exact at every step); torch's own custom ``scale_fn`` is covered by
    :class:`LambdaLR`. A ``triangular2`` or ``exp_range`` wave is ``base_lr + heights[c] * shape[p]``: its scale
    splits into a factor of the cycle ``c`` and one of the position ``p`` (``gamma**k = gamma**(c T) gamma**p``), each
    table rounded once from float64 (at most 2**20 entries together). It settles in float32 once a cycle's wave is
    under a quarter of an ulp of ``base_lr`` (``base_lr + x`` then rounds to ``base_lr``; from ``base_lr = 0``, under
    float32's smallest normal number): from there it is a lookup where that is near (``repeats()`` says where), the
    float64 truth within half an ulp of it. As in torch, ``max_lr`` may be below ``base_lr`` (the waves then point
    down): down to ``base_lr / 2`` the same tables; further, or where the tables would pass their limit, the formula
    (the exact power of the step), whose lr is mixed as ``base * (1 - h s) + max * h s`` with ``1 - h s`` summed from
    exact parts, so a ``max_lr`` far below ``base_lr`` keeps its relative precision.

    Args:
        base_lr (float): The lr at the start of every cycle.
        max_lr (float): The other end of the wave (reached with scale 1).
        step_size_up (int): Steps from ``base_lr`` to ``max_lr``, ``U >= 1``. Default: ``2000``.
        step_size_down (int): Steps back, ``D >= 1``. Default: ``None`` (= ``step_size_up``).
        mode (str): ``'triangular'``, ``'triangular2'`` or ``'exp_range'``. Default: ``'triangular'``.
        gamma (float): ``exp_range`` factor per step, ``0 < gamma <= 1``. Default: ``1.0``.
        cycle_momentum (bool): Cycle the optimizer's momentum too, as torch does. Default: ``True``.
        base_momentum (float): The momentum at the lr's peak, in ``[0, 1]``. Default: ``0.8``.
        max_momentum (float): The momentum at the start of every cycle, in ``[0, 1]``. Default: ``0.9``.

    Raises:
        ValueError: If a step size is < 1, ``U + D > 2**31 - 1``, ``mode`` is unknown, ``gamma`` is outside
            ``(0, 1]`` or an lr is negative or not finite.

    Examples:
        >>> import ms_lr
        >>> sched = ms_lr.CyclicLR(0.0, 1.0, step_size_up=2, step_size_down=1, mode="triangular2")
        >>> ms_lr.evaluate(sched, range(7)).astype(float).round(5).tolist()
        [0.0, 0.5, 1.0, 0.0, 0.25, 0.5, 0.0]
    """

    def __init__(self, base_lr: Lr, max_lr: Lr, step_size_up: PositiveSteps = 2000,
                 step_size_down: Optional[PositiveSteps] = None,
                 mode: Literal["triangular", "triangular2", "exp_range"] = "triangular", gamma: Decay = 1.0,
                 cycle_momentum: bool = True, base_momentum: Momentum = 0.8, max_momentum: Momentum = 0.9):
        super().__init__()
        if cycle_momentum:
            _momentum_notice("CyclicLR")
        down = _step_size_down(step_size_up, step_size_down)
        self.up, self.total = step_size_up, step_size_up + down
        self.total_steps = i32(self.total)
        self.inv_up, self.inv_down = f32(1.0 / step_size_up), f32(1.0 / down)
        self.base_lr, self.max_lr, self.height = f32(base_lr), f32(max_lr), f32(max_lr - base_lr)
        self.two, self.quarter = f32(2.0), f32(0.25)
        self.rising = max_lr >= base_lr
        self.mode = mode
        self.scale = {"triangular": None, "triangular2": IntegerPower(0.5), "exp_range": IntegerPower(gamma)}[mode]
        # exp_range's 1 - gamma**k, needed to relative precision when the waves point down. With u = -k ln(gamma),
        # 1 - e**-u = 2 sinh(u / 2) sqrt(e**-u): no cancellation, and sinh is accurate on MindSpore's CPU (6e-8; its
        # tanh saturates to 1.0 at 5 and its expm1 is exp - 1). Once gamma**k < 1/4, 1 - gamma**k cannot cancel.
        self.half_log = f32(-0.5 * math.log(gamma)) if mode == "exp_range" else None
        self.waves = _scaled_waves(base_lr, max_lr, step_size_up, down, mode, gamma)

    def value(self, step: Tensor) -> Tensor:
        if self.waves is not None:
            return self.waves.at(step)
        cycle = ops.floor_div(step, self.total)
        position = step - cycle * self.total_steps
        rising = position <= self.up
        w_max = ops.where(rising, ops.cast(position, ms.float32) * self.inv_up,
                          ops.cast(self.total - position, ms.float32) * self.inv_down)
        if self.mode == "triangular2":
            scale = self.scale.of(cycle)
        elif self.mode == "exp_range":
            scale = self.scale.of(step)
        else:
            scale = None
        if self.rising:
            return self.base_lr + self.height * (w_max if scale is None else w_max * scale)
        w_base = ops.where(rising, ops.cast(self.up - position, ms.float32) * self.inv_up,
                           ops.cast(position - self.up, ms.float32) * self.inv_down)
        if scale is None:
            return self.base_lr * w_base + self.max_lr * w_max
        if self.mode == "triangular2":
            unscaled = 1.0 - scale                      # 1 - 2**-c is exact in float32
        else:
            half = ops.minimum(ops.cast(step, ms.float32) * self.half_log, 1.0)   # the bound keeps sinh finite
            unscaled = ops.where(scale < self.quarter, 1.0 - scale, self.two * ops.sinh(half) * ops.sqrt(scale))
        return self.base_lr * (w_base + w_max * unscaled) + self.max_lr * (w_max * scale)

    def repeats(self) -> Optional[Repeats]:
        # The triangular waves repeat. triangular2 and exp_range shrink theirs every cycle or step, and their float32
        # lr stops moving once the scale s is small enough: the scaled waves' where their heights become 0; the
        # formula's as follows. A rising wave is base_lr + x, which rounds to base_lr
        # for every x the formula can give once the wave's height is under a quarter of an ulp of base_lr: settled. A
        # falling one (a momentum's) is base_lr * (w_base + w_max * (1 - s)) + max_lr * w_max * s, whose two weights
        # do not sum to 1 exactly: once 1 - s rounds to 1 and the last term is under a quarter of an ulp, it is
        # base_lr * (w_base + w_max), a function of the position in the cycle alone: periodic.
        c = self._config
        if self.scale is None or (c["mode"] == "exp_range" and c["gamma"] == 1.0):
            return Repeats(0, self.total)
        if c["max_lr"] == c["base_lr"]:
            return Repeats(0, 1)
        if self.waves is not None:
            # Settled where the waves' heights have become 0 (a cycle's whole wave rounds away beside base_lr).
            return self.waves.repeats()
        unit = self.total if c["mode"] == "triangular2" else 1      # the power counts cycles or steps
        # Where the scale's power (its own error bounds included, IntegerPower.under_from) keeps the wave's term
        # under each limit; the weights and products round within 4e-7, inside the power's margin.
        if self.rising:
            limits = [float(np.spacing(np.float32(c["base_lr"]))) / 4 / (c["max_lr"] - c["base_lr"])]
            period = 1
        else:
            # 1 - s rounds to 1 below 2**-25 (2**-26 for a margin); the quarter ulp is of the lowest value
            # base_lr * (w_base + w_max) can take, which may sit under a power of two base_lr is on.
            quarter_ulp = float(np.spacing(np.float32(c["base_lr"] * (1 - 1e-6)))) / 4
            limits = [2.0**-26] + ([quarter_ulp / c["max_lr"]] if c["max_lr"] else [])
            period = self.total
        counts = [self.scale.under_from(limit) for limit in limits]
        if None in counts or max(counts) * unit > INT32_MAX:
            return None
        return Repeats(max(counts) * unit, period)

    def boundaries(self, last: int) -> List[int]:
        starts = range(0, last + 1, self.total)
        return sorted(m for s in starts for m in (s, s + self.up) if 0 < m <= last)

    def momentum_curve(self) -> Optional["CyclicMomentum"]:
        """The momentum this schedule cycles (``None`` with ``cycle_momentum=False``)."""
        c = self._config
        if not c["cycle_momentum"]:
            return None
        return CyclicMomentum(c["base_momentum"], c["max_momentum"], c["step_size_up"], c["step_size_down"],
                              c["mode"], c["gamma"])


def _scaled_waves(base_lr: float, max_lr: float, up: int, down: int, mode: str,
                  gamma: float) -> Optional[ScaledWaves]:
    """A shrinking wave as ``base_lr + heights[c] * shape[p]`` (:class:`~ms_lr.graph.waves.ScaledWaves`), or ``None``:
    for waves that do not shrink (``triangular``, ``exp_range`` with ``gamma == 1``, ``max_lr == base_lr``), where
    the tables would pass their limit, and for a wave pointing down below ``base_lr / 2``. That one is
    ``base_lr - |heights[c]| * shape[p]``, whose rounding of ``base_lr`` is relative to the lr at most 1 ulp times
    ``base_lr / max_lr``: within 4 ulps up to 2 (momenta such as 0.9 and 0.8), where the formula's two-weight mix
    keeps any ratio to relative precision."""
    if mode == "triangular" or gamma == 1.0 and mode == "exp_range" or max_lr == base_lr or base_lr > 2 * max_lr:
        return None
    total = up + down
    needed = heights_needed(total, max_lr - base_lr, 0.5 if mode == "triangular2" else gamma**total, base_lr)
    if not ScaledWaves.fits(total, needed):
        return None
    c = np.arange(needed, dtype=np.float64)
    p = np.arange(total, dtype=np.float64)
    # w(p) rises over the first up steps and falls back over the last down; exp_range's gamma**k splits into
    # gamma**(c T) for the cycle and gamma**p for the position.
    shape = np.where(p <= up, p / up, (total - p) / down)
    if mode == "triangular2":
        heights = (max_lr - base_lr) * np.exp2(-c)
    else:
        heights = (max_lr - base_lr) * np.power(gamma, c * total)
        shape = shape * np.power(gamma, p)
    return ScaledWaves(base_lr, heights, shape, total)


def _step_size_down(step_size_up: int, step_size_down: Optional[int]) -> int:
    """The steps back (``step_size_up`` when not given), checked so that a cycle fits the int32 step range."""
    down = step_size_up if step_size_down is None else step_size_down
    if step_size_up + down > INT32_MAX:
        raise ValueError(f"step_size_up + step_size_down must be <= 2**31 - 1, got {step_size_up + down}")
    return down


class CyclicMomentum(Equivalent, reference=cyclic_momentum):
    r"""The momentum ``CyclicLR`` cycles, as torch's ``CyclicLR(cycle_momentum=True)`` sets it: the lr's wave
    mirrored, from ``max_momentum`` at each cycle's start down to ``base_momentum`` at the lr's peak.

    .. math:: m_k = m_{max} - (m_{max} - m_{base})\, h(p)\, s

    with :math:`h` and :math:`s` the lr's wave and scale (see :class:`CyclicLR`). Underneath it is
    ``CyclicLR(max_momentum, base_momentum, ...)``, a wave pointing down: exact int32 positions, no cancellation.
    Drive any optimizer hyperparameter with it through :func:`ms_lr.share_schedules` or :class:`ms_lr.LRScheduler`.

    Args:
        base_momentum (float): The lowest momentum (at the lr's peak), in ``[0, 1]``.
        max_momentum (float): The momentum at each cycle's start, in ``[0, 1]``.
        step_size_up (int): Steps of the lr's rise, ``U >= 1``. Default: ``2000``.
        step_size_down (int): Steps back, ``D >= 1``. Default: ``None`` (= ``step_size_up``).
        mode (str): ``'triangular'``, ``'triangular2'`` or ``'exp_range'``. Default: ``'triangular'``.
        gamma (float): ``exp_range`` factor per step, ``0 < gamma <= 1``. Default: ``1.0``.

    Raises:
        ValueError: If a step size is < 1, ``U + D > 2**31 - 1``, ``mode`` is unknown, ``gamma`` is outside
            ``(0, 1]`` or a momentum is outside ``[0, 1]``.

    Examples:
        >>> import ms_lr
        >>> curve = ms_lr.CyclicMomentum(0.8, 0.9, step_size_up=2)
        >>> ms_lr.evaluate(curve, range(5)).astype(float).round(5).tolist()
        [0.9, 0.85, 0.8, 0.85, 0.9]
    """

    def __init__(self, base_momentum: Momentum, max_momentum: Momentum, step_size_up: PositiveSteps = 2000,
                 step_size_down: Optional[PositiveSteps] = None,
                 mode: Literal["triangular", "triangular2", "exp_range"] = "triangular", gamma: Decay = 1.0):
        super().__init__()
        _step_size_down(step_size_up, step_size_down)   # checked here, so the error names this class
        self.native = CyclicLR(max_momentum, base_momentum, step_size_up, step_size_down, mode, gamma,
                               cycle_momentum=False)


def one_cycle_total(total_steps: Optional[int], epochs: Optional[int], steps_per_epoch: Optional[int]) -> int:
    """The cycle's steps, from torch's two forms: ``total_steps``, or ``epochs * steps_per_epoch``."""
    if total_steps is not None:
        return total_steps
    if epochs is None or steps_per_epoch is None:
        raise ValueError("total_steps must be given, or epochs and steps_per_epoch (their product is the cycle's "
                         "steps), as torch's OneCycleLR takes them")
    if not 2 <= epochs * steps_per_epoch <= INT32_MAX:
        raise ValueError(f"epochs * steps_per_epoch = {epochs * steps_per_epoch} must be in [2, 2**31 - 1]")
    return epochs * steps_per_epoch


def one_cycle_phases(total_steps: int, pct_start: float, three_phase: bool) -> List[tuple]:
    """torch's OneCycleLR phase end steps (floats, as torch computes them) and the lr names at each phase's ends."""
    if three_phase:
        return [(float(pct_start * total_steps) - 1, "initial", "max"),
                (float(2 * pct_start * total_steps) - 2, "max", "initial"),
                (total_steps - 1, "initial", "min")]
    return [(float(pct_start * total_steps) - 1, "initial", "max"), (total_steps - 1, "max", "min")]


def _anneal_phases(values: dict, phases: List[tuple], linear: bool) -> Optional[List[Phase]]:
    """torch's one-cycle phases as phases of one table (:mod:`ms_lr.graph.phases`), then the last value held; ``None``
    where a phase ends between steps (its anchor would not be a whole step). A phase from ``a`` to ``b`` is a line or
    a half-cosine rising from ``a`` (anchored at its start) or falling to ``b`` (anchored at its end), its value at each
    step the anneal function of torch's progress (``(k - start) / (end - start)``)."""
    if any(end != math.floor(end) for end, _, _ in phases):
        return None
    table, start = [], 0
    for end, a, b in phases:
        end, first, last = int(end), values[a], values[b]
        if last >= first:
            table.append((ramp_up if linear else cosine_up)(start, end - start, first, last))
        else:
            table.append((linear_down if linear else cosine_down)(start, end, last, first))
        start = end
    return table + [held(start, values[phases[-1][2]])]


class _OneCyclePhases(Schedule, abstract=True):
    """torch's one-cycle phases between named values (``initial``, ``max``, ``min``), the lr's and the momentum's."""

    def _set_phases(self, values: dict, total_steps: int, pct_start: float, anneal_strategy: str,
                    three_phase: bool) -> None:
        phases = one_cycle_phases(total_steps, pct_start, three_phase)
        starts = [0.0] + [end for end, _, _ in phases[:-1]]
        for start, (end, _, _) in zip(starts, phases):
            if not end - start > 0:   # torch divides by each phase's length
                raise ValueError(f"pct_start={pct_start} with total_steps={total_steps} leaves a phase without steps "
                                 f"(phase ends {[p[0] for p in phases]})")
        self.last_step = total_steps - 1
        self.linear = anneal_strategy == "linear"
        # A step k is in the first phase with k <= end, i.e. k <= floor(end): its index counts the phases that end
        # before k, those with floor(end) + 1 <= k.
        self.later_starts = [math.floor(end) + 1 for end, _, _ in phases[:-1]]
        self.top = max(values.values())
        # Phase ends on whole steps (pct_start * total_steps an integer, as with the defaults): each phase a line or
        # a half-cosine of one phase table, anchored at exact int32 steps (10 kernels for the cos lr, counted from
        # the compiled graph, against 13 for the formula below with its fractions left out). Otherwise the formula.
        self.phase_list = _anneal_phases(values, phases, self.linear)
        self.phase_lr = phase_table(self.phase_list) if self.phase_list is not None else None
        if self.phase_lr is not None:
            return
        self.ended = SortedSteps(self.later_starts)
        # Per phase, two rows, one per weight: the steps left and the steps done, each an exact integer plus a
        # fraction (no cancellation, even in a phase shorter than a step). Row 0 is the end, floor(end) plus its
        # fraction, minus the step; row 1 the start, ceil(start) minus the step, less the gap ceil(start) - start:
        # minus the steps done, made positive by a negative scale (negation is exact, so this is the same float
        # arithmetic as step - start + gap). Both rows go through each kernel together, and the lr is the sum of
        # the rows' weights times the phase's end values. The cos formula's graph launches 15 kernels this way, 24
        # with one row at a time (counted from the compiled graph).
        self.phase_anchors = Tensor(np.array([[math.floor(e) for e, _, _ in phases],
                                           [math.ceil(s) for s in starts]], dtype=np.int32))
        fractions = np.array([[e - math.floor(e) for e, _, _ in phases], [s - math.ceil(s) for s in starts]])
        self.phase_fractions = Tensor(fractions.astype(np.float32))
        lengths = [e - s for s, (e, _, _) in zip(starts, phases)]
        scales = [(1.0 if self.linear else math.pi / 2) / d for d in lengths]
        self.phase_scales = Tensor(np.array([scales, [-x for x in scales]], dtype=np.float32))
        self.end_values = Tensor(np.array([[values[a] for _, a, _ in phases], [values[b] for _, _, b in phases]],
                                          dtype=np.float32))

    def value(self, step: Tensor) -> Tensor:
        if self.phase_lr is not None:
            return self.phase_lr.at(step)
        step = ops.minimum(step, self.last_step)
        phase = self.ended.count_up_to(step)
        counts = ops.cast(ops.gather(self.phase_anchors, phase, 1) - step, ms.float32)
        counts = counts + ops.gather(self.phase_fractions, phase, 1)
        angles = counts * ops.gather(self.phase_scales, phase, 1)
        if self.linear:
            weights = angles
        else:
            sines = ops.sin(angles)
            weights = sines * sines
        return ops.reduce_sum(weights * ops.gather(self.end_values, phase, 1), 0)

    def phases(self) -> Optional[List[Phase]]:
        return self.phase_list

    def upper_bound(self) -> float:
        return self.top

    def repeats(self) -> Repeats:
        return Repeats(self.last_step)

    def boundaries(self, last: int) -> List[int]:
        marks = self.later_starts + [self.last_step]
        return sorted(m for m in set(marks) if 0 < m <= last)


class OneCycleLR(_OneCyclePhases, reference=one_cycle, torch="lr_scheduler.OneCycleLR"):
    r"""The 1cycle policy, as ``torch.optim.lr_scheduler.OneCycleLR``, momentum cycling included.

    From ``initial = max_lr / div_factor`` up to ``max_lr`` over the first phase, then down to
    ``min = initial / final_div_factor`` (with ``three_phase``: down to ``initial``, then to ``min``). Phase ends are
    torch's float steps (``pct_start * total_steps - 1``, ...); a step belongs to the first phase whose end it does
    not pass. Within a phase of float length :math:`D`, at float progress :math:`t`,

    .. math::
        \text{cos}: \; \eta = \eta_{end} + \tfrac12(\eta_{start} - \eta_{end})(1 + \cos \pi t / D), \qquad
        \text{linear}: \; \eta = \eta_{start} + (\eta_{end} - \eta_{start})\, t / D

    evaluated as weights on the exact integer parts of the steps done and left plus the phase ends' fractions.

    **Past the end:** torch raises once stepped beyond ``total_steps``; this schedule holds the final lr (``min``)
    from step ``total_steps - 1`` on, so a run longer than planned keeps training at the floor.

    **Momentum:** as torch's, it cycles the optimizer's momentum by default (``cycle_momentum=True``): from
    ``max_momentum`` down to ``base_momentum`` while the lr rises, and back (:class:`OneCycleMomentum`,
    :meth:`momentum_curve`). The momentum reaches the optimizer through :func:`ms_lr.share_schedules`
    (``mindspore.nn``: ``momentum`` of ``Momentum``/``SGD``, ``beta1`` of ``Adam``/``AdamWeightDecay``) or
    :class:`ms_lr.LRScheduler` (torch-style optimizers); the lr alone is the schedule's value. fastai's
    ``fit_one_cycle`` is ``OneCycleLR(lr_max, N, pct_start=0.25, div_factor=25.0, final_div_factor=1e5)`` with
    the default momenta 0.95/0.85.

    Args:
        max_lr (float): The peak lr.
        total_steps (int): Steps in the cycle, ``>= 2``. Default: ``None``: ``epochs * steps_per_epoch``, torch's
            other form (``total_steps`` wins where both are given, as in torch).
        epochs (int): Epochs of the cycle, with ``steps_per_epoch``. Default: ``None``.
        steps_per_epoch (int): Optimizer steps per epoch, with ``epochs``. Default: ``None``.
        pct_start (float): Fraction of the steps spent rising, in ``(0, 1)``. Default: ``0.3``.
        anneal_strategy (str): ``'cos'`` or ``'linear'``. Default: ``'cos'``.
        div_factor (float): ``initial = max_lr / div_factor``, ``> 0``. Default: ``25.0``.
        final_div_factor (float): ``min = initial / final_div_factor``, ``> 0``. Default: ``1e4``.
        three_phase (bool): Use torch's three-phase variant. Default: ``False``.
        cycle_momentum (bool): Cycle the optimizer's momentum too, as torch does. Default: ``True``.
        base_momentum (float): The momentum at the lr's peak, in ``[0, 1]``. Default: ``0.85``.
        max_momentum (float): The momentum at the start and the end, in ``[0, 1]``. Default: ``0.95``.

    Raises:
        ValueError: If neither ``total_steps`` nor ``epochs`` and ``steps_per_epoch`` are given, ``total_steps < 2``,
            ``pct_start`` is outside ``(0, 1)`` or leaves a phase without steps, a divisor is not positive or takes
            ``initial``/``min`` beyond float32, ``anneal_strategy`` is unknown, or ``max_lr`` is negative or not
            finite.

    Examples:
        >>> import ms_lr
        >>> sched = ms_lr.OneCycleLR(1.0, total_steps=5, pct_start=0.4, anneal_strategy="linear", div_factor=10.0,
        ...                          final_div_factor=1.0)
        >>> ms_lr.evaluate(sched, range(7)).astype(float).round(5).tolist()
        [0.1, 1.0, 0.7, 0.4, 0.1, 0.1, 0.1]
    """

    def __init__(self, max_lr: Lr, total_steps: Optional[Annotated[int, IntRule(low=2)]] = None,
                 epochs: Optional[PositiveSteps] = None, steps_per_epoch: Optional[PositiveSteps] = None,
                 pct_start: Annotated[float, RealRule(0.0, 1.0, low_open=True, high_open=True)] = 0.3,
                 anneal_strategy: AnnealStrategy = "cos", div_factor: Positive = 25.0,
                 final_div_factor: Positive = 1e4, three_phase: bool = False, cycle_momentum: bool = True,
                 base_momentum: Momentum = 0.85, max_momentum: Momentum = 0.95):
        super().__init__()
        total_steps = one_cycle_total(total_steps, epochs, steps_per_epoch)
        self.total_steps = total_steps
        if cycle_momentum:
            _momentum_notice("OneCycleLR")
        initial = check_lr_fits("div_factor", max_lr / div_factor, "the initial lr max_lr / div_factor")
        lowest = check_lr_fits("final_div_factor", initial / final_div_factor,
                               "the final lr max_lr / div_factor / final_div_factor")
        self._set_phases({"initial": initial, "max": max_lr, "min": lowest}, total_steps, pct_start,
                         anneal_strategy, three_phase)

    def momentum_curve(self) -> Optional["OneCycleMomentum"]:
        """The momentum this schedule cycles (``None`` with ``cycle_momentum=False``)."""
        c = self._config
        if not c["cycle_momentum"]:
            return None
        return OneCycleMomentum(self.total_steps, c["pct_start"], c["anneal_strategy"], c["base_momentum"],
                                c["max_momentum"], c["three_phase"])


class OneCycleMomentum(_OneCyclePhases, reference=one_cycle_momentum):
    r"""The momentum ``OneCycleLR`` cycles, as torch's ``OneCycleLR(cycle_momentum=True)`` sets it: from
    ``max_momentum`` down to ``base_momentum`` over the lr's rise, then back up (with ``three_phase``: back up over
    the second phase, then held at ``max_momentum``), on the lr's phases with the lr's anneal function.

    .. math:: m = m_{end} + \tfrac12 (m_{start} - m_{end})(1 + \cos \pi t / D) \quad \text{(cos; linear likewise)}

    Drive any optimizer hyperparameter with it through :func:`ms_lr.share_schedules` or :class:`ms_lr.LRScheduler`.

    Args:
        total_steps (int): Steps in the cycle, ``>= 2``.
        pct_start (float): Fraction of the steps the lr spends rising, in ``(0, 1)``. Default: ``0.3``.
        anneal_strategy (str): ``'cos'`` or ``'linear'``. Default: ``'cos'``.
        base_momentum (float): The momentum at the lr's peak, in ``[0, 1]``. Default: ``0.85``.
        max_momentum (float): The momentum at the start and the end, in ``[0, 1]``. Default: ``0.95``.
        three_phase (bool): torch's three-phase variant. Default: ``False``.

    Raises:
        ValueError: If ``total_steps < 2``, ``pct_start`` is outside ``(0, 1)`` or leaves a phase without steps,
            ``anneal_strategy`` is unknown, or a momentum is outside ``[0, 1]``.

    Examples:
        >>> import ms_lr
        >>> curve = ms_lr.OneCycleMomentum(5, pct_start=0.4, anneal_strategy="linear")
        >>> ms_lr.evaluate(curve, range(6)).astype(float).round(5).tolist()
        [0.95, 0.85, 0.88333, 0.91667, 0.95, 0.95]
    """

    def __init__(self, total_steps: Annotated[int, IntRule(low=2)],
                 pct_start: Annotated[float, RealRule(0.0, 1.0, low_open=True, high_open=True)] = 0.3,
                 anneal_strategy: AnnealStrategy = "cos", base_momentum: Momentum = 0.85,
                 max_momentum: Momentum = 0.95, three_phase: bool = False):
        super().__init__()
        self._set_phases({"initial": max_momentum, "max": base_momentum, "min": max_momentum}, total_steps,
                         pct_start, anneal_strategy, three_phase)

"""Composition: schedules in sequence, products and constant scaling, per-epoch stepping, a late start and a
cool-down from any step."""
from typing import Annotated, List, Literal, Optional, Sequence, Tuple, Union

from mindspore import Tensor, nn, ops

from ms_lr.core.arguments import FLOAT32_MAX, FLOAT32_TINY, INT32_MAX, IntListRule, Lr, PositiveSteps, Scale, Steps
from ms_lr.core.schedule import Schedule, ScheduleListRule
from ms_lr.core.settled import Repeats, joined, shifted
from ms_lr.graph.constants import f32
from ms_lr.graph.phases import Phase, cosine_down, held, linear_down, phase_table, shifted_phases
from ms_lr.graph.weights import DecayShape
from ms_lr.reference.compose import cooldown, offset, per_epoch, product, scaled, sequential
from ms_lr.schedules.constant import FixedLR

__all__ = ["SequentialLR", "Product", "Scaled", "PerEpoch", "Offset", "CooldownLR"]
#: The family the catalogue (the schedules guide's table, ``python -m ms_lr list``) shows this module's schedules under.
FAMILY = "composition"


def _as_schedules(parts: Sequence[Union[Schedule, float]]) -> List[Schedule]:
    """Plain lrs in a list of schedules as constant schedules."""
    return [part if isinstance(part, Schedule) else FixedLR(part) for part in parts]


def _bound_product(bounds: Sequence[Optional[float]]) -> Optional[float]:
    if any(b is None for b in bounds):
        return None
    result = 1.0
    for bound in bounds:
        result *= bound
    return result


def _lifted_from_underflow(schedule: Schedule, factor: Optional[float]) -> bool:
    """Whether ``schedule`` settles by falling below float32's smallest normal number and a factor of up to
    ``factor`` (``None``: unbounded) lifts its value there back above it. The product has then not settled where the
    schedule has (it settles a few decays later, at a step not worked out here)."""
    repeats = schedule.repeats()
    if repeats is None or repeats.period != 1:
        return False
    settled = float(schedule.reference([repeats.start])[0])
    return 0.0 < settled < FLOAT32_TINY and (factor is None or settled * factor >= FLOAT32_TINY)


def _factors(parts: Sequence[Schedule]) -> List[Schedule]:
    """The schedules a :class:`Product` multiplies in the graph, for the same product with fewer kernels and no
    detour through float32's subnormal range: nested products and scalings opened up; the constant factors
    (settled from step 0) multiplied in float64 and into the first factor that takes them
    (:meth:`Schedule.scaled_by`); the rest ordered so that the running product's bound keeps near 1 (a factor
    with a small bound before one with a large bound), where a product such as ``1e-30 * 1e-10 * 1e30``, taken in
    the order written, would be 0 after its first multiply."""
    opened: List[Schedule] = []
    constant = 1.0
    for part in parts:
        if isinstance(part, Product):
            opened.extend(part.schedules)
        elif isinstance(part, Scaled) and part.scaled is None:
            opened.append(part.schedule)
            constant *= part._config["scale"]
        elif isinstance(part, Scaled):
            opened.append(part.scaled)
        else:
            opened.append(part)
    varying = []
    for part in opened:
        if part.repeats() == (0, 1) and not part.holds_parameters():
            constant *= float(part.reference([0])[0])
        else:
            varying.append(part)
    if not constant <= FLOAT32_MAX:
        # Only reachable where a schedule declares no bound (a LambdaLR), which left the whole product unchecked.
        raise ValueError(f"schedules holds constant factors that multiply to {constant:.4g}, beyond float32's "
                         f"largest value {FLOAT32_MAX:.4g}: give the lr as one factor that fits float32")
    if constant != 1.0 or not varying:
        for i, part in enumerate(varying):
            scaled = part.scaled_by(constant)
            if scaled is not None:
                varying[i] = scaled
                break
        else:
            # float32 holds no constant under its smallest normal number: it is 0 in the product.
            varying.append(FixedLR(constant if constant >= FLOAT32_TINY else 0.0))
    bounds = [part.upper_bound() for part in varying]
    if len(varying) < 3 or None in bounds:
        return varying
    ordered, running, rest = [], 1.0, list(zip(bounds, range(len(varying))))
    while rest:
        pick = min(rest) if running >= 1.0 else max(rest)
        rest.remove(pick)
        running *= pick[0]
        ordered.append(varying[pick[1]])
    return ordered


class SequentialLR(Schedule, reference=sequential):
    r"""Schedules one after another, as ``torch.optim.lr_scheduler.SequentialLR``.

    Schedule ``i`` runs from milestone ``i - 1`` (0 for the first) and restarts from its own step 0 there:

    .. math:: \eta_k = \text{schedules}_i(k - m_{i-1}), \quad m_{i-1} \le k < m_i

    Every schedule is evaluated on its own clamped step and the right one selected with ``where``, so there is no
    control flow in the graph.

    Args:
        schedules (list[Union[Schedule, float]]): Two or more schedules; a float is a constant lr.
        milestones (list[int]): ``len(schedules) - 1`` strictly increasing steps ``>= 1``.

    Raises:
        ValueError: If ``milestones`` has the wrong length, is not strictly increasing, or holds a step < 1.

    Examples:
        >>> import ms_lr
        >>> sched = ms_lr.SequentialLR([ms_lr.LinearLR(1.0, 0.5, 1.0, 2), ms_lr.ExponentialLR(1.0, 0.5)], [2])
        >>> ms_lr.evaluate(sched, range(5)).astype(float).round(5).tolist()
        [0.5, 0.75, 1.0, 0.5, 0.25]
    """

    def __init__(self, schedules: Annotated[Sequence[Union[Schedule, float]], ScheduleListRule(minimum=2, lrs=True)],
                 milestones: Annotated[Sequence[int], IntListRule(low=1, strictly_increasing=True)]):
        super().__init__()
        if len(milestones) != len(schedules) - 1:
            raise ValueError(f"milestones must have len(schedules) - 1 = {len(schedules) - 1} entries, "
                             f"got {len(milestones)}: {milestones}")
        self.schedules = nn.CellList(_as_schedules(schedules))
        self.starts = [0] + list(milestones)
        # Schedules of linear and cosine phases are one table: one search and one weight instead of every
        # schedule's formula and a select per milestone (linear to cosine at 5M steps: 12 kernels, not 14).
        phases = self.phases()
        self.phase_lr = phase_table(phases) if phases is not None else None

    def phases(self) -> Optional[List[Phase]]:
        parts: List[Phase] = []
        for schedule, start, end in zip(self.schedules, self.starts, self.starts[1:] + [INT32_MAX + 1]):
            own = schedule.phases()
            if own is None:
                return None
            parts += [phase for phase in shifted_phases(own, start) if phase.start < end]
        return parts

    def value(self, step: Tensor) -> Tensor:
        if self.phase_lr is not None:
            return self.phase_lr.at(step)
        out = self.schedules[0].at(step)
        for i in range(1, len(self.starts)):
            later = self.schedules[i].at(ops.maximum(step - self.starts[i], 0))
            out = ops.where(step >= self.starts[i], later, out)
        return out

    def repeats(self) -> Optional[Repeats]:
        return shifted(self.schedules[-1].repeats(), self.starts[-1])

    def boundaries(self, last: int) -> List[int]:
        marks = set()
        for i, (schedule, start) in enumerate(zip(self.schedules, self.starts)):
            end = self.starts[i + 1] - 1 if i + 1 < len(self.starts) else last
            marks |= {start + m for m in schedule.boundaries(min(end, last) - start) if start + m <= end}
            if 0 < start <= last:
                marks.add(start)
        return sorted(marks)


class Product(Schedule, reference=product, operator="schedule * schedule"):
    r"""The product of several schedules: a schedule times factor schedules (torch's ``ChainedScheduler`` use).

    .. math:: \eta_k = \prod_i \text{schedules}_i(k)

    Write factors as schedules with ``base_lr=1.0``: torch's ``ChainedScheduler([ConstantLR(opt, 0.1, 2),
    ExponentialLR(opt, 0.9)])`` on lr ``0.05`` is ``Product([ExponentialLR(0.05, 0.9), ConstantLR(1.0, 0.1, 2)])``,
    or ``ExponentialLR(0.05, 0.9) * ConstantLR(1.0, 0.1, 2)``. The product of the schedules' bounds must fit
    float32 (a :class:`LambdaLR` declares no bound: a product holding one cannot be checked, and keeping it in
    range is the lambda's job).

    Constant factors (numbers, schedules constant from step 0) are multiplied together in float64 and into the
    lrs of the first schedule that takes them when it is built (:meth:`Schedule.scaled_by`), so they launch no
    kernel; nested products are opened, and the schedules multiplied in an order that keeps the running product's
    bound near 1. The schedules' values are float32: one below float32's smallest normal number (1.18e-38) is 0 in
    the product.

    Args:
        schedules (list[Union[Schedule, float]]): One or more schedules; a float is a constant factor.

    Raises:
        ValueError: If the product of the schedules' upper bounds exceeds float32's largest value.

    Examples:
        >>> import ms_lr
        >>> sched = ms_lr.ExponentialLR(1.0, 0.5) * ms_lr.ConstantLR(1.0, factor=0.1, total_iters=2)
        >>> ms_lr.evaluate(sched, range(4)).astype(float).round(5).tolist()
        [0.1, 0.05, 0.25, 0.125]
    """

    def __init__(self, schedules: Annotated[Sequence[Union[Schedule, float]], ScheduleListRule(lrs=True)]):
        super().__init__()
        schedules = _as_schedules(schedules)
        bound = _bound_product([s.upper_bound() for s in schedules])
        if bound is not None and not bound <= FLOAT32_MAX:
            raise ValueError(f"schedules multiply to an lr of up to {bound:.4g} (the product of their upper bounds), "
                             f"beyond float32's largest value {FLOAT32_MAX:.4g}")
        self.schedules = nn.CellList(_factors(schedules))

    def value(self, step: Tensor) -> Tensor:
        out = self.schedules[0].at(step)
        for i in range(1, len(self.schedules)):
            out = out * self.schedules[i].at(step)
        return out

    def holds_negative_steps(self) -> bool:
        return all(part.takes_negative_steps for part in self.schedules)

    def scaled_by(self, factor: float) -> Optional[Schedule]:
        parts = list(self._config["schedules"])
        for i, part in enumerate(parts):
            scaled = part.scaled_by(factor) if isinstance(part, Schedule) else part * factor
            if scaled is None:
                continue
            try:
                return Product(parts[:i] + [scaled] + parts[i + 1:])
            except (TypeError, ValueError):
                continue
        return None

    def upper_bound(self) -> Optional[float]:
        # The written factors' bounds: a constant factor under float32's smallest normal number is 0 in the graph,
        # and not in the product this bounds.
        return _bound_product([part.upper_bound() if isinstance(part, Schedule) else part
                               for part in self._config["schedules"]])

    def repeats(self) -> Optional[Repeats]:
        parts = list(self.schedules)
        bounds = [s.upper_bound() for s in parts]
        for i, part in enumerate(parts):
            if _lifted_from_underflow(part, _bound_product(bounds[:i] + bounds[i + 1:])):
                return None
        return joined([s.repeats() for s in parts])

    def boundaries(self, last: int) -> List[int]:
        return sorted({m for s in self.schedules for m in s.boundaries(last)})


class Scaled(Schedule, reference=scaled, operator="schedule * number"):
    r"""A schedule times a constant: per-group and layer-wise learning rates from one schedule.

    .. math:: \eta_k = \text{scale} \cdot \text{schedule}(k)

    Layer-wise decay: ``[{'params': layer_i, 'lr': Scaled(base, decay ** (depth - i))} ...]``; also written
    ``base * 0.5``. ``scale`` times the schedule's upper bound must fit float32.

    The scale is multiplied into the schedule's lrs when it is built (:meth:`Schedule.scaled_by`: the same type
    with its lr arguments scaled), so the graph is the schedule's own, without a multiply, and a value that the
    scale lifts above float32's smallest normal number (1.18e-38) is exact from below it. A schedule with no lr
    argument (a momentum curve) or holding a Parameter (:class:`ReducibleLR`), or a scale below 1 that would take
    one of its lrs under 2**32 times that number (5e-29), is multiplied in the graph instead, in float32.

    Args:
        schedule (Schedule): The schedule to scale.
        scale (float): The constant factor: 0, or a normal float32 number (1.18e-38 to 3.4e38).

    Raises:
        ValueError: If ``scale`` is negative or not finite, or takes the lr beyond float32.

    Examples:
        >>> import ms_lr
        >>> ms_lr.evaluate(0.5 * ms_lr.StepLR(0.2, 1, 0.5), range(3)).astype(float).round(5).tolist()
        [0.1, 0.05, 0.025]
    """

    def __init__(self, schedule: Schedule, scale: Scale):
        super().__init__()
        bound = schedule.upper_bound()
        if bound is not None and not scale * bound <= FLOAT32_MAX:
            raise ValueError(f"scale={scale} times the schedule's upper bound {bound:.4g} is {scale * bound:.4g}, "
                             f"beyond float32's largest value {FLOAT32_MAX:.4g}")
        self.schedule = schedule
        # The schedule rebuilt with its lrs scaled where it can be: no multiply in the graph, and no value under
        # float32's smallest normal number lifted back above it (it would be 0 first). A plateau factor inside
        # (another Scaled's schedule) stays where it is: one path to its Parameter in the cell tree.
        scaled = schedule.scaled_by(scale)
        self.scaled = scaled if scaled is None or not scaled.holds_parameters() else None
        self.scale = f32(scale)

    def value(self, step: Tensor) -> Tensor:
        if self.scaled is not None:
            return self.scaled.at(step)
        return self.schedule.at(step) * self.scale

    def holds_negative_steps(self) -> bool:
        return self.scaled is not None and self.scaled.takes_negative_steps

    def scaled_by(self, factor: float) -> Optional[Schedule]:
        try:
            return Scaled(self.schedule, self._config["scale"] * factor)
        except (TypeError, ValueError):
            return None

    def repeats(self) -> Optional[Repeats]:
        if self.scaled is not None:
            return self.scaled.repeats()
        return None if _lifted_from_underflow(self.schedule, self._config["scale"]) else self.schedule.repeats()

    def plateau(self) -> Optional[Tuple[int, int]]:
        return self.scaled.plateau() if self.scaled is not None else None

    def upper_bound(self) -> Optional[float]:
        bound = self.schedule.upper_bound()
        return None if bound is None else self._config["scale"] * bound

    def boundaries(self, last: int) -> List[int]:
        return self.schedule.boundaries(last)


class PerEpoch(Schedule, reference=per_epoch):
    r"""Runs a schedule once per epoch: constant inside each epoch, as a torch scheduler stepped per epoch.

    .. math:: \eta_k = \text{schedule}(\lfloor k / \text{steps\_per\_epoch} \rfloor)

    The schedule's arguments are then in epochs: ``PerEpoch(CosineAnnealingLR(0.1, T_max=90), 500)`` is torch's
    ``CosineAnnealingLR(opt, T_max=90)`` with ``scheduler.step()`` after each 500-batch epoch. The epoch is an exact
    int32 division.

    Args:
        schedule (Schedule): A schedule whose step is the epoch.
        steps_per_epoch (int): Optimizer steps per epoch, ``>= 1``.

    Raises:
        ValueError: If ``steps_per_epoch < 1``.

    Examples:
        >>> import ms_lr
        >>> ms_lr.evaluate(ms_lr.PerEpoch(ms_lr.StepLR(1.0, 1, 0.5), 2), range(5)).astype(float).round(5).tolist()
        [1.0, 1.0, 0.5, 0.5, 0.25]
    """

    def __init__(self, schedule: Schedule, steps_per_epoch: PositiveSteps):
        super().__init__()
        self.schedule = schedule
        self.steps_per_epoch = steps_per_epoch

    def value(self, step: Tensor) -> Tensor:
        return self.schedule.at(ops.floor_div(step, self.steps_per_epoch))

    def repeats(self) -> Optional[Repeats]:
        # Epoch e covers steps e * n .. e * n + n - 1: a start and a period in epochs are n times as many steps.
        epochs, n = self.schedule.repeats(), self.steps_per_epoch
        if epochs is None or epochs.start * n > INT32_MAX or epochs.period * n > INT32_MAX:
            return None
        return Repeats(epochs.start * n, 1 if epochs.period == 1 else epochs.period * n)

    def boundaries(self, last: int) -> List[int]:
        return [m * self.steps_per_epoch for m in self.schedule.boundaries(last // self.steps_per_epoch)]


class Offset(Schedule, reference=offset):
    r"""A schedule started at a chosen step: torch's ``last_epoch``, or fine-tuning that resets ``global_step``.

    .. math:: \eta_k = \text{schedule}(k + \text{start\_step})

    ``Offset(CosineAnnealingLR(0.1, 1000), 400)`` continues a cosine from its step 400 on an optimizer whose
    ``global_step`` starts at 0 (as torch's ``CosineAnnealingLR(opt, 1000, last_epoch=399)`` after its first
    ``step()``). To resume the *same* run, restore the optimizer's ``global_step`` from the checkpoint instead.
    Steps past ``2**31 - 1 - start_step`` hold the schedule's value at ``2**31 - 1``.

    Args:
        schedule (Schedule): The schedule to start late.
        start_step (int): Its step at global step 0, ``0 <= start_step <= 2**31 - 1``.

    Raises:
        ValueError: If ``start_step`` is negative or past ``2**31 - 1``.

    Examples:
        >>> import ms_lr
        >>> ms_lr.evaluate(ms_lr.Offset(ms_lr.StepLR(1.0, 2, 0.5), 3), range(3)).astype(float).round(5).tolist()
        [0.5, 0.25, 0.25]
    """

    def __init__(self, schedule: Schedule, start_step: Steps):
        super().__init__()
        self.schedule = schedule
        self.start_step = start_step
        self.last = INT32_MAX - start_step

    def value(self, step: Tensor) -> Tensor:
        # Saturate before adding so the int32 sum cannot wrap.
        return self.schedule.at(ops.minimum(step, self.last) + self.start_step)

    def repeats(self) -> Repeats:
        # The step saturates at last, so it settles there at the latest (a period is cut there: it does not repeat).
        inner = self.schedule.repeats()
        if inner is None or inner.period != 1:
            return Repeats(self.last)
        return Repeats(min(self.last, max(inner.start - self.start_step, 0)))

    def boundaries(self, last: int) -> List[int]:
        return [m - self.start_step for m in self.schedule.boundaries(min(last + self.start_step, INT32_MAX))
                if m > self.start_step]


class CooldownLR(Schedule, reference=cooldown):
    r"""Any schedule until ``start_step``, then a cool-down from its value there to ``min_lr``: the decay branch of
    warmup-stable-decay training, taken from a checkpoint of any schedule's run.

    .. math::
        \eta_k = \begin{cases} \text{schedule}(k) & k < s \\
        \eta_{min} + (\text{schedule}(s) - \eta_{min})\, d\!\left(\frac{k - s}{D}\right) & s \le k < s + D \\
        \eta_{min} & k \ge s + D \end{cases}

    with the decay shapes :math:`d` of :class:`WarmupStableDecayLR` (``linear``, ``cosine``, ``1-sqrt``). The
    schedule is evaluated once per step, at ``min(k, s)``, so the cool-down costs its weights only.

    Args:
        schedule (Schedule): The schedule to branch from.
        start_step (int): :math:`s \ge 0`, the first step of the cool-down.
        cooldown_steps (int): :math:`D \ge 1`. ``s + D <= 2**31 - 1``.
        min_lr (float): The lr at the end. Default: ``0.0``.
        decay (str): ``'linear'``, ``'cosine'`` or ``'1-sqrt'``. Default: ``'linear'``.

    Raises:
        ValueError: If a step count is out of range or ``min_lr`` is negative or not finite.

    Examples:
        >>> import ms_lr
        >>> sched = ms_lr.CooldownLR(ms_lr.InverseSqrtLR(1.0, warmup_steps=1), start_step=4, cooldown_steps=2)
        >>> ms_lr.evaluate(sched, range(7)).astype(float).round(5).tolist()
        [0.0, 1.0, 0.70711, 0.57735, 0.5, 0.25, 0.0]
    """

    def __init__(self, schedule: Schedule, start_step: Steps, cooldown_steps: PositiveSteps, min_lr: Lr = 0.0,
                 decay: Literal["linear", "cosine", "1-sqrt"] = "linear"):
        super().__init__()
        if start_step + cooldown_steps > INT32_MAX:
            raise ValueError(f"start_step + cooldown_steps must be <= 2**31 - 1, got {start_step + cooldown_steps}")
        self.schedule = schedule
        self.start_step, self.cooldown_steps = start_step, cooldown_steps
        self.shape = DecayShape(decay, cooldown_steps)
        self.min_lr = f32(min_lr)
        self.floor = min_lr
        # A schedule of linear and cosine phases cooled down linearly or by a cosine: its phases up to the start,
        # the cool-down and the floor in one table (a cosine of 3M steps cooled down: 11 kernels, not 19 or 25).
        phases = self.phases()
        self.phase_lr = phase_table(phases) if phases else None

    def phases(self) -> Optional[List[Phase]]:
        """The schedule's phases before ``start_step``, the cool-down from its value there (in float64) and the
        floor; ``None`` where the schedule has no phases, the cool-down is ``1-sqrt``, or it would rise."""
        inner = self.schedule.phases() if self.shape.shape != "1-sqrt" else None
        if not inner:
            return None
        start, end = self.start_step, self.start_step + self.cooldown_steps
        top = [p for p in inner if p.start <= start][-1]._replace(start=start).first_value()
        if top < self.floor:
            return None
        cool = (linear_down if self.shape.shape == "linear" else cosine_down)(start, end, self.floor, top)
        return [p for p in inner if p.start < start] + [cool, held(end, self.floor)]

    def value(self, step: Tensor) -> Tensor:
        if self.phase_lr is not None:
            return self.phase_lr.at(step)
        held = self.schedule.at(ops.minimum(step, self.start_step))
        done = ops.minimum(ops.maximum(step - self.start_step, 0), self.cooldown_steps)
        w_top, w_floor = self.shape.weights(done, self.cooldown_steps - done)
        # Two weights: the schedule's value may be below min_lr. Before the cool-down they are exactly 1 and 0.
        return held * w_top + self.min_lr * w_floor

    def repeats(self) -> Repeats:
        # min_lr from the end of the cool-down on, whatever the schedule it cools down.
        return Repeats(self.start_step + self.cooldown_steps)

    def boundaries(self, last: int) -> List[int]:
        marks = set(self.schedule.boundaries(min(last, self.start_step - 1)))
        marks |= {m for m in (self.start_step, self.start_step + self.cooldown_steps) if 0 < m <= last}
        return sorted(marks)

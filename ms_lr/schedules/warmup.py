"""Warmups in front of any schedule: a linear ramp, or a constant low lr."""
from typing import List, Optional, Union

import numpy as np
from mindspore import Tensor, ops

from ms_lr.core.arguments import Lr, Steps
from ms_lr.core.schedule import Schedule
from ms_lr.core.settled import Repeats, shifted
from ms_lr.graph.constants import f32, i32
from ms_lr.graph.phases import Phase, held, phases_from, ramp_up, shifted_phases, warmup_phases
from ms_lr.graph.weights import Ramp, warmed, warmed_under
from ms_lr.reference.warmup import constant_warmup, linear_warmup

__all__ = ["LinearWarmup", "ConstantWarmup"]
#: The family the catalogue (the schedules guide's table, ``python -m ms_lr list``) shows this module's schedules under.
FAMILY = "warmup"


class _Warmup(Schedule, abstract=True):
    """Shared wiring: ``after`` (a schedule or a constant), the warmup length and where ``after``'s clock starts."""

    def _setup(self, after: Union[Schedule, float], warmup_steps: int, warmup_prefix: bool) -> None:
        self.after = after
        self.warmup_steps = warmup_steps
        self.warmup_end = i32(warmup_steps)
        self.warmup_prefix = warmup_prefix
        self.after_constant = None if isinstance(after, Schedule) else f32(after)

    def _after(self, step: Tensor) -> Tensor:
        if self.after_constant is not None:
            return self.after_constant
        if self.warmup_prefix:
            step = ops.maximum(step - self.warmup_steps, 0)
        return self.after.at(step)

    def repeats(self) -> Optional[Repeats]:
        if self.after_constant is not None:
            return Repeats(self.warmup_steps)
        after = self.after.repeats()
        if not self.warmup_prefix:
            # From the warmup's end on, after's own value at the same step.
            return None if after is None else after.not_before(self.warmup_steps)
        return shifted(after, self.warmup_steps)

    def _from_warmup_end(self, phases: List[Phase]) -> List[Phase]:
        """``after``'s ``phases`` (:meth:`Schedule.phases`) from step ``warmup_steps`` on, as the warmup runs it."""
        return shifted_phases(phases, self.warmup_steps) if self.warmup_prefix else \
            phases_from(phases, self.warmup_steps)

    def _first_after_value(self) -> float:
        """``after`` at its own step 0, from its float32 cell (evaluated eagerly, no graph compiled)."""
        if self.after_constant is not None:
            return float(self.after_constant.asnumpy())
        return float(self.after.at(Tensor(np.int32(0))).asnumpy())

    def boundaries(self, last: int) -> List[int]:
        marks = [self.warmup_steps] if 0 < self.warmup_steps <= last else []
        if isinstance(self.after, Schedule):
            shift = self.warmup_steps if self.warmup_prefix else 0
            marks += [m + shift for m in self.after.boundaries(last - shift) if m + shift > self.warmup_steps]
        return marks


class LinearWarmup(_Warmup, reference=linear_warmup):
    r"""A linear warmup in front of ``after``, a schedule or a constant lr.

    .. math::
        \eta_k = \begin{cases}
        \text{start} + (\text{end} - \text{start})\, k / W & k < W \\
        \text{after}(k - W) & k \ge W \quad (\text{after}(k) \text{ if warmup\_prefix is False})
        \end{cases}

    ``end_lr`` defaults to ``after`` at its own step 0, so the ramp meets the schedule without a jump. This covers:

    - gradual warmup (the YOLOv3 one): ``LinearWarmup(after, W)`` ramps from 0 to the schedule's first value;
    - YOLOv3's ``warmup_factor`` (``LambdaLR`` with ``f = factor * (1 - k/W) + k/W``):
      ``LinearWarmup(lr0, W, start_lr=lr0 * factor)``;
    - warmup then cosine: ``LinearWarmup(CosineAnnealingLR(lr, T_max - W, eta_min), W)``.

    Like timm's ``warmup_prefix=True`` (the default here), ``after`` starts its own clock when the warmup ends; with
    ``warmup_prefix=False`` it runs on the global step and the warmup covers its first ``W`` steps. ``W = 0`` is no
    warmup: the schedule is ``after``.

    Args:
        after (Union[Schedule, float]): The schedule (or constant lr) that follows the warmup.
        warmup_steps (int): Warmup length ``W >= 0`` in steps.
        start_lr (float): The lr at step 0. Default: ``0.0``.
        end_lr (float): The lr the ramp heads for, reached at step ``W``. Default: ``None``, ``after`` at step 0.
        warmup_prefix (bool): Whether ``after`` restarts its clock at step ``W``. Default: ``True``.

    Raises:
        ValueError: If ``warmup_steps < 0`` or an lr is negative or not finite.

    Examples:
        >>> import ms_lr
        >>> sched = ms_lr.LinearWarmup(ms_lr.CosineAnnealingLR(0.1, T_max=2), warmup_steps=2)
        >>> ms_lr.evaluate(sched, range(5)).astype(float).round(5).tolist()
        [0.0, 0.05, 0.1, 0.05, 0.0]
    """

    def __init__(self, after: Union[Schedule, float], warmup_steps: Steps, start_lr: Lr = 0.0,
                 end_lr: Optional[Lr] = None, warmup_prefix: bool = True):
        super().__init__()
        self._setup(after, warmup_steps, warmup_prefix)
        self.ramp = self.phase_lr = None
        self.under = False
        if warmup_steps:
            phases = self.after.phases() if self.after_constant is None else None
            # The ramp's target comes from after's own phases or cell, not from the reference it is checked against.
            if end_lr is not None:
                target = end_lr
            else:
                target = phases[0].first_value() if phases else self._first_after_value()
            self.ramp = Ramp(start_lr, target, warmup_steps)
            # After a schedule of linear and cosine phases the ramp is one more: one table, one weight (a warmup
            # and a long cosine: 9 kernels instead of 14, counted: no clamp of the step either, negative steps being a
            # phase of the table).
            if phases:
                self.phase_lr = warmup_phases(warmup_steps, start_lr, target, self._from_warmup_end(phases))
            # A rising ramp into a schedule that starts at its highest value (a decay) on its own clock: the schedule
            # is held at that value through the warmup and stays under the ramp extended after it, so the smaller of
            # the two is the lr (one kernel, not two). The bound is in float64 and the target the float32 first
            # value: two ulps of slack let the ramp take over where the schedule is within them of it, inside the
            # contract. Where the schedule settles or repeats, the claim holds the formula to one float32 number a
            # period apart from its start: the ramp, then above the schedule by 2**-20 of it, is never taken there.
            bound = self.after.upper_bound() if self.after_constant is None else None
            claim = self.repeats()
            rise = target - start_lr
            clear = claim is None or rise * (claim.start - warmup_steps) >= warmup_steps * target * 2**-20
            self.under = (self.ramp.rising and end_lr is None and warmup_prefix and bound is not None
                          and bound <= target * (1 + 2.0**-22) and clear)

    def phases(self) -> Optional[List[Phase]]:
        """The ramp and ``after``'s phases (a constant's one held phase) from the warmup's end, the ramp heading for
        ``end_lr`` or ``after``'s first value in float64 (as the table this warmup builds over a schedule)."""
        after = [held(0, float(self._config["after"]))] if self.after_constant is not None else self.after.phases()
        if not after or not self.warmup_steps:
            return after
        end_lr = self._config["end_lr"]
        target = after[0].first_value() if end_lr is None else end_lr
        return [ramp_up(0, self.warmup_steps, self._config["start_lr"], target)] + self._from_warmup_end(after)

    def value(self, step: Tensor) -> Tensor:
        if self.phase_lr is not None:
            return self.phase_lr.at(step)
        if self.ramp is None:
            # where() with a condition that never holds broadcasts a constant after to the step's shape.
            # warmup_end is 0 here: the condition never holds.
            return ops.where(step < self.warmup_end, 0.0, self._after(step)) if self.after_constant is not None \
                else self._after(step)
        if self.under:
            return warmed_under(self.ramp, step, self._after(step))
        return warmed(self.ramp, step, self._after(step))


class ConstantWarmup(_Warmup, reference=constant_warmup, renamed={"warmup_lr": "start_lr"}):
    r"""A constant ``start_lr`` for the first ``warmup_steps`` steps, then ``after`` (the YOLOv3 constant warmup).

    .. math::
        \eta_k = \begin{cases} \text{start\_lr} & k < W \\ \text{after}(k - W) & k \ge W \end{cases}

    torch's ``ConstantLR(factor, total_iters)`` on a constant lr is ``ConstantWarmup(lr, total_iters, lr * factor)``.
    ``W = 0`` is no warmup: the schedule is ``after``.

    Args:
        after (Union[Schedule, float]): The schedule (or constant lr) that follows the warmup.
        warmup_steps (int): Warmup length ``W >= 0`` in steps.
        start_lr (float): The lr during the warmup.
        warmup_prefix (bool): Whether ``after`` restarts its clock at step ``W``. Default: ``True``.

    Raises:
        ValueError: If ``warmup_steps < 0`` or an lr is negative or not finite.

    Examples:
        >>> import ms_lr
        >>> sched = ms_lr.ConstantWarmup(0.1, warmup_steps=2, start_lr=0.01)
        >>> ms_lr.evaluate(sched, range(4)).astype(float).round(5).tolist()
        [0.01, 0.01, 0.1, 0.1]
    """

    def __init__(self, after: Union[Schedule, float], warmup_steps: Steps, start_lr: Lr,
                 warmup_prefix: bool = True):
        super().__init__()
        self._setup(after, warmup_steps, warmup_prefix)
        self.start_lr = f32(start_lr)

    def value(self, step: Tensor) -> Tensor:
        # where() broadcasts the scalar constant to the step's shape.
        return ops.where(step < self.warmup_end, self.start_lr, self._after(step))

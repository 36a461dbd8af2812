"""Warmups in front of any schedule: a linear ramp, or a constant low lr."""
import mindspore as ms
from mindspore import ops

from ms_lr import reference
from ms_lr._graph import f32
from ms_lr.base import Schedule, check_int, check_lr, check_schedule_or_lr, documented


class _Warmup(Schedule):
    """Shared wiring: ``after`` (a schedule or a constant), the warmup length and where ``after``'s clock starts."""

    def __init__(self, after, warmup_steps, warmup_prefix):
        super().__init__()
        self.after = check_schedule_or_lr("after", after)
        self.warmup_steps = check_int("warmup_steps", warmup_steps, low=1)
        if not isinstance(warmup_prefix, bool):
            raise TypeError(f"warmup_prefix must be a bool, got {warmup_prefix!r}")
        self.warmup_prefix = warmup_prefix
        self.after_constant = None if isinstance(self.after, Schedule) else f32(self.after)

    def _after(self, step):
        if self.after_constant is not None:
            return self.after_constant
        if self.warmup_prefix:
            step = ops.maximum(step - self.warmup_steps, 0)
        return self.after.value(step)

    def boundaries(self, last):
        marks = [self.warmup_steps] if self.warmup_steps <= last else []
        if isinstance(self.after, Schedule):
            shift = self.warmup_steps if self.warmup_prefix else 0
            marks += [m + shift for m in self.after.boundaries(last - shift) if m + shift > self.warmup_steps]
        return marks

    def _after_reference(self):
        return self.after.reference if isinstance(self.after, Schedule) else self.after


@documented
class LinearWarmup(_Warmup):
    r"""A linear warmup in front of ``after``, a schedule or a constant lr.

    .. math::
        \eta_k = \begin{cases}
        \text{start} + (\text{end} - \text{start})\, k / W & k < W \\
        \text{after}(k - W) & k \ge W \quad (\text{after}(k) \text{ if warmup\_prefix is False})
        \end{cases}

    ``end_lr`` defaults to ``after`` at its own step 0, so the ramp meets the schedule without a jump. This covers:

    - gradual warmup (seed 002): ``LinearWarmup(after, W)`` ramps from 0 to the schedule's first value;
    - YOLOv3's ``warmup_factor`` (``LambdaLR`` with ``f = factor * (1 - k/W) + k/W``):
      ``LinearWarmup(lr0, W, start_lr=lr0 * factor)``;
    - warmup then cosine (seed 004): ``LinearWarmup(CosineAnnealingLR(lr, T_max - W, eta_min), W)``.

    Like timm's ``warmup_prefix=True`` (the default here), ``after`` starts its own clock when the warmup ends; with
    ``warmup_prefix=False`` it runs on the global step and the warmup covers its first ``W`` steps.

    Args:
        after (Union[Schedule, float]): The schedule (or constant lr) that follows the warmup.
        warmup_steps (int): Warmup length ``W`` in steps, ``>= 1``.
        start_lr (float): The lr at step 0. Default: ``0.0``.
        end_lr (float): The lr the ramp heads for, reached at step ``W``. Default: ``None``, ``after`` at step 0.
        warmup_prefix (bool): Whether ``after`` restarts its clock at step ``W``. Default: ``True``.

    Raises:
        TypeError: If ``after`` is neither a Schedule nor a number, or another argument has the wrong type.
        ValueError: If ``warmup_steps < 1`` or an lr is negative or not finite.

    Examples:
        >>> import ms_lr
        >>> sched = ms_lr.LinearWarmup(ms_lr.CosineAnnealingLR(0.1, T_max=2), warmup_steps=2)
        >>> ms_lr.evaluate(sched, range(5)).astype(float).round(5).tolist()
        [0.0, 0.05, 0.1, 0.05, 0.0]
    """

    def __init__(self, after, warmup_steps, start_lr=0.0, end_lr=None, warmup_prefix=True):
        super().__init__(after, warmup_steps, warmup_prefix)
        start_lr = check_lr("start_lr", start_lr)
        if end_lr is not None:
            end_lr = check_lr("end_lr", end_lr)
        self._remember(after=self.after, warmup_steps=self.warmup_steps, start_lr=start_lr, end_lr=end_lr,
                       warmup_prefix=warmup_prefix)
        target = end_lr
        if target is None:
            target = float(self.after.reference([0])[0]) if isinstance(self.after, Schedule) else self.after
        self.start_lr = f32(start_lr)
        self.slope = f32((target - start_lr) / self.warmup_steps)

    def value(self, step):
        ramp = self.start_lr + ops.cast(step, ms.float32) * self.slope
        return ops.where(step < self.warmup_steps, ramp, self._after(step))

    def reference(self, steps):
        config = dict(self._config, after=self._after_reference())
        return reference.linear_warmup(steps, **config)

@documented
class ConstantWarmup(_Warmup):
    r"""A constant ``warmup_lr`` for the first ``warmup_steps`` steps, then ``after`` (seed 002's constant warmup).

    .. math::
        \eta_k = \begin{cases} \text{warmup\_lr} & k < W \\ \text{after}(k - W) & k \ge W \end{cases}

    torch's ``ConstantLR(factor, total_iters)`` on a constant lr is ``ConstantWarmup(lr, total_iters, lr * factor)``.

    Args:
        after (Union[Schedule, float]): The schedule (or constant lr) that follows the warmup.
        warmup_steps (int): Warmup length ``W`` in steps, ``>= 1``.
        warmup_lr (float): The lr during the warmup.
        warmup_prefix (bool): Whether ``after`` restarts its clock at step ``W``. Default: ``True``.

    Raises:
        TypeError: If ``after`` is neither a Schedule nor a number, or another argument has the wrong type.
        ValueError: If ``warmup_steps < 1`` or an lr is negative or not finite.

    Examples:
        >>> import ms_lr
        >>> sched = ms_lr.ConstantWarmup(0.1, warmup_steps=2, warmup_lr=0.01)
        >>> ms_lr.evaluate(sched, range(4)).astype(float).round(5).tolist()
        [0.01, 0.01, 0.1, 0.1]
    """

    def __init__(self, after, warmup_steps, warmup_lr, warmup_prefix=True):
        super().__init__(after, warmup_steps, warmup_prefix)
        warmup_lr = check_lr("warmup_lr", warmup_lr)
        self._remember(after=self.after, warmup_steps=self.warmup_steps, warmup_lr=warmup_lr,
                       warmup_prefix=warmup_prefix)
        self.warmup_lr = f32(warmup_lr)

    def value(self, step):
        # where() broadcasts the scalar constants to the step's shape.
        return ops.where(step < self.warmup_steps, self.warmup_lr, self._after(step))

    def reference(self, steps):
        config = dict(self._config, after=self._after_reference())
        return reference.constant_warmup(steps, **config)

"""Cosine annealing, SGDR warm restarts, and cosine restarts with per-cycle warmup and decay."""
import math

import mindspore as ms
from mindspore import ops

from ms_lr import reference
from ms_lr._graph import CycleTable, EntryConstant, IntegerPower, blend, cosine_weights, f32, half_pi_over
from ms_lr.base import INT32_MAX, Schedule, check_float, check_int, check_lr, documented


@documented
class CosineAnnealingLR(Schedule):
    r"""Cosine annealing from ``base_lr`` to ``eta_min`` over ``T_max`` steps, as torch's ``CosineAnnealingLR``.

    .. math::
        \eta_k = \eta_{min} + \tfrac12(\eta_{base} - \eta_{min})\left(1 + \cos\frac{\pi k}{T_{max}}\right)

    Past ``T_max`` the cosine goes on, as torch's does: the lr climbs back to ``base_lr`` at ``2 * T_max`` and repeats
    with period ``2 * T_max``. (To hold ``eta_min`` instead, compose with :class:`SequentialLR` or use
    :class:`CosineAnnealingWarmRestarts`.) Computed as :math:`\eta_{min} + (\eta_{base}-\eta_{min})
    \sin^2(\tfrac{\pi}{2} |k \bmod 2T - T| / T)` on exact integers, so the last steps before ``eta_min`` keep full
    relative precision.

    Args:
        base_lr (float): Initial lr, at step 0. ``>= 0``.
        T_max (int): Steps from ``base_lr`` to ``eta_min``; ``1 <= T_max <= 2**31 - 1``.
        eta_min (float): Lowest lr. Default: ``0.0``.

    Raises:
        TypeError: If an argument has the wrong type (a bool where an int belongs included).
        ValueError: If ``T_max < 1`` or an lr is negative or not finite.

    Examples:
        >>> import ms_lr
        >>> sched = ms_lr.CosineAnnealingLR(base_lr=0.1, T_max=4)
        >>> ms_lr.evaluate(sched, range(9)).astype(float).round(5).tolist()
        [0.1, 0.08536, 0.05, 0.01464, 0.0, 0.01464, 0.05, 0.08536, 0.1]
    """

    def __init__(self, base_lr, T_max, eta_min=0.0):
        super().__init__()
        base_lr = check_lr("base_lr", base_lr)
        T_max = check_int("T_max", T_max, low=1)
        eta_min = check_lr("eta_min", eta_min)
        self._remember(base_lr=base_lr, T_max=T_max, eta_min=eta_min)
        self.T_max = T_max
        # Past 2**31 - 1 the period never completes, so the reduction modulo 2 * T_max is left out.
        self.period = 2 * T_max if 2 * T_max <= INT32_MAX else None
        self.low, self.high = f32(eta_min), f32(base_lr)
        self.low_is_zero, self.high_above_low = eta_min == 0.0, base_lr >= eta_min
        self.scale = half_pi_over(T_max)

    def value(self, step):
        if self.period is not None:
            step = ops.floor_mod(step, self.period)
        offset = step - self.T_max   # signed steps from the trough, exact; sin**2 is even, so no abs() on top
        w_high, w_low = cosine_weights(ops.cast(offset, ms.float32),
                                       ops.cast(self.T_max - ops.abs(offset), ms.float32), self.scale)
        return blend(self.low, self.high, w_low, w_high, self.low_is_zero, self.high_above_low)

    def reference(self, steps):
        return reference.cosine_annealing(steps, **self._config)

    def boundaries(self, last):
        return list(range(self.T_max, last + 1, self.T_max))


@documented
class CosineAnnealingWarmRestarts(Schedule):
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
        T_mult (int): Each cycle is ``T_mult`` times longer than the one before, integer ``>= 1``. Default: ``1``.
        eta_min (float): Lowest lr. Default: ``0.0``.

    Raises:
        TypeError: If ``T_0``/``T_mult`` are not ints (bools and floats included), or an lr is not a real number.
        ValueError: If ``T_0 < 1``, ``T_mult < 1``, or an lr is negative or not finite.

    Examples:
        >>> import ms_lr
        >>> sched = ms_lr.CosineAnnealingWarmRestarts(base_lr=0.1, T_0=2, T_mult=2)
        >>> ms_lr.evaluate(sched, range(7)).astype(float).round(5).tolist()
        [0.1, 0.05, 0.1, 0.08536, 0.05, 0.01464, 0.1]
    """

    def __init__(self, base_lr, T_0, T_mult=1, eta_min=0.0):
        super().__init__()
        base_lr = check_lr("base_lr", base_lr)
        T_0 = check_int("T_0", T_0, low=1)
        T_mult = check_int("T_mult", T_mult, low=1, high=None)
        eta_min = check_lr("eta_min", eta_min)
        self._remember(base_lr=base_lr, T_0=T_0, T_mult=T_mult, eta_min=eta_min)
        self.cycles = CycleTable(T_0, lambda length: length * T_mult)
        self.scales = EntryConstant([math.pi / (2.0 * length) for length in self.cycles.cycle_lengths])
        self.low, self.high = f32(eta_min), f32(base_lr)
        self.low_is_zero, self.high_above_low = eta_min == 0.0, base_lr >= eta_min

    def value(self, step):
        entry, _, position, remaining = self.cycles.lookup(step)
        w_high, w_low = cosine_weights(remaining, ops.cast(position, ms.float32), self.scales(entry))
        return blend(self.low, self.high, w_low, w_high, self.low_is_zero, self.high_above_low)

    def reference(self, steps):
        return reference.cosine_warm_restarts(steps, **self._config)

    def boundaries(self, last):
        return self.cycles.starts_up_to(last)[1:]


@documented
class CosineAnnealingWarmupRestarts(Schedule):
    r"""Cosine restarts with a linear warmup in every cycle and a peak that decays by ``gamma`` per cycle.

    The scheduler of seed 000 (the widely copied ``CosineAnnealingWarmupRestarts``), stepped once per optimizer step:
    the value at step ``k`` is that class's lr after ``k`` calls of ``step()``. Cycle :math:`n` has peak
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
    periodic tail).

    Args:
        first_cycle_steps (int): Length of the first cycle, ``1 <= first_cycle_steps <= 2**31 - 1``.
        cycle_mult (float): Cycle length multiplier (of the part after warmup), ``>= 1``. Default: ``1.0``.
        max_lr (float): Peak lr of the first cycle. Default: ``0.1``.
        min_lr (float): Lowest lr, and the start of every warmup. Default: ``0.001``.
        warmup_steps (int): Linear warmup steps at the start of each cycle, ``0 <= warmup_steps < first_cycle_steps``.
            Default: ``0``.
        gamma (float): Peak decay per cycle, ``0 < gamma <= 1``. Default: ``1.0``.

    Raises:
        TypeError: If an argument has the wrong type.
        ValueError: If ``warmup_steps >= first_cycle_steps``, ``cycle_mult < 1``, ``gamma`` is outside ``(0, 1]``,
            or an lr is negative or not finite.

    Examples:
        >>> import ms_lr
        >>> sched = ms_lr.CosineAnnealingWarmupRestarts(first_cycle_steps=4, max_lr=0.1, min_lr=0.0,
        ...                                            warmup_steps=2, gamma=0.5)
        >>> ms_lr.evaluate(sched, range(8)).astype(float).round(5).tolist()
        [0.0, 0.05, 0.1, 0.05, 0.0, 0.025, 0.05, 0.025]
    """

    def __init__(self, first_cycle_steps, cycle_mult=1.0, max_lr=0.1, min_lr=0.001, warmup_steps=0, gamma=1.0):
        super().__init__()
        first_cycle_steps = check_int("first_cycle_steps", first_cycle_steps, low=1)
        cycle_mult = check_float("cycle_mult", cycle_mult, low=1.0)
        max_lr = check_lr("max_lr", max_lr)
        min_lr = check_lr("min_lr", min_lr)
        warmup_steps = check_int("warmup_steps", warmup_steps, low=0)
        if warmup_steps >= first_cycle_steps:
            raise ValueError(f"warmup_steps must be < first_cycle_steps ({first_cycle_steps}), got {warmup_steps}")
        gamma = check_float("gamma", gamma, low=0.0, high=1.0, low_open=True)
        self._remember(first_cycle_steps=first_cycle_steps, cycle_mult=cycle_mult, max_lr=max_lr, min_lr=min_lr,
                       warmup_steps=warmup_steps, gamma=gamma)
        self.warmup_steps = warmup_steps
        self.cycles = CycleTable(first_cycle_steps,
                                 lambda length: int((length - warmup_steps) * cycle_mult) + warmup_steps)
        self.scales = EntryConstant([math.pi / (2.0 * (length - warmup_steps))
                                     for length in self.cycles.cycle_lengths])
        self.min_lr, self.max_lr = f32(min_lr), f32(max_lr)
        # Each table entry's peak, exact in float64; past the table (a periodic tail) gamma**repeats multiplies it.
        self.peaks = EntryConstant([max_lr * gamma**n for n in range(len(self.cycles.cycle_lengths))])
        self.decay = gamma != 1.0
        self.tail_decay = IntegerPower(gamma) if self.decay and self.cycles.periodic_tail else None
        self.low_is_zero = min_lr == 0.0
        # A decaying peak can fall below min_lr (the seed's formula then dips toward the peak): blend both weights.
        self.high_above_low = max_lr >= min_lr and gamma == 1.0
        self.inv_warmup = f32(1.0 / warmup_steps) if warmup_steps else None

    def value(self, step):
        entry, cycle, position, remaining = self.cycles.lookup(step)
        peak = self.max_lr
        if self.decay:
            peak = self.peaks(entry)
            if self.tail_decay is not None:
                peak = peak * self.tail_decay(cycle - entry)
        w_high, w_low = cosine_weights(remaining, ops.cast(position - self.warmup_steps, ms.float32),
                                       self.scales(entry))
        if self.inv_warmup is None:
            # Seed 000's constructor leaves the lr at min_lr before the first step.
            first = step == 0
            w_high = ops.where(first, 0.0, w_high)
            w_low = ops.where(first, 1.0, w_low)
        else:
            # Ramp weights from exact integers: t / W and (W - t) / W.
            warming = position < self.warmup_steps
            w_high = ops.where(warming, ops.cast(position, ms.float32) * self.inv_warmup, w_high)
            w_low = ops.where(warming, ops.cast(self.warmup_steps - position, ms.float32) * self.inv_warmup, w_low)
        return blend(self.min_lr, peak, w_low, w_high, self.low_is_zero, self.high_above_low)

    def reference(self, steps):
        return reference.cosine_warmup_restarts(steps, **self._config)

    def boundaries(self, last):
        starts = self.cycles.starts_up_to(last)
        ends = [s + self.warmup_steps for s in starts if self.warmup_steps and s + self.warmup_steps <= last]
        return sorted(starts[1:] + ends)

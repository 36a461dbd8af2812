"""Cyclical schedules: CyclicLR (triangular, triangular2, exp_range) and the one-cycle policy."""
import math

import numpy as np
import mindspore as ms
from mindspore import Tensor, ops

from ms_lr import reference
from ms_lr._graph import IntegerPower, cosine_weights, f32
from ms_lr.base import INT32_MAX, Schedule, check_choice, check_float, check_int, check_lr, documented

CYCLIC_MODES = ("triangular", "triangular2", "exp_range")


@documented
class CyclicLR(Schedule):
    r"""Cyclical learning rate (Smith 2017), as ``torch.optim.lr_scheduler.CyclicLR`` (lr only, no momentum).

    A cycle is ``step_size_up`` steps rising linearly from ``base_lr`` to ``max_lr`` and ``step_size_down`` steps
    back. The amplitude is scaled per mode: ``triangular`` 1; ``triangular2`` halves it every cycle
    (:math:`2^{-c}`); ``exp_range`` multiplies it by :math:`\gamma^k` (``k`` the step).

    .. math::
        \eta_k = \eta_{base} + (\eta_{max} - \eta_{base})\, h(p)\, s, \quad p = k \bmod (U + D), \quad
        h(p) = \begin{cases} p / U & p \le U \\ (U + D - p) / D & p > U \end{cases}

    Cycle and position are int32 (exact at every step); torch's own custom ``scale_fn`` is covered by
    :class:`LambdaLR`.

    Args:
        base_lr (float): The lower bound, at the start of every cycle.
        max_lr (float): The upper bound (reached with scale 1).
        step_size_up (int): Rising steps ``U >= 1``. Default: ``2000``.
        step_size_down (int): Falling steps ``D >= 1``. Default: ``None`` (= ``step_size_up``).
        mode (str): ``'triangular'``, ``'triangular2'`` or ``'exp_range'``. Default: ``'triangular'``.
        gamma (float): ``exp_range`` factor per step, ``0 < gamma <= 1``. Default: ``1.0``.

    Raises:
        TypeError: If an argument has the wrong type.
        ValueError: If a step size is < 1, ``U + D > 2**31 - 1``, ``mode`` is unknown, ``gamma`` is outside
            ``(0, 1]`` or an lr is negative or not finite.

    Examples:
        >>> import ms_lr
        >>> sched = ms_lr.CyclicLR(0.0, 1.0, step_size_up=2, step_size_down=1, mode="triangular2")
        >>> ms_lr.evaluate(sched, range(7)).astype(float).round(5).tolist()
        [0.0, 0.5, 1.0, 0.0, 0.25, 0.5, 0.0]
    """

    def __init__(self, base_lr, max_lr, step_size_up=2000, step_size_down=None, mode="triangular", gamma=1.0):
        super().__init__()
        base_lr = check_lr("base_lr", base_lr)
        max_lr = check_lr("max_lr", max_lr)
        step_size_up = check_int("step_size_up", step_size_up, low=1)
        step_size_down = step_size_up if step_size_down is None else check_int("step_size_down", step_size_down,
                                                                                 low=1)
        if step_size_up + step_size_down > INT32_MAX:
            raise ValueError(f"step_size_up + step_size_down must be <= 2**31 - 1, got {step_size_up + step_size_down}")
        mode = check_choice("mode", mode, CYCLIC_MODES)
        gamma = check_float("gamma", gamma, low=0.0, high=1.0, low_open=True)
        self._remember(base_lr=base_lr, max_lr=max_lr, step_size_up=step_size_up, step_size_down=step_size_down,
                       mode=mode, gamma=gamma)
        self.up, self.total = step_size_up, step_size_up + step_size_down
        self.inv_up, self.inv_down = f32(1.0 / step_size_up), f32(1.0 / step_size_down)
        self.base_lr, self.height = f32(base_lr), f32(max_lr - base_lr)
        self.mode = mode
        self.scale = {"triangular": None, "triangular2": IntegerPower(0.5), "exp_range": IntegerPower(gamma)}[mode]

    def value(self, step):
        cycle = ops.floor_div(step, self.total)
        position = step - cycle * self.total
        rising = ops.cast(position, ms.float32) * self.inv_up
        falling = ops.cast(self.total - position, ms.float32) * self.inv_down
        height = ops.where(position <= self.up, rising, falling) * self.height
        if self.mode == "triangular2":
            height = height * self.scale(cycle)
        elif self.mode == "exp_range":
            height = height * self.scale(step)
        return self.base_lr + height

    def reference(self, steps):
        return reference.cyclic(steps, **self._config)

    def boundaries(self, last):
        starts = range(0, last + 1, self.total)
        return sorted(m for s in starts for m in (s, s + self.up) if 0 < m <= last)


ANNEAL_STRATEGIES = ("cos", "linear")


def one_cycle_phases(total_steps, pct_start, three_phase):
    """torch's OneCycleLR phase end steps (floats, as torch computes them) and the lr names at each phase's ends."""
    if three_phase:
        return [(float(pct_start * total_steps) - 1, "initial", "max"),
                (float(2 * pct_start * total_steps) - 2, "max", "initial"),
                (total_steps - 1, "initial", "min")]
    return [(float(pct_start * total_steps) - 1, "initial", "max"), (total_steps - 1, "max", "min")]


@documented
class OneCycleLR(Schedule):
    r"""The 1cycle policy, as ``torch.optim.lr_scheduler.OneCycleLR`` (lr only, no momentum).

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

    Args:
        max_lr (float): The peak lr.
        total_steps (int): Steps in the cycle, ``>= 2``.
        pct_start (float): Fraction of the steps spent rising, in ``(0, 1)``. Default: ``0.3``.
        anneal_strategy (str): ``'cos'`` or ``'linear'``. Default: ``'cos'``.
        div_factor (float): ``initial = max_lr / div_factor``, ``> 0``. Default: ``25.0``.
        final_div_factor (float): ``min = initial / final_div_factor``, ``> 0``. Default: ``1e4``.
        three_phase (bool): Use torch's three-phase variant. Default: ``False``.

    Raises:
        TypeError: If an argument has the wrong type.
        ValueError: If ``total_steps < 2``, ``pct_start`` is outside ``(0, 1)`` or leaves a phase without steps, a
            divisor is not positive, ``anneal_strategy`` is unknown, or ``max_lr`` is negative or not finite.

    Examples:
        >>> import ms_lr
        >>> sched = ms_lr.OneCycleLR(1.0, total_steps=5, pct_start=0.4, anneal_strategy="linear", div_factor=10.0,
        ...                          final_div_factor=1.0)
        >>> ms_lr.evaluate(sched, range(7)).astype(float).round(5).tolist()
        [0.1, 1.0, 0.7, 0.4, 0.1, 0.1, 0.1]
    """

    def __init__(self, max_lr, total_steps, pct_start=0.3, anneal_strategy="cos", div_factor=25.0,
                 final_div_factor=1e4, three_phase=False):
        super().__init__()
        max_lr = check_lr("max_lr", max_lr)
        total_steps = check_int("total_steps", total_steps, low=2)
        pct_start = check_float("pct_start", pct_start, low=0.0, high=1.0, low_open=True, high_open=True)
        anneal_strategy = check_choice("anneal_strategy", anneal_strategy, ANNEAL_STRATEGIES)
        div_factor = check_float("div_factor", div_factor, low=0.0, low_open=True)
        final_div_factor = check_float("final_div_factor", final_div_factor, low=0.0, low_open=True)
        if not isinstance(three_phase, bool):
            raise TypeError(f"three_phase must be a bool, got {three_phase!r}")
        self._remember(max_lr=max_lr, total_steps=total_steps, pct_start=pct_start, anneal_strategy=anneal_strategy,
                       div_factor=div_factor, final_div_factor=final_div_factor, three_phase=three_phase)
        initial = max_lr / div_factor
        lrs = {"initial": initial, "max": max_lr, "min": initial / final_div_factor}
        phases = one_cycle_phases(total_steps, pct_start, three_phase)
        starts = [0.0] + [end for end, _, _ in phases[:-1]]
        for start, (end, _, _) in zip(starts, phases):
            if not end - start > 0:   # torch divides by each phase's length
                raise ValueError(f"pct_start={pct_start} with total_steps={total_steps} leaves a phase without steps "
                                 f"(phase ends {[p[0] for p in phases]})")
        self.last_step = total_steps - 1
        self.linear = anneal_strategy == "linear"
        # A step k is in the first phase with k <= end, i.e. k <= floor(end): integer thresholds.
        self.thresholds = Tensor(np.array([math.floor(end) for end, _, _ in phases[:-1]], dtype=np.int32))
        # Per phase: integer and fractional parts of its start and end, its length, and its end lrs.
        self.start_int = Tensor(np.array([math.floor(s) for s in starts], dtype=np.int32))
        self.start_frac = Tensor(np.array([s - math.floor(s) for s in starts], dtype=np.float32))
        self.end_int = Tensor(np.array([math.floor(e) for e, _, _ in phases], dtype=np.int32))
        self.end_frac = Tensor(np.array([e - math.floor(e) for e, _, _ in phases], dtype=np.float32))
        lengths = [e - s for s, (e, _, _) in zip(starts, phases)]
        self.step_scale = Tensor(np.array([(1.0 if self.linear else math.pi / 2) / d for d in lengths],
                                          dtype=np.float32))
        self.from_lr = Tensor(np.array([lrs[a] for _, a, _ in phases], dtype=np.float32))
        self.to_lr = Tensor(np.array([lrs[b] for _, _, b in phases], dtype=np.float32))

    def value(self, step):
        step = ops.minimum(step, self.last_step)
        phase = ops.searchsorted(self.thresholds, step, right=False, out_int32=True)
        done = ops.cast(step - ops.gather(self.start_int, phase, 0), ms.float32) - ops.gather(self.start_frac, phase, 0)
        left = ops.cast(ops.gather(self.end_int, phase, 0) - step, ms.float32) + ops.gather(self.end_frac, phase, 0)
        scale = ops.gather(self.step_scale, phase, 0)
        if self.linear:
            w_to, w_from = done * scale, left * scale
        else:
            w_from, w_to = cosine_weights(left, done, scale)
        return ops.gather(self.from_lr, phase, 0) * w_from + ops.gather(self.to_lr, phase, 0) * w_to

    def reference(self, steps):
        return reference.one_cycle(steps, **self._config)

    def boundaries(self, last):
        marks = [int(t) + 1 for t in self.thresholds.asnumpy()] + [self.last_step]
        return sorted(m for m in set(marks) if 0 < m <= last)

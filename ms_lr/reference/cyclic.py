"""References of the cyclical schedules: CyclicLR and the one-cycle policy, as torch writes them."""
from typing import Optional

import numpy as np
from numpy.typing import ArrayLike

from ms_lr.reference.common import steps_of

__all__ = ["cyclic", "one_cycle", "cyclic_momentum", "one_cycle_momentum"]


def cyclic(steps: ArrayLike, base_lr: float, max_lr: float, step_size_up: int, step_size_down: Optional[int], mode: str,
           gamma: float, cycle_momentum: bool, base_momentum: float, max_momentum: float) -> np.ndarray:
    """Triangular waves between base_lr and max_lr; amplitude x1, x 0.5**(cycle - 1), or x gamma**k. (The momentum
    arguments shape the momentum curve, :func:`cyclic_momentum`, not the lr.)"""
    return base_lr + (max_lr - base_lr) * _wave(steps, step_size_up, step_size_down, mode, gamma)


def cyclic_momentum(steps: ArrayLike, base_momentum: float, max_momentum: float, step_size_up: int,
                    step_size_down: Optional[int], mode: str, gamma: float) -> np.ndarray:
    """torch's CyclicLR momentum: the lr's wave mirrored, ``max_momentum - (max - base) * height * scale``."""
    return max_momentum - (max_momentum - base_momentum) * _wave(steps, step_size_up, step_size_down, mode, gamma)


def _wave(steps: ArrayLike, step_size_up: int, step_size_down: Optional[int], mode: str, gamma: float) -> np.ndarray:
    """The wave's height times its scale, in [0, 1], as torch's CyclicLR computes them."""
    k = steps_of(steps)
    down = step_size_up if step_size_down is None else step_size_down
    total = step_size_up + down
    # torch's x = 1 + k / total - cycle, with x <= up / total rising as x / ratio, is the step's position in its
    # cycle over total: taken here in exact integers, as torch's floats leave 1e-12 where the wave is 0.
    cycle = k // total + 1
    position = k - (cycle - 1) * total
    height = np.where(position <= step_size_up, position / step_size_up, (total - position) / down)
    with np.errstate(over="ignore"):   # 2**(cycle - 1) overflows to inf for late cycles: the scale is then 0
        scale = {"triangular": np.ones_like(cycle), "triangular2": 1 / 2.0 ** (cycle - 1),
                 "exp_range": np.power(float(gamma), k.astype(np.float64))}[mode]
    return height * scale


def one_cycle(steps: ArrayLike, max_lr: float, total_steps: Optional[int], epochs: Optional[int],
              steps_per_epoch: Optional[int], pct_start: float, anneal_strategy: str, div_factor: float,
              final_div_factor: float, three_phase: bool, cycle_momentum: bool, base_momentum: float,
              max_momentum: float) -> np.ndarray:
    """1cycle: phases ending at pct * T - 1 (and 2 pct T - 2), T - 1; cos or linear between their lrs; held after.
    T is total_steps, else epochs * steps_per_epoch. (The momentum arguments shape the momentum curve,
    :func:`one_cycle_momentum`, not the lr.)"""
    total_steps = total_steps if total_steps is not None else epochs * steps_per_epoch
    initial = max_lr / div_factor
    low = initial / final_div_factor
    return _one_cycle_phases(steps, total_steps, pct_start, anneal_strategy, three_phase,
                             [(initial, max_lr), (max_lr, initial), (initial, low)] if three_phase else
                             [(initial, max_lr), (max_lr, low)])


def one_cycle_momentum(steps: ArrayLike, total_steps: int, pct_start: float, anneal_strategy: str,
                       base_momentum: float, max_momentum: float, three_phase: bool) -> np.ndarray:
    """torch's OneCycleLR momentum: max -> base -> max on the lr's phases (three-phase: max -> base -> max, then held
    at max), with the lr's anneal function."""
    return _one_cycle_phases(steps, total_steps, pct_start, anneal_strategy, three_phase,
                             [(max_momentum, base_momentum), (base_momentum, max_momentum),
                              (max_momentum, max_momentum)] if three_phase else
                             [(max_momentum, base_momentum), (base_momentum, max_momentum)])


def _one_cycle_phases(steps: ArrayLike, total_steps: int, pct_start: float, anneal_strategy: str, three_phase: bool,
                      ends: list) -> np.ndarray:
    """The one-cycle phases, ``ends[i]`` the values at the start and end of phase ``i``."""
    k = np.minimum(steps_of(steps), total_steps - 1).astype(np.float64)
    if three_phase:
        stops = [pct_start * total_steps - 1, 2 * pct_start * total_steps - 2, total_steps - 1]
    else:
        stops = [pct_start * total_steps - 1, total_steps - 1]
    phases = [(stop, a, b) for stop, (a, b) in zip(stops, ends)]
    lr = np.zeros_like(k)
    done = np.zeros(k.shape, dtype=bool)
    start = 0.0
    for i, (end, lr_from, lr_to) in enumerate(phases):
        here = ~done & ((k <= end) | (i == len(phases) - 1))
        t = (k - start) / (end - start)
        if anneal_strategy == "cos":
            value = lr_to + (lr_from - lr_to) / 2.0 * (1 + np.cos(np.pi * t))
        else:
            value = lr_from + (lr_to - lr_from) * t
        lr = np.where(here, value, lr)
        done |= here
        start = end
    return lr

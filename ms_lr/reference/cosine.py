"""References of the cosine schedules: annealing, SGDR warm restarts, restarts with warmup and decay."""

import numpy as np
from numpy.typing import ArrayLike

from ms_lr.reference.common import cosine, cycles, steps_of

__all__ = ["cosine_annealing", "cosine_warm_restarts", "cosine_warmup_restarts"]


def cosine_annealing(steps: ArrayLike, base_lr: float, T_max: int, eta_min: float, hold_floor: bool) -> np.ndarray:
    """torch CosineAnnealingLR's closed form; past T_max the cosine continues (period 2 * T_max), or holds eta_min."""
    k = steps_of(steps)
    if hold_floor:
        return cosine(eta_min, base_lr, np.minimum(k, T_max), T_max)
    # Reduce by the period in integers first: cos(pi * k / T) for k near 2**31 loses ~1e-6 rad in float64.
    return cosine(eta_min, base_lr, k % (2 * T_max), T_max)


def cosine_warm_restarts(steps: ArrayLike, base_lr: float, T_0: int, T_mult: int, eta_min: float) -> np.ndarray:
    """SGDR: cycle i lasts T_0 * T_mult**i steps; within it, a cosine from base_lr to eta_min."""
    k = steps_of(steps)
    _, t_cur, t_i = cycles(k, T_0, lambda length: length * T_mult)
    return cosine(eta_min, base_lr, t_cur, t_i)


def cosine_warmup_restarts(steps: ArrayLike, first_cycle_steps: int, cycle_mult: float, max_lr: float, min_lr: float,
                           warmup_steps: int, gamma: float) -> np.ndarray:
    """Seed 000's scheduler stepped once per step: per cycle a linear warmup from min_lr to max_lr * gamma**cycle,
    then a cosine down to min_lr; the next length is int((T - warmup) * cycle_mult) + warmup. Its constructor leaves
    the lr at min_lr, so step 0 is min_lr even without warmup."""
    k = steps_of(steps)
    cycle, pos, length = cycles(k, first_cycle_steps, lambda t: int((t - warmup_steps) * cycle_mult) + warmup_steps)
    peak = max_lr * np.power(float(gamma), cycle.astype(np.float64))
    with np.errstate(divide="ignore", invalid="ignore"):
        warm = min_lr + (peak - min_lr) * pos / max(warmup_steps, 1)
    anneal = cosine(min_lr, peak, pos - warmup_steps, length - warmup_steps)
    lr = np.where(pos < warmup_steps, warm, anneal)
    return np.where(k == 0, min_lr, lr)

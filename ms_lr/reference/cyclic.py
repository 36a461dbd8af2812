"""References of the cyclical schedules: CyclicLR and the one-cycle policy, as torch writes them."""
from typing import Optional

import numpy as np
from numpy.typing import ArrayLike

from ms_lr.reference.common import steps_of

__all__ = ["cyclic", "one_cycle"]


def cyclic(steps: ArrayLike, base_lr: float, max_lr: float, step_size_up: int, step_size_down: Optional[int], mode: str,
           gamma: float) -> np.ndarray:
    """Triangular waves between base_lr and max_lr; amplitude x1, x 0.5**(cycle - 1), or x gamma**k."""
    k = steps_of(steps)
    down = step_size_up if step_size_down is None else step_size_down
    total = step_size_up + down
    cycle = np.floor(1 + k / total)
    x = 1.0 + k / total - cycle
    ratio = step_size_up / total
    height = np.where(x <= ratio, x / ratio, (x - 1) / (ratio - 1))
    with np.errstate(over="ignore"):   # 2**(cycle - 1) overflows to inf for late cycles: the scale is then 0
        scale = {"triangular": np.ones_like(cycle), "triangular2": 1 / 2.0 ** (cycle - 1),
                 "exp_range": np.power(float(gamma), k.astype(np.float64))}[mode]
    return base_lr + (max_lr - base_lr) * height * scale


def one_cycle(steps: ArrayLike, max_lr: float, total_steps: int, pct_start: float, anneal_strategy: str,
              div_factor: float, final_div_factor: float, three_phase: bool) -> np.ndarray:
    """1cycle: phases ending at pct * T - 1 (and 2 pct T - 2), T - 1; cos or linear between their lrs; held after."""
    k = np.minimum(steps_of(steps), total_steps - 1).astype(np.float64)
    initial = max_lr / div_factor
    low = initial / final_div_factor
    if three_phase:
        phases = [(pct_start * total_steps - 1, initial, max_lr), (2 * pct_start * total_steps - 2, max_lr, initial),
                  (total_steps - 1, initial, low)]
    else:
        phases = [(pct_start * total_steps - 1, initial, max_lr), (total_steps - 1, max_lr, low)]
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

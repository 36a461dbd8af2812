"""References of the limited cycles (cosine, tanh, polynomial), in float64 from their formulas."""
from fractions import Fraction
from typing import Callable, Tuple

import numpy as np
from numpy.typing import ArrayLike

from ms_lr.reference.common import steps_of

__all__ = ["cosine_cycles", "tanh_cycles", "poly_cycles"]


def _cycles(k: np.ndarray, cycle_steps: int, cycle_mul: float, cycle_limit: int) -> Tuple[np.ndarray, np.ndarray,
                                                                                          np.ndarray]:
    """(cycle index, real steps into it, its real length) of each step; cycle j starts at T (m**j - 1) / (m - 1),
    index cycle_limit (the floor) after the last one."""
    m = Fraction(cycle_mul)
    if m == 1:
        index = np.minimum(k // cycle_steps, cycle_limit)
        return index, k - index * cycle_steps, np.full(k.shape, float(cycle_steps))
    last = int(k.max(initial=0))
    starts, length = [Fraction(0)], Fraction(cycle_steps)
    while starts[-1] <= last and len(starts) <= cycle_limit:
        starts.append(starts[-1] + length)
        length *= m
    # Exact rational starts, rounded once to float64; step k is in the last cycle whose start is <= k.
    begins = np.array([float(s) for s in starts])
    index = np.searchsorted(begins, k, side="right") - 1
    return index, k - begins[index], cycle_steps * float(m) ** index.astype(np.float64)


def _limited(steps: ArrayLike, peak_lr: float, cycle_steps: int, min_lr: float, cycle_mul: float,
             cycle_decay: float, cycle_limit: int, shape: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    k = steps_of(steps)
    index, into, length = _cycles(k, cycle_steps, cycle_mul, cycle_limit)
    peak = peak_lr * cycle_decay ** index.astype(np.float64)
    inside = min_lr + (peak - min_lr) * shape(np.clip(into / length, 0.0, 1.0))
    return np.where(index < cycle_limit, inside, min_lr)


def cosine_cycles(steps: ArrayLike, peak_lr: float, cycle_steps: int, min_lr: float, cycle_mul: float,
                  cycle_decay: float, cycle_limit: int, k_decay: float) -> np.ndarray:
    """min + (peak_j - min) (1 + cos(pi t**k / T_j**k)) / 2 in cycle j < cycle_limit, then min."""
    return _limited(steps, peak_lr, cycle_steps, min_lr, cycle_mul, cycle_decay, cycle_limit,
                    lambda x: 0.5 * (1.0 + np.cos(np.pi * x ** k_decay)))


def tanh_cycles(steps: ArrayLike, peak_lr: float, cycle_steps: int, min_lr: float, cycle_mul: float,
                cycle_decay: float, cycle_limit: int, lb: float, ub: float) -> np.ndarray:
    """min + (peak_j - min) (1 - tanh(lb (1 - x) + ub x)) / 2 in cycle j < cycle_limit, then min."""
    return _limited(steps, peak_lr, cycle_steps, min_lr, cycle_mul, cycle_decay, cycle_limit,
                    lambda x: 0.5 * (1.0 - np.tanh(lb * (1.0 - x) + ub * x)))


def poly_cycles(steps: ArrayLike, peak_lr: float, cycle_steps: int, min_lr: float, cycle_mul: float,
                cycle_decay: float, cycle_limit: int, power: float, k_decay: float) -> np.ndarray:
    """min + (peak_j - min) (1 - t**k / T_j**k) ** power in cycle j < cycle_limit, then min."""
    return _limited(steps, peak_lr, cycle_steps, min_lr, cycle_mul, cycle_decay, cycle_limit,
                    lambda x: (1.0 - x ** k_decay) ** power)

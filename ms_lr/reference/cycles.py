"""References of the limited cycles (cosine, tanh, polynomial), in float64 from their formulas."""
import math
from decimal import ROUND_CEILING, ROUND_HALF_EVEN, Context, Decimal
from fractions import Fraction
from typing import Callable, Tuple

import numpy as np
from numpy.typing import ArrayLike

from ms_lr.reference.common import steps_of

__all__ = ["cosine_cycles", "tanh_cycles", "poly_cycles"]


# Each start S_j = T (m**j - 1) / (m - 1) from its closed form in 120 significant digits: m**j is within a few units
# of the 120th digit, so S_j < 2**33 is within 1e-100 of its value. A start that close to an integer (m = 2 lands
# on integers) has its ceiling from exact rationals; exact rationals throughout held numbers of 52 j bits for a
# float multiplier (a multiplier near 1 with thousands of cycles took minutes and gigabytes).
_DIGITS = Context(prec=120)
_NEAR = Decimal("1e-90")


def _start(cycle_steps: int, m: Decimal, per_power: Decimal, j: int) -> Tuple[int, float]:
    """``(ceil(S_j), S_j)`` of cycle ``j``'s real start, ``per_power = T / (m - 1)``: the first integer step in it,
    and the start in float64."""
    start = _DIGITS.multiply(per_power, _DIGITS.subtract(_DIGITS.power(m, j), 1))
    nearest = start.to_integral_value(rounding=ROUND_HALF_EVEN)
    if abs(_DIGITS.subtract(start, nearest)) > _NEAR:
        return int(start.to_integral_value(rounding=ROUND_CEILING)), float(start)
    exact = cycle_steps * (Fraction(m) ** j - 1) / (Fraction(m) - 1)
    return math.ceil(exact), float(exact)


def _cycles(k: np.ndarray, cycle_steps: int, cycle_mul: float, cycle_limit: int) -> Tuple[np.ndarray, np.ndarray,
                                                                                          np.ndarray]:
    """(cycle index, real steps into it, its real length) of each step; cycle j starts at T (m**j - 1) / (m - 1),
    index cycle_limit (the floor) after the last one."""
    if Fraction(cycle_mul) == 1:
        index = np.minimum(k // cycle_steps, cycle_limit)
        return index, k - index * cycle_steps, np.full(k.shape, float(cycle_steps))
    last = int(k.max(initial=0))
    m = Decimal(cycle_mul)                     # the float's exact binary value
    per_power = _DIGITS.divide(Decimal(cycle_steps), _DIGITS.subtract(m, 1))
    firsts, begins = [0], [0.0]
    while firsts[-1] <= last and len(firsts) <= cycle_limit:
        first, begin = _start(cycle_steps, m, per_power, len(firsts))
        firsts.append(first)
        begins.append(begin)
    # Step k is in cycle j when ceil(S_j) <= k < ceil(S_{j+1}): exact integer boundaries.
    index = np.searchsorted(np.array(firsts, dtype=np.int64), k, side="right") - 1
    return index, k - np.array(begins)[index], cycle_steps * float(cycle_mul) ** index.astype(np.float64)


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

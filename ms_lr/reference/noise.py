"""Reference of the noisy schedule: the same integer hash of the step (written again here in NumPy), its uniform
number, and the truncated normal from the inverse normal CDF of the standard library."""
import math
from statistics import NormalDist
from typing import Optional

import numpy as np
from numpy.typing import ArrayLike

from ms_lr.reference.common import Nested, call, steps_of

__all__ = ["noisy", "uniform_of"]

_MASK = np.uint64(0xFFFFFFFF)


def uniform_of(keys: np.ndarray) -> np.ndarray:
    """A number in (0, 1) for each int key: an xor-shift-multiply hash of the key's low 32 bits, centred in its bin."""
    x = keys.astype(np.uint64) & _MASK
    x = x ^ (x >> np.uint64(16))
    x = (x * np.uint64(0x7FEB352D)) & _MASK
    x = x ^ (x >> np.uint64(15))
    x = (x * np.uint64(0x68E31DA5)) & _MASK
    x = x ^ (x >> np.uint64(16))
    return (x.astype(np.float64) + 0.5) / 2.0**32


def noisy(steps: ArrayLike, schedule: Nested, start_step: int, end_step: Optional[int], pct: float, std: float,
          seed: int, distribution: str) -> np.ndarray:
    """schedule(k) * (1 + n_k) for start_step <= k < end_step: n_k uniform on (-pct, pct), or a normal of standard
    deviation std truncated to (-pct, pct), drawn from the hash of seed + k."""
    k = steps_of(steps)
    u = uniform_of(k + seed)
    if distribution == "uniform":
        noise = (2.0 * u - 1.0) * pct
    else:
        width = math.erf(pct / std / math.sqrt(2.0))
        inverse = np.vectorize(NormalDist().inv_cdf, otypes=[np.float64])
        noise = std * inverse(0.5 + (u - 0.5) * width) if k.size else np.zeros(k.shape)
    inside = (k >= start_step) & ((k < end_step) if end_step is not None else True)
    lr = call(schedule, k)
    return np.where(inside, lr * (1.0 + noise), lr)

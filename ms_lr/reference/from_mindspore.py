"""References of MindSpore's ``nn.learning_rate_schedule`` cells, from the formulas in MindSpore's documentation."""
import numpy as np
from numpy.typing import ArrayLike

from ms_lr.reference.common import steps_of

__all__ = ["ms_cosine_decay", "ms_warmup", "ms_polynomial_decay", "ms_exponential_decay", "ms_natural_exp_decay",
           "ms_inverse_decay"]


def ms_cosine_decay(steps: ArrayLike, min_lr: float, max_lr: float, decay_steps: int) -> np.ndarray:
    """min_lr + (max_lr - min_lr) / 2 * (1 + cos(pi * min(k, D) / D))."""
    k = np.minimum(steps_of(steps), decay_steps)
    return min_lr + 0.5 * (max_lr - min_lr) * (1.0 + np.cos(np.pi * k / decay_steps))


def ms_warmup(steps: ArrayLike, learning_rate: float, warmup_steps: int) -> np.ndarray:
    """learning_rate * min(k, W) / W; W = 0 is no warmup."""
    k = steps_of(steps)
    if not warmup_steps:
        return np.full(k.shape, float(learning_rate))
    return learning_rate * np.minimum(k, warmup_steps) / warmup_steps


def ms_polynomial_decay(steps: ArrayLike, learning_rate: float, end_learning_rate: float, decay_steps: int,
                        power: float, update_decay_steps: bool) -> np.ndarray:
    """(lr - end) * (1 - k / D') ** power + end with D' = D * max(ceil(k / D), 1) when updating, else k <= D."""
    k = steps_of(steps).astype(np.float64)
    if update_decay_steps:
        period = decay_steps * np.maximum(np.ceil(k / decay_steps), 1.0)
    else:
        k, period = np.minimum(k, decay_steps), decay_steps
    return (learning_rate - end_learning_rate) * (1.0 - k / period) ** power + end_learning_rate


def _progress(steps: ArrayLike, decay_steps: int, is_stair: bool) -> np.ndarray:
    p = steps_of(steps) / decay_steps
    return np.floor(p) if is_stair else p


def ms_exponential_decay(steps: ArrayLike, learning_rate: float, decay_rate: float, decay_steps: int,
                         is_stair: bool) -> np.ndarray:
    """learning_rate * decay_rate ** p, p = k / D (floored when is_stair)."""
    return learning_rate * np.power(float(decay_rate), _progress(steps, decay_steps, is_stair))


def ms_natural_exp_decay(steps: ArrayLike, learning_rate: float, decay_rate: float, decay_steps: int,
                         is_stair: bool) -> np.ndarray:
    """learning_rate * e ** (-decay_rate * p): p = k, or floor(k / D) * D when is_stair (MindSpore's cell)."""
    k = steps_of(steps)
    p = (k // decay_steps) * decay_steps if is_stair else k
    return learning_rate * np.exp(-decay_rate * p.astype(np.float64))


def ms_inverse_decay(steps: ArrayLike, learning_rate: float, decay_rate: float, decay_steps: int,
                     is_stair: bool) -> np.ndarray:
    """learning_rate / (1 + decay_rate * p), p = k / D (floored when is_stair)."""
    return learning_rate / (1.0 + decay_rate * _progress(steps, decay_steps, is_stair))

"""References of MindFormers' schedules (``mindformers/core/lr/lr_schedule.py``), from its formulas in float64.

Where MindFormers misbehaves these follow the sane definition the ms_lr classes document: a restart schedule holds
``lr_end`` (not 0) after its last cycle, a polynomial holds ``lr_end`` after its decay (not NaN), ``lr_end2=0`` is 0.
Step counts from ratios are ``int(total_steps * ratio)``, as MindFormers rounds them.
"""
from typing import Optional

import numpy as np
from numpy.typing import ArrayLike

from ms_lr.reference.common import steps_of, warmup_ramp

__all__ = ["mf_constant_warmup", "mf_linear_with_warmup", "mf_cosine_with_warmup", "mf_cosine_with_restarts",
           "mf_polynomial_with_warmup", "mf_constant_with_cooldown"]


def _resolve(steps: Optional[int], ratio: Optional[float], total_steps: Optional[int]) -> int:
    return int(total_steps * ratio) if ratio is not None else (steps or 0)


def _with_warmup(k: np.ndarray, warmup: int, start: float, peak: float, after: np.ndarray) -> np.ndarray:
    if not warmup:
        return after
    return np.where(k < warmup, warmup_ramp(k, start, peak, warmup), after)


def mf_constant_warmup(steps: ArrayLike, learning_rate: float, warmup_steps: Optional[int], warmup_lr_init: float,
                       warmup_ratio: Optional[float], total_steps: Optional[int]) -> np.ndarray:
    """A linear warmup from warmup_lr_init, then learning_rate."""
    k = steps_of(steps)
    warmup = _resolve(warmup_steps, warmup_ratio, total_steps)
    return _with_warmup(k, warmup, warmup_lr_init, learning_rate, np.full(k.shape, float(learning_rate)))


def mf_linear_with_warmup(steps: ArrayLike, learning_rate: float, total_steps: int, warmup_steps: Optional[int],
                          warmup_lr_init: float, warmup_ratio: Optional[float]) -> np.ndarray:
    """Warmup, then learning_rate * max(0, (total - k) / max(1, total - W))."""
    k = steps_of(steps)
    warmup = _resolve(warmup_steps, warmup_ratio, total_steps)
    linear = learning_rate * np.maximum(0.0, (total_steps - k) / max(1, total_steps - warmup))
    return _with_warmup(k, warmup, warmup_lr_init, learning_rate, linear)


def _decay_steps(decay_steps: Optional[int], decay_ratio: Optional[float], total_steps: int) -> int:
    if decay_ratio is not None:
        return int(total_steps * decay_ratio)
    return max(1, decay_steps) if decay_steps is not None else max(1, total_steps)


def mf_cosine_with_warmup(steps: ArrayLike, learning_rate: float, warmup_steps: Optional[int],
                          total_steps: int, num_cycles: float, lr_end: float, warmup_lr_init: float,
                          warmup_ratio: Optional[float], decay_steps: Optional[int],
                          decay_ratio: Optional[float]) -> np.ndarray:
    """Warmup, then lr_end + (lr - lr_end) (1 + cos(2 pi n (k - W) / C)) / 2 with C = max(1, total - W); lr_end
    from the absolute step decay_steps on."""
    k = steps_of(steps)
    warmup = _resolve(warmup_steps, warmup_ratio, total_steps)
    cosine_steps = max(1, total_steps - warmup)
    decay = _decay_steps(decay_steps, decay_ratio, total_steps)
    progress = (k - warmup) / cosine_steps
    # (1 + cos 2x) / 2 = cos**2 x: the blend of the two lrs by cos**2 and sin**2 keeps relative precision next to
    # either end, where 1 + cos cancels (a rise from 0 to lr_end starts at sin**2 x).
    half_angle = np.pi * num_cycles * progress
    waves = learning_rate * np.cos(half_angle) ** 2 + lr_end * np.sin(half_angle) ** 2
    return np.where(k >= decay, lr_end, _with_warmup(k, warmup, warmup_lr_init, learning_rate, waves))


def mf_cosine_with_restarts(steps: ArrayLike, learning_rate: float, warmup_steps: Optional[int],
                            total_steps: int, num_cycles: float, lr_end: float, warmup_lr_init: float,
                            warmup_ratio: Optional[float], decay_steps: Optional[int]) -> np.ndarray:
    """Warmup, then num_cycles cosines from learning_rate to lr_end over C = max(1, total - W) steps, each
    restarting at the top; lr_end after them and from the absolute step decay_steps on."""
    k = steps_of(steps)
    warmup = _resolve(warmup_steps, warmup_ratio, total_steps)
    cosine_steps = max(1, total_steps - warmup)
    decay = max(1, decay_steps) if decay_steps is not None else max(1, total_steps)
    progress = (k - warmup) / cosine_steps
    phase = np.mod(num_cycles * progress, 1.0)
    waves = lr_end + (learning_rate - lr_end) * 0.5 * (1.0 + np.cos(np.pi * phase))
    waves = np.where(progress < 1.0, waves, lr_end)
    return np.where(k >= decay, lr_end, _with_warmup(k, warmup, warmup_lr_init, learning_rate, waves))


def mf_polynomial_with_warmup(steps: ArrayLike, learning_rate: float, total_steps: int,
                              warmup_steps: Optional[int], lr_end: float, power: float, warmup_lr_init: float,
                              warmup_ratio: Optional[float], decay_steps: Optional[int]) -> np.ndarray:
    """Warmup, then (lr - lr_end) (1 - (k - W) / D) ** power + lr_end with D = max(1, total - W) by default,
    lr_end once the decay is over."""
    k = steps_of(steps)
    warmup = _resolve(warmup_steps, warmup_ratio, total_steps)
    decay = max(1, decay_steps) if decay_steps is not None else max(1, total_steps - warmup)
    done = np.clip(k - warmup, 0, decay)
    poly = (learning_rate - lr_end) * (1.0 - done / decay) ** power + lr_end
    return _with_warmup(k, warmup, warmup_lr_init, learning_rate, poly)


def mf_constant_with_cooldown(steps: ArrayLike, learning_rate: float, warmup_steps: Optional[int],
                              warmup_lr_init: float, warmup_ratio: Optional[float], keep_steps: Optional[int],
                              decay_steps: Optional[int], decay_ratio: Optional[float], total_steps: Optional[int],
                              num_cycles: float, lr_end1: float, final_steps: Optional[int],
                              lr_end2: Optional[float]) -> np.ndarray:
    """Warmup W, learning_rate for K steps, cosine waves to lr_end1 over D steps, lr_end1 for F steps, lr_end2."""
    k = steps_of(steps)
    warmup = _resolve(warmup_steps, warmup_ratio, total_steps)
    if decay_ratio is not None:
        decay = int(total_steps * decay_ratio)
    else:
        decay = max(1, decay_steps) if decay_steps is not None else max(1, total_steps)
    keep, final = keep_steps or 0, final_steps or 0
    end2 = lr_end1 if lr_end2 is None else lr_end2
    progress = (k - keep - warmup) / decay
    waves = lr_end1 + (learning_rate - lr_end1) * 0.5 * (1.0 + np.cos(np.pi * num_cycles * 2.0 * progress))
    lr = np.where(k < warmup + keep, learning_rate, waves)
    lr = _with_warmup(k, warmup, warmup_lr_init, learning_rate, lr)
    lr = np.where(k >= warmup + keep + decay, lr_end1, lr)
    return np.where(k >= warmup + keep + decay + final, end2, lr)

"""References of the decays: step, multi-step, exponential, constant, linear, polynomial, WSD, inverse square root."""
from typing import Optional, Sequence

import numpy as np
from numpy.typing import ArrayLike

from ms_lr.reference.common import cosine, steps_of, warmup_ramp

__all__ = ["step_decay", "multi_step_decay", "exponential_decay", "constant_factor", "linear_factor",
           "polynomial_decay", "piecewise_constant", "warmup_stable_decay", "inverse_sqrt"]


def step_decay(steps: ArrayLike, base_lr: float, step_size: int, gamma: float) -> np.ndarray:
    """base_lr * gamma ** floor(k / step_size)."""
    return base_lr * np.power(float(gamma), (steps_of(steps) // step_size).astype(np.float64))


def multi_step_decay(steps: ArrayLike, base_lr: float, milestones: Sequence[int], gamma: float) -> np.ndarray:
    """base_lr * gamma ** (number of milestones <= k), a repeated milestone counting twice."""
    passed = np.searchsorted(np.asarray(milestones, dtype=np.int64), steps_of(steps), side="right")
    return base_lr * np.power(float(gamma), passed.astype(np.float64))


def exponential_decay(steps: ArrayLike, base_lr: float, gamma: float) -> np.ndarray:
    """base_lr * gamma ** k."""
    return base_lr * np.power(float(gamma), steps_of(steps).astype(np.float64))


def constant_factor(steps: ArrayLike, base_lr: float, factor: float, total_iters: int) -> np.ndarray:
    """base_lr * factor before total_iters, base_lr after."""
    return np.where(steps_of(steps) < total_iters, base_lr * factor, base_lr)


def linear_factor(steps: ArrayLike, base_lr: float, start_factor: float, end_factor: float,
                  total_iters: int) -> np.ndarray:
    """base_lr * (start + (end - start) * min(k, T) / T)."""
    t = np.minimum(steps_of(steps), total_iters) / total_iters
    return base_lr * (start_factor + (end_factor - start_factor) * t)


def polynomial_decay(steps: ArrayLike, base_lr: float, total_iters: int, power: float, end_lr: float,
                     cycle: bool) -> np.ndarray:
    """end_lr + (base_lr - end_lr) * (1 - k / D) ** power: D = total_iters with k held there, or with ``cycle`` the
    period D = total_iters * max(ceil(k / total_iters), 1)."""
    k = steps_of(steps)
    if cycle:
        period = total_iters * np.maximum(-(-k // total_iters), 1)
    else:
        k, period = np.minimum(k, total_iters), total_iters
    return end_lr + (base_lr - end_lr) * (1.0 - k / period) ** power


def piecewise_constant(steps: ArrayLike, milestones: Sequence[int], values: ArrayLike) -> np.ndarray:
    """values[number of milestones <= k]."""
    passed = np.searchsorted(np.asarray(milestones, dtype=np.int64), steps_of(steps), side="right")
    return np.asarray(values, dtype=np.float64)[passed]


def warmup_stable_decay(steps: ArrayLike, peak_lr: float, warmup_steps: int, stable_steps: int, decay_steps: int,
                        min_lr: float, decay: str, start_lr: float, warmup: str, stable: str,
                        stable_timescale: Optional[int], stable_power: float, decay_power: float,
                        decay_ratio: float) -> np.ndarray:
    """A warmup from start_lr (linear, cosine or 1-sqrt), a stable phase at peak_lr (flat, or decaying as
    (1 + j / tau) ** -q, held at min_lr or above), then a decay from the current stable lr to min_lr, held."""
    k = steps_of(steps)
    t = np.clip((k - warmup_steps - stable_steps) / decay_steps, 0.0, 1.0)
    r = decay_ratio
    shape = {"linear": 1.0 - t, "cosine": cosine(0.0, 1.0, t, 1.0), "1-sqrt": 1.0 - np.sqrt(t),
             "power": 1.0 - t ** decay_power, "exp": (r ** t - r) / (1.0 - r)}[decay]
    if stable == "constant":
        top = np.full(k.shape, float(peak_lr))
    else:
        tau = stable_timescale if stable_timescale is not None else warmup_steps
        q = 0.5 if stable == "rsqrt" else stable_power
        top = np.maximum(peak_lr * (1.0 + np.maximum(k - warmup_steps, 0) / tau) ** -q, min_lr)
    lr = min_lr + (top - min_lr) * shape
    if warmup_steps:
        x = k / warmup_steps
        rise = {"linear": x, "cosine": (1.0 - np.cos(np.pi * x)) / 2.0,
                "1-sqrt": 1.0 - np.sqrt(np.clip(1.0 - x, 0.0, None))}[warmup]
        lr = np.where(k < warmup_steps, start_lr + (peak_lr - start_lr) * rise, lr)
    return lr


def inverse_sqrt(steps: ArrayLike, peak_lr: float, warmup_steps: int, start_lr: float,
                 timescale: Optional[int]) -> np.ndarray:
    """Linear warmup to peak_lr at W, then peak_lr * sqrt(tau / (k - W + tau)), tau = timescale or W."""
    k = steps_of(steps)
    tau = timescale if timescale is not None else warmup_steps
    decayed = peak_lr * np.sqrt(tau / (np.maximum(k - warmup_steps, 0) + tau))
    if not warmup_steps:
        return decayed
    return np.where(k < warmup_steps, warmup_ramp(k, start_lr, peak_lr, warmup_steps), decayed)

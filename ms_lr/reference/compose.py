"""References of the compositions: each calls its children's references."""
from typing import Sequence

import numpy as np
from numpy.typing import ArrayLike

from ms_lr.reference.common import LAST_STEP, Nested, call, steps_of

__all__ = ["sequential", "product", "scaled", "per_epoch", "offset", "reducible", "cooldown"]


def sequential(steps: ArrayLike, schedules: Sequence[Nested], milestones: Sequence[int]) -> np.ndarray:
    """schedules[i](k - milestones[i - 1]) between consecutive milestones."""
    k = steps_of(steps)
    lr = call(schedules[0], k)
    for part, start in zip(schedules[1:], milestones):
        lr = np.where(k >= start, call(part, np.maximum(k - start, 0)), lr)
    return lr


def product(steps: ArrayLike, schedules: Sequence[Nested]) -> np.ndarray:
    """The product of several schedules' values."""
    return np.prod([call(part, steps_of(steps)) for part in schedules], axis=0)


def scaled(steps: ArrayLike, schedule: Nested, scale: float) -> np.ndarray:
    """scale * schedule(k)."""
    return scale * call(schedule, steps_of(steps))


def per_epoch(steps: ArrayLike, schedule: Nested, steps_per_epoch: int) -> np.ndarray:
    """schedule(floor(k / steps_per_epoch)): constant inside each epoch."""
    return call(schedule, steps_of(steps) // steps_per_epoch)


def offset(steps: ArrayLike, schedule: Nested, start_step: int) -> np.ndarray:
    """schedule(k + start_step), the shifted step held at 2**31 - 1."""
    return call(schedule, np.minimum(steps_of(steps), LAST_STEP - start_step) + start_step)


def reducible(steps: ArrayLike, schedule: Nested, factor: float) -> np.ndarray:
    """factor * schedule(k), the factor being the plateau callback's current one."""
    return factor * call(schedule, steps_of(steps))


def cooldown(steps: ArrayLike, schedule: Nested, start_step: int, cooldown_steps: int, min_lr: float,
             decay: str) -> np.ndarray:
    """schedule(k) before start_step s, then min_lr + (schedule(s) - min_lr) d((k - s) / D), min_lr after."""
    k = steps_of(steps)
    t = np.clip((k - start_step) / cooldown_steps, 0.0, 1.0)
    shape = {"linear": 1.0 - t, "cosine": (1.0 + np.cos(np.pi * t)) / 2.0, "1-sqrt": 1.0 - np.sqrt(t)}[decay]
    at_start = call(schedule, np.array([start_step]))[0]
    return np.where(k < start_step, call(schedule, k), min_lr + (at_start - min_lr) * shape)

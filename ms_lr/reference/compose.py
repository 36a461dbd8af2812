"""References of the compositions: each calls its children's references."""
from typing import Sequence

import numpy as np
from numpy.typing import ArrayLike

from ms_lr.reference.common import LAST_STEP, Nested, call, steps_of

__all__ = ["sequential", "product", "scaled", "per_epoch", "offset", "reducible"]


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

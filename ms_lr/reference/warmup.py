"""References of the warmups in front of a schedule."""
from typing import Optional

import numpy as np
from numpy.typing import ArrayLike

from ms_lr.reference.common import Nested, call, steps_of, warmup_ramp

__all__ = ["linear_warmup", "constant_warmup"]


def linear_warmup(steps: ArrayLike, after: Nested, warmup_steps: int, start_lr: float, end_lr: Optional[float],
                  warmup_prefix: bool) -> np.ndarray:
    """Linear from start_lr (step 0) toward end_lr (reached at step warmup_steps; after's first value by default),
    then ``after`` (on its own clock from warmup_steps when warmup_prefix)."""
    k = steps_of(steps)
    later = call(after, np.maximum(k - warmup_steps, 0) if warmup_prefix else k)
    if not warmup_steps:
        return later
    if end_lr is None:
        end_lr = float(call(after, np.zeros(1, dtype=np.int64))[0])
    return np.where(k < warmup_steps, warmup_ramp(k, start_lr, end_lr, warmup_steps), later)


def constant_warmup(steps: ArrayLike, after: Nested, warmup_steps: int, start_lr: float,
                    warmup_prefix: bool) -> np.ndarray:
    """start_lr for the first warmup_steps steps, then ``after``."""
    k = steps_of(steps)
    later = call(after, np.maximum(k - warmup_steps, 0) if warmup_prefix else k)
    return np.where(k < warmup_steps, start_lr, later)

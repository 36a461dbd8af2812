"""The steps a long schedule is checked at against its reference through ``2**31 - 1``."""
import numpy as np

from ms_lr.core.arguments import INT32_MAX


def through_2_31(schedule, seed, first=0):
    """Steps ``first .. 29,999``, every boundary of ``schedule`` up to ``2**31 - 1`` within 3 steps, 5,000 random
    steps and the last 3,001 (``first < 0`` adds negative steps, which give the value at step 0)."""
    marks = np.array(schedule.boundaries(INT32_MAX), dtype=np.int64)
    steps = np.unique(np.concatenate([np.arange(first, 30_000), (marks[:, None] + np.arange(-3, 4)).ravel(),
                                      np.random.default_rng(seed).integers(0, INT32_MAX, 5000),
                                      np.arange(INT32_MAX - 3000, INT32_MAX + 1)]))
    return steps[(steps >= first) & (steps <= INT32_MAX)]

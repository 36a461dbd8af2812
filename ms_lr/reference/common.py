"""Float64 helpers the references share: step arrays, nested schedules, the textbook cosine and cycle lookup."""
from typing import Any, Callable, Tuple, Union

import numpy as np

__all__ = ["LAST_STEP", "Nested", "steps_of", "call", "cosine", "cycles", "warmup_ramp"]

LAST_STEP = 2**31 - 1
# A nested schedule, as a reference receives it: its own reference function, or a constant lr.
Nested = Union[Callable[[np.ndarray], np.ndarray], float]


def steps_of(steps: Any) -> np.ndarray:
    """int64 steps, negatives as 0."""
    return np.maximum(np.asarray(steps, dtype=np.int64), 0)


def call(schedule: Any, steps: np.ndarray) -> np.ndarray:
    """A nested schedule's values: its reference (a callable) at ``steps``, or a constant lr broadcast."""
    if callable(schedule):
        return np.asarray(schedule(steps), dtype=np.float64)
    return np.full(np.shape(steps), float(schedule))


def cosine(low: Any, high: Any, numerator: Any, denominator: Any) -> np.ndarray:
    """low + (high - low) * (1 + cos(pi * numerator / denominator)) / 2, the textbook annealing curve."""
    return low + (high - low) * (1.0 + np.cos(np.pi * numerator / denominator)) / 2.0


def warmup_ramp(k: np.ndarray, start: Any, end: Any, length: int) -> np.ndarray:
    """start + (end - start) * k / length."""
    return start + (end - start) * k / length


def cycles(steps: np.ndarray, first: int, grow: Callable[[int], int]) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(cycle index, step in cycle, cycle length) for int64 ``steps``, cycle lengths from ``grow``.

    Boundaries are summed in Python integers until they pass the largest step; once a length repeats, every later
    cycle has it (the recurrence depends on the length alone) and the rest is integer division.
    """
    last = int(steps.max(initial=0))
    starts, lengths = [0], [first]
    while starts[-1] + lengths[-1] <= last:
        nxt = grow(lengths[-1])
        if nxt == lengths[-1]:
            break
        starts.append(starts[-1] + lengths[-1])
        lengths.append(nxt)
    starts_a = np.array(starts, dtype=np.int64)
    lengths_a = np.array(lengths, dtype=np.int64)
    index = np.searchsorted(starts_a, steps, side="right") - 1
    offset = steps - starts_a[index]
    length = lengths_a[index]
    extra = offset // length   # non-zero only past the last listed start, where the length has stopped changing
    return index + extra, offset - extra * length, length

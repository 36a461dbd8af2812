"""NumPy float64 references, one function per schedule, written from the formulas.

These share no code with the cells: cycle boundaries are found with Python integers and ``np.searchsorted``, phases
are the textbook ``0.5 * (1 + cos)`` forms, and every function is vectorized over an array of steps. Steps below 0
are treated as step 0, as the cells do. A nested schedule is passed as a callable ``steps -> values`` (or a float).
"""
import math

import numpy as np

_LAST_STEP = 2**31 - 1


def _steps(steps):
    return np.maximum(np.asarray(steps, dtype=np.int64), 0)


def _call(schedule, steps):
    if callable(schedule):
        return np.asarray(schedule(steps), dtype=np.float64)
    return np.full(np.shape(steps), float(schedule))


def _cosine(low, high, numerator, denominator):
    """low + (high - low) * (1 + cos(pi * numerator / denominator)) / 2, the textbook annealing curve."""
    return low + (high - low) * (1.0 + np.cos(np.pi * numerator / denominator)) / 2.0


def _cycles(steps, first, grow):
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


def cosine_annealing(steps, base_lr, T_max, eta_min=0.0):
    """torch CosineAnnealingLR's closed form; past T_max the cosine continues (period 2 * T_max)."""
    k = _steps(steps)
    # Reduce by the period in integers first: cos(pi * k / T) for k near 2**31 loses ~1e-6 rad in float64.
    return _cosine(eta_min, base_lr, k % (2 * T_max), T_max)


def cosine_warm_restarts(steps, base_lr, T_0, T_mult=1, eta_min=0.0):
    """SGDR: cycle i lasts T_0 * T_mult**i steps; within it, a cosine from base_lr to eta_min."""
    k = _steps(steps)
    _, t_cur, t_i = _cycles(k, T_0, lambda length: length * T_mult)
    return _cosine(eta_min, base_lr, t_cur, t_i)


def cosine_warmup_restarts(steps, first_cycle_steps, cycle_mult=1.0, max_lr=0.1, min_lr=0.001,
                           warmup_steps=0, gamma=1.0):
    """Seed 000's scheduler stepped once per step: per cycle a linear warmup from min_lr to max_lr * gamma**cycle,
    then a cosine down to min_lr; the next length is int((T - warmup) * cycle_mult) + warmup. Its constructor leaves
    the lr at min_lr, so step 0 is min_lr even without warmup."""
    k = _steps(steps)
    cycle, pos, length = _cycles(k, first_cycle_steps,
                                 lambda t: int((t - warmup_steps) * cycle_mult) + warmup_steps)
    peak = max_lr * np.power(float(gamma), cycle.astype(np.float64))
    with np.errstate(divide="ignore", invalid="ignore"):
        warm = min_lr + (peak - min_lr) * pos / max(warmup_steps, 1)
    anneal = _cosine(min_lr, peak, pos - warmup_steps, length - warmup_steps)
    lr = np.where(pos < warmup_steps, warm, anneal)
    return np.where(k == 0, min_lr, lr)


def linear_warmup(steps, after, warmup_steps, start_lr=0.0, end_lr=None, warmup_prefix=True):
    """Linear from start_lr (step 0) toward end_lr (reached at step warmup_steps), then ``after``."""
    k = _steps(steps)
    if end_lr is None:
        end_lr = float(_call(after, np.zeros(1, dtype=np.int64))[0])
    warm = start_lr + (end_lr - start_lr) * k / warmup_steps
    later = _call(after, np.maximum(k - warmup_steps, 0) if warmup_prefix else k)
    return np.where(k < warmup_steps, warm, later)


def constant_warmup(steps, after, warmup_steps, warmup_lr, warmup_prefix=True):
    """warmup_lr for the first warmup_steps steps, then ``after``."""
    k = _steps(steps)
    later = _call(after, np.maximum(k - warmup_steps, 0) if warmup_prefix else k)
    return np.where(k < warmup_steps, warmup_lr, later)

"""NumPy float64 references, one function per schedule, written from the formulas.

These share no code with the cells: cycle boundaries are found with Python integers and ``np.searchsorted``, phases
are the textbook ``0.5 * (1 + cos)`` forms, and every function is vectorized over an array of steps. Steps below 0
are treated as step 0, as the cells do. A nested schedule is passed as a callable ``steps -> values`` (or a float).
"""

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


def step_decay(steps, base_lr, step_size, gamma=0.1):
    """base_lr * gamma ** floor(k / step_size)."""
    return base_lr * np.power(gamma, (_steps(steps) // step_size).astype(np.float64))


def multi_step_decay(steps, base_lr, milestones, gamma=0.1):
    """base_lr * gamma ** (number of milestones <= k), a repeated milestone counting twice."""
    passed = np.searchsorted(np.asarray(milestones, dtype=np.int64), _steps(steps), side="right")
    return base_lr * np.power(gamma, passed.astype(np.float64))


def exponential_decay(steps, base_lr, gamma):
    """base_lr * gamma ** k."""
    return base_lr * np.power(gamma, _steps(steps).astype(np.float64))


def constant_factor(steps, base_lr, factor=1.0 / 3, total_iters=5):
    """base_lr * factor before total_iters, base_lr after."""
    return np.where(_steps(steps) < total_iters, base_lr * factor, base_lr)


def linear_factor(steps, base_lr, start_factor=1.0 / 3, end_factor=1.0, total_iters=5):
    """base_lr * (start + (end - start) * min(k, T) / T)."""
    t = np.minimum(_steps(steps), total_iters) / total_iters
    return base_lr * (start_factor + (end_factor - start_factor) * t)


def polynomial_decay(steps, base_lr, total_iters=5, power=1.0):
    """base_lr * (1 - min(k, T) / T) ** power."""
    return base_lr * (1.0 - np.minimum(_steps(steps), total_iters) / total_iters) ** power


def warmup_stable_decay(steps, peak_lr, warmup_steps, stable_steps, decay_steps, min_lr=0.0, decay="linear",
                        start_lr=0.0):
    """Linear warmup from start_lr, a plateau at peak_lr, then linear / cosine / 1-sqrt decay to min_lr, held."""
    k = _steps(steps)
    t = np.clip((k - warmup_steps - stable_steps) / decay_steps, 0.0, 1.0)
    shape = {"linear": 1.0 - t, "cosine": 0.5 * (1.0 + np.cos(np.pi * t)), "1-sqrt": 1.0 - np.sqrt(t)}[decay]
    lr = min_lr + (peak_lr - min_lr) * shape
    if warmup_steps:
        lr = np.where(k < warmup_steps, start_lr + (peak_lr - start_lr) * k / warmup_steps, lr)
    return lr


def inverse_sqrt(steps, peak_lr, warmup_steps, start_lr=0.0):
    """Linear warmup to peak_lr at W, then peak_lr * sqrt(W / k)."""
    k = _steps(steps)
    return np.where(k < warmup_steps, start_lr + (peak_lr - start_lr) * k / warmup_steps,
                    peak_lr * np.sqrt(warmup_steps / np.maximum(k, 1)))


def cyclic(steps, base_lr, max_lr, step_size_up=2000, step_size_down=None, mode="triangular", gamma=1.0):
    """Triangular waves between base_lr and max_lr; amplitude x1, x 0.5**(cycle - 1), or x gamma**k."""
    k = _steps(steps)
    down = step_size_up if step_size_down is None else step_size_down
    total = step_size_up + down
    cycle = np.floor(1 + k / total)
    x = 1.0 + k / total - cycle
    ratio = step_size_up / total
    height = np.where(x <= ratio, x / ratio, (x - 1) / (ratio - 1))
    scale = {"triangular": np.ones_like(cycle), "triangular2": 1 / 2.0 ** (cycle - 1),
             "exp_range": np.power(gamma, k.astype(np.float64))}[mode]
    return base_lr + (max_lr - base_lr) * height * scale


def one_cycle(steps, max_lr, total_steps, pct_start=0.3, anneal_strategy="cos", div_factor=25.0,
              final_div_factor=1e4, three_phase=False):
    """1cycle: phases ending at pct * T - 1 (and 2 pct T - 2), T - 1; cos or linear between their lrs; held after."""
    k = np.minimum(_steps(steps), total_steps - 1).astype(np.float64)
    initial = max_lr / div_factor
    low = initial / final_div_factor
    if three_phase:
        phases = [(pct_start * total_steps - 1, initial, max_lr), (2 * pct_start * total_steps - 2, max_lr, initial),
                  (total_steps - 1, initial, low)]
    else:
        phases = [(pct_start * total_steps - 1, initial, max_lr), (total_steps - 1, max_lr, low)]
    lr = np.zeros_like(k)
    done = np.zeros(k.shape, dtype=bool)
    start = 0.0
    for i, (end, lr_from, lr_to) in enumerate(phases):
        here = ~done & ((k <= end) | (i == len(phases) - 1))
        t = (k - start) / (end - start)
        if anneal_strategy == "cos":
            value = lr_to + (lr_from - lr_to) / 2.0 * (1 + np.cos(np.pi * t))
        else:
            value = lr_from + (lr_to - lr_from) * t
        lr = np.where(here, value, lr)
        done |= here
        start = end
    return lr


def sequential(steps, parts, milestones):
    """parts[i](k - milestones[i - 1]) between consecutive milestones; each part a callable on steps."""
    k = _steps(steps)
    lr = _call(parts[0], k)
    for part, start in zip(parts[1:], milestones):
        lr = np.where(k >= start, _call(part, np.maximum(k - start, 0)), lr)
    return lr


def swa_anneal(steps, base_lr, swa_lr, anneal_epochs=10, anneal_strategy="cos"):
    """torch SWALR: alpha = anneal(clip(k / max(1, A), 0, 1)), lr = swa_lr * alpha + base_lr * (1 - alpha)."""
    k = _steps(steps)
    if anneal_epochs == 0:
        k = np.maximum(k, 1)
    t = np.clip(k / max(1, anneal_epochs), 0.0, 1.0)
    alpha = (1 - np.cos(np.pi * t)) / 2 if anneal_strategy == "cos" else t
    return swa_lr * alpha + base_lr * (1 - alpha)


def product(steps, parts):
    """The product of several schedules' values."""
    return np.prod([_call(part, _steps(steps)) for part in parts], axis=0)


def scaled(steps, schedule, scale):
    """scale * schedule(k)."""
    return scale * _call(schedule, _steps(steps))


def per_epoch(steps, schedule, steps_per_epoch):
    """schedule(floor(k / steps_per_epoch)): constant inside each epoch."""
    return _call(schedule, _steps(steps) // steps_per_epoch)


def offset(steps, schedule, start_step):
    """schedule(k + start_step), the shifted step held at 2**31 - 1."""
    return _call(schedule, np.minimum(_steps(steps), _LAST_STEP - start_step) + start_step)


def tabulated(steps, values):
    """values[min(k, n - 1)]: the table, its last value held."""
    table = np.asarray(values, dtype=np.float64)
    return table[np.minimum(_steps(steps), table.size - 1)]

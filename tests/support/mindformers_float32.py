"""MindFormers' schedule cells as they compute, for the tests: float32 NumPy, step cast to float32, tensor ``if``s
as ``where``. Written from the behaviour of ``mindformers/core/lr/lr_schedule.py`` (MindFormers itself needs
MindSpore 2.11, newer than this project's range), one function per class, misbehaviour included."""
import numpy as np

F = np.float32


def _k(steps):
    return np.asarray(steps, dtype=np.int64).astype(F)


def _warm(k, warmup, init, lr):
    return F(init) + F(lr - init) * (k / F(max(warmup, 1)))


def constant_warmup(steps, learning_rate, warmup, init=0.0):
    k = _k(steps)
    return np.where(F(warmup) > k, _warm(k, warmup, init, learning_rate), F(learning_rate)).astype(F)


def linear_with_warmup(steps, learning_rate, total, warmup, init=0.0):
    k = _k(steps)
    linear = F(learning_rate) * np.maximum(F(0), (F(total) - k) / F(max(1, total - warmup)))
    return np.where(F(warmup) > k, _warm(k, warmup, init, learning_rate), linear).astype(F)


def cosine_with_warmup(steps, learning_rate, warmup, total, cycles=0.5, lr_end=0.0, init=0.0, decay=None):
    k = _k(steps)
    decay = max(1, total) if decay is None else decay
    progress = (k - F(warmup)) / F(max(1, total - warmup))
    percent = np.maximum(F(0), F(0.5) * (F(1) + np.cos(F(np.pi) * F(cycles) * F(2) * progress)))
    lr = F(lr_end) + F(learning_rate - lr_end) * percent
    lr = np.where(F(warmup) > k, _warm(k, warmup, init, learning_rate), lr)
    return np.where(k >= F(decay), F(lr_end), lr).astype(F)


def cosine_with_restarts(steps, learning_rate, warmup, total, cycles=1.0, lr_end=0.0, init=0.0, decay=None):
    k = _k(steps)
    decay = max(1, total) if decay is None else decay
    progress = (k - F(warmup)) / F(max(1, total - warmup))
    percent = np.maximum(F(0), F(0.5) * (F(1) + np.cos(F(np.pi) * np.mod(F(cycles) * progress, F(1)))))
    lr = np.where(progress < F(1), F(lr_end) + F(learning_rate - lr_end) * percent, F(0))   # 0 past the cycles
    lr = np.where(F(warmup) > k, _warm(k, warmup, init, learning_rate), lr)
    return np.where(k >= F(decay), F(lr_end), lr).astype(F)


def polynomial_with_warmup(steps, learning_rate, total, warmup, lr_end=1e-7, power=1.0, init=0.0, decay=None):
    k = _k(steps)
    decay = max(1, total - warmup) if decay is None else decay
    remaining = F(1) - (k - F(warmup)) / F(decay)
    with np.errstate(invalid="ignore"):
        lr = F(learning_rate - lr_end) * remaining ** F(power) + F(lr_end)
    lr = np.where(k > F(total), F(lr_end), lr)
    return np.where(F(warmup) > k, _warm(k, warmup, init, learning_rate), lr).astype(F)


def warmup_stable_decay(steps, learning_rate, lr_end, warmup, total, decay_start, init=0.0):
    k = _k(steps)
    decay = F(total - decay_start)
    lr = F(learning_rate) - F(learning_rate - lr_end) * ((k - F(decay_start)) / decay)
    lr = np.where(F(decay_start) > k, F(learning_rate), lr)
    return np.where(F(warmup) > k, _warm(k, warmup, init, learning_rate), lr).astype(F)


def constant_with_cooldown(steps, learning_rate, warmup, keep, decay, final, cycles=0.5, lr_end1=0.0, lr_end2=None,
                           init=0.0):
    k = _k(steps)
    lr_end2 = lr_end2 or lr_end1            # MindFormers' `or`: 0.0 becomes lr_end1
    progress = (k - F(keep) - F(warmup)) / F(decay)
    percent = np.maximum(F(0), F(0.5) * (F(1) + np.cos(F(np.pi) * F(cycles) * F(2) * progress)))
    waves = F(lr_end1) + F(learning_rate - lr_end1) * percent
    lr = np.where(F(warmup + keep + decay + final) > k, F(lr_end1), F(lr_end2))
    lr = np.where(F(warmup + keep + decay) > k, waves, lr)
    lr = np.where(F(warmup + keep) > k, F(learning_rate), lr)
    return np.where(F(warmup) > k, _warm(k, warmup, init, learning_rate), lr).astype(F)


def cosine_annealing(steps, base_lr, t_max, eta_min=0.0):
    k = _k(steps)
    percent = np.maximum(F(0), F(0.5) * (F(1) + np.cos(F(np.pi) * k / F(t_max))))
    return (F(eta_min) + F(base_lr - eta_min) * percent).astype(F)


def cosine_annealing_warm_restarts(steps, base_lr, t_0, t_mult=1, eta_min=0.0):
    """Cycles found with a float32 log, as MindFormers does."""
    k = _k(steps)
    if t_mult == 1:
        index = np.floor(k / F(t_0))
        t_cur, t_i = k - index * F(t_0), np.full_like(k, F(t_0))
    else:
        index = np.floor(np.log(k / F(t_0) * F(t_mult - 1.0) + F(1.0)) / F(np.log(t_mult)))
        q = np.power(F(t_mult), index)
        start = F(t_0) * (F(1.0) - q) / F(1.0 - t_mult)
        t_cur, t_i = k - start, F(t_0) * q
    t_cur = np.where(k < F(t_0), k, t_cur)
    t_i = np.where(k < F(t_0), F(t_0), t_i)
    percent = np.maximum(F(0), F(0.5) * (F(1) + np.cos(F(np.pi) * t_cur / t_i)))
    return (F(eta_min) + F(base_lr - eta_min) * percent).astype(F)

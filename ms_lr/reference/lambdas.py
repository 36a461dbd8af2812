"""References of the schedules built from user functions.

There is no formula for a user function: these call it directly, in float64 on the host (the compiled lambda on a
float64 tensor, the host lambda on Python ints), which the cells' float32 graph and host tables are checked against.
"""
from typing import Callable

import numpy as np
from mindspore import Tensor
from numpy.typing import ArrayLike

from ms_lr.reference.common import steps_of

__all__ = ["lambda_factor", "tabulated", "host_lambda", "multiplicative"]


def lambda_factor(steps: ArrayLike, base_lr: float, lr_lambda: Callable) -> np.ndarray:
    """base_lr * lr_lambda(k), the lambda run eagerly on float64 steps: on a NumPy array where its operators allow
    (MindSpore would make a Python scalar such as 0.95 a float32 even beside a float64 tensor), else on a float64
    tensor for MindSpore ops."""
    k = steps_of(steps).astype(np.float64)
    try:
        factor = np.asarray(lr_lambda(k), dtype=np.float64)
    except Exception:   # the user's function may need MindSpore tensors (ops.where, ...)
        factor = lr_lambda(Tensor(k))
        factor = factor.asnumpy() if isinstance(factor, Tensor) else np.asarray(factor, dtype=np.float64)
    return base_lr * np.broadcast_to(factor, k.shape).astype(np.float64)


def tabulated(steps: ArrayLike, values: ArrayLike) -> np.ndarray:
    """values[min(k, n - 1)]: the table, its last value held."""
    table = np.asarray(values, dtype=np.float64)
    return table[np.minimum(steps_of(steps), table.size - 1)]


def host_lambda(steps: ArrayLike, base_lr: float, lr_lambda: Callable, total_steps: int) -> np.ndarray:
    """base_lr * lr_lambda(min(k, total_steps - 1)), the lambda called on Python ints."""
    k = np.minimum(steps_of(steps), total_steps - 1)
    unique, inverse = np.unique(k, return_inverse=True)
    values = np.array([base_lr * float(lr_lambda(int(step))) for step in unique], dtype=np.float64)
    return values[inverse].reshape(k.shape)


def multiplicative(steps: ArrayLike, base_lr: float, lr_lambda: Callable, total_steps: int) -> np.ndarray:
    """base_lr * prod(lr_lambda(j) for j in 1..min(k, total_steps - 1))."""
    k = np.minimum(steps_of(steps), total_steps - 1)
    running = [base_lr]
    for j in range(1, int(k.max(initial=0)) + 1):
        running.append(running[-1] * float(lr_lambda(j)))
    return np.asarray(running, dtype=np.float64)[k]

"""The step a schedule is evaluated at: any integer or floating-point step tensor, clamped to int32 ``[0, 2**31 - 1]``.

Optimizers pass ``global_step`` as an int32 ``[1]`` Parameter; users also call schedules on scalars, vectors,
int64 counters, float epochs, NumPy arrays and Python ints. Every one of those gives the schedule's value at the
floor of the step, saturated to ``[0, 2**31 - 1]``: negative steps (and NaN) behave as step 0, steps past
``2**31 - 1`` (and ``+inf``) as step ``2**31 - 1``. Anything else (bool, complex, strings) is a ``TypeError`` that
names ``global_step``.
"""
import numbers
from typing import Any

import mindspore as ms
import numpy as np
from mindspore import Tensor, ops

from ms_lr.core.arguments import INT32_MAX

__all__ = ["to_step", "step_tensor"]

_HOW = ("pass a Tensor, a NumPy array or Python int(s) of integer or floating-point steps; "
        "ms_lr.evaluate(schedule, steps) returns the values as a NumPy array")
_NARROW_INTS = (ms.int8, ms.int16, ms.uint8, ms.uint16)
# The largest float32 below 2**31: float32 steps in [2**31 - 128, 2**31) all round to it.
_FLOAT32_BELOW_2_31 = float(np.nextafter(np.float32(2.0**31), np.float32(0)))


def to_step(global_step: Tensor, negative_steps_held: bool = False) -> Tensor:
    """Clamp a step tensor of any real dtype to int32 ``[0, 2**31 - 1]`` (branch-free; the dtype is static).

    ``negative_steps_held``: the schedule's graph itself gives every negative int32 step the value at step 0 (a
    phase table with a phase for them), so an int32 step, an optimizer's ``global_step``, passes unchanged (one
    kernel fewer per step); other dtypes are still converted and clamped."""
    dtype = global_step.dtype
    if dtype == ms.int32:
        return global_step if negative_steps_held else ops.maximum(global_step, 0)
    if dtype in _NARROW_INTS:
        # Widen first: compared in its own dtype, the bound 2**31 - 1 would wrap (to -1 for int8).
        return ops.maximum(ops.cast(global_step, ms.int32), 0)
    if dtype == ms.int64:
        # Clamp before the cast so steps past the int32 range saturate instead of wrapping negative
        # (clip_by_value is no good here: it rounds the bound through float32, to 2**31).
        return ops.cast(ops.minimum(ops.maximum(global_step, 0), INT32_MAX), ms.int32)
    if dtype == ms.uint32:
        return ops.cast(ops.minimum(ops.cast(global_step, ms.int64), INT32_MAX), ms.int32)
    if dtype == ms.uint64:
        # A cast to int64 would wrap steps >= 2**63; clamp in uint64 (against a uint64 bound) first.
        return ops.cast(ops.minimum(global_step, Tensor(INT32_MAX, ms.uint64)), ms.int32)
    if dtype in (ms.float16, ms.bfloat16, ms.float32, ms.float64):
        wide = dtype == ms.float64
        real = global_step if wide else ops.cast(global_step, ms.float32)
        real = ops.where(real > 0, real, ops.zeros_like(real))            # NaN and negatives: step 0
        beyond = real >= 2.0**31                                           # and +inf
        below = 2.0**31 - 1 if wide else _FLOAT32_BELOW_2_31
        whole = ops.cast(ops.floor(ops.minimum(real, below)), ms.int32)
        return ops.where(beyond, INT32_MAX, whole)
    raise TypeError(f"global_step must have an integer or floating-point dtype, got {dtype}: {_HOW}")


def step_tensor(global_step: Any) -> Tensor:
    """What a schedule is called with on the host, as a Tensor: Python ints/floats, NumPy arrays and sequences
    become tensors; a Tensor is passed through once its dtype is checked."""
    if isinstance(global_step, Tensor):
        dtype = global_step.dtype
        if dtype == ms.bool_ or dtype in (ms.complex64, ms.complex128):
            raise TypeError(f"global_step must have an integer or floating-point dtype, got {dtype}: {_HOW}")
        return global_step
    if isinstance(global_step, (bool, np.bool_)):
        raise TypeError(f"global_step must be a step number, got a bool ({global_step!r}): {_HOW}")
    if isinstance(global_step, numbers.Integral):
        return Tensor(np.int32(min(max(int(global_step), 0), INT32_MAX)))
    if isinstance(global_step, (numbers.Real, list, tuple, np.ndarray, np.generic)):
        array = np.asarray(global_step)
        if array.dtype.kind == "O" and all(isinstance(v, numbers.Integral) and not isinstance(v, bool)
                                           for v in array.flat):
            array = np.array([min(max(int(v), 0), INT32_MAX) for v in array.flat]).reshape(array.shape)
        if array.dtype.kind in "iu":
            # Saturate on the host: NumPy would wrap Python ints beyond int64, and int32 is what the cell wants.
            return Tensor(np.clip(array, 0, INT32_MAX).astype(np.int32))
        if array.dtype.kind == "f":
            return Tensor(array)
        raise TypeError(f"global_step must hold integer or floating-point steps, got {array.dtype}: {_HOW}")
    raise TypeError(f"global_step must be a step tensor, got {type(global_step).__name__} "
                    f"({global_step!r:.60}): {_HOW}")

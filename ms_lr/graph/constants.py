"""Float32 constants for the cells, rounded once from float64 at construction."""
import math

import numpy as np
from mindspore import Tensor

__all__ = ["f32", "i32", "half_pi_over"]


def f32(value: float) -> Tensor:
    """A float32 scalar constant tensor."""
    return Tensor(np.float32(value))


def i32(value: int) -> Tensor:
    """An int32 scalar constant tensor. A step compared with (or multiplied by) one compiles to MindSpore's
    documented ``Less``/``Mul``; against a Python int it becomes ``LessScalar``/``Muls``, which its documentation
    does not list for any platform (see :mod:`ms_lr.tools.op_audit`)."""
    return Tensor(np.int32(value))


def half_pi_over(length: float) -> Tensor:
    """``pi / (2 * length)`` rounded once to float32, the phase scale of a half-cosine over ``length`` steps."""
    return f32(math.pi / (2.0 * length))

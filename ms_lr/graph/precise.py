"""Powers near 1 in float64, where float32 would lose an lr approaching 0.

``1 - x**p`` for ``x`` near 1 needs ``expm1`` and ``log1p``. MindSpore's CPU kernels of those compute
``exp(a) - 1`` and ``log(1 + a)``, in float32 (1.4e-3 and 1.7e-4 relative error near 0) and in float64 alike
(8e-8 at ``a = -1e-10``, 2e-5 at ``-1e-12``; measured on 2.7 and 2.10). So these few shapes (``k_decay``, polynomial
and exponential decay weights) run in float64 and round once to float32, and ``expm1`` is ``2 sinh(a/2) exp(a/2)``,
which nothing cancels (within 2 float64 ulps of ``numpy.expm1`` from ``1e-300`` to ``709``), and which Ascend can
run: CANN's ``aclnnExpm1`` rejects float64 (``math/expm1/op_api/aclnn_expm1.cpp`` in CANN's ops-math), its
``aclnnSinh`` and ``aclnnExp`` take it. ``log1p`` is left as it is: its argument ``1 - left`` is exact in float64
for every float32 fraction ``left >= 2**-29`` (a cycle of under ``2**29`` steps), so ``log`` is taken of an exact
number. The exponent is a float64 constant too (a float32 ``1.7`` is off by 3e-8, which ``x**p`` multiplies by
``|ln x|``). Ascend runs float64 on its AI CPU: a schedule using these is slower there.
"""
from typing import Tuple

import mindspore as ms
import numpy as np
from mindspore import Tensor, ops

__all__ = ["f64", "expm1", "power_and_rest"]


def f64(value: float) -> Tensor:
    """A float64 scalar constant tensor."""
    return Tensor(np.float64(value))


_HALF = f64(0.5)
_TWO = f64(2.0)


def expm1(a: Tensor) -> Tensor:
    """``exp(a) - 1`` for a float64 ``a``, to float64's precision near 0 too: ``2 sinh(a/2) exp(a/2)``."""
    half = a * _HALF
    return _TWO * ops.sinh(half) * ops.exp(half)


def power_and_rest(done: Tensor, left: Tensor, exponent: Tensor) -> Tuple[Tensor, Tensor]:
    """``(x**p, 1 - x**p)`` for a fraction ``x`` given as float32 ``done = x`` and ``left = 1 - x``, each rounded
    once: each from the one that determines it best. Below ``x = 1/2``, from ``done`` (``1 - x**p`` is then far
    from 0 for ``p >= 1``, and for ``p < 1`` ``left``'s rounding would be magnified by the infinite slope of
    ``x**p`` at 0); above, from ``left`` (``-expm1(p * log1p(-left))``, exact as ``x -> 1``)."""
    done64, left64 = ops.cast(done, ms.float64), ops.cast(left, ms.float64)
    low = ops.exp(exponent * ops.log(done64))
    # From left, x**p is exp(a) itself: 1 + expm1(a) is -1 within a rounding where x**p < 2**-53 and can come out
    # as -1.1e-16 (a negative lr, PolyCyclesLR with k_decay = 415); exp(a) is never negative.
    high = exponent * ops.log1p(-left64)
    rest_high = -expm1(high)
    from_done = done64 < _HALF
    head = ops.where(from_done, low, ops.exp(high))
    rest = ops.where(from_done, 1.0 - low, rest_high)
    return ops.cast(head, ms.float32), ops.cast(rest, ms.float32)

"""Integer powers of a decay factor, accurate for every exponent up to 2**31 - 1."""
import math
from typing import Optional

import mindspore as ms
import numpy as np
from mindspore import Tensor, ops

from ms_lr.core.arguments import FLOAT32_TINY, INT32_MAX
from ms_lr.core.blocks import GraphBlock
from ms_lr.graph.constants import f32, i32

__all__ = ["IntegerPower"]


class IntegerPower(GraphBlock):
    """``base ** n`` (``base > 0``) for int32 ``n >= 0``, within 2.3e-7 relative (measured) for every ``n`` up to
    ``2**31 - 1`` (a base above 1 only as far as its powers fit float32, which its schedule checks).

    ``pow(float32(base), n)`` alone is off by ``n`` times the base's rounding error (16% at ``base = 1 - 1e-6``,
    ``n = 1.4e7``), and MindSpore's CPU ``exp`` is off by up to 7e-6. So the rounding is carried separately:
    ``base**n = pow(b32, n) * pow(2, n * log2(base / b32))``, where 2 is exact and the second exponent is tiny.
    That is exact while ``n`` is (``n <= 2**24``). A base within ``2**-20`` of 1 still matters past ``2**24``, where
    ``n`` rounds in float32; there ``base**n = 2**(hi * l8) * 2**(lo * l8) * 2**(n * rest)`` with ``n = hi + lo``
    split on 2**15 and ``log2(base) = l8 + rest`` split after 8 significant bits, so each big product is exact.
    A base below float32's smallest normal number (``1.2e-38``) has ``base**n`` at or below it for every ``n >= 1``,
    which float32 holds as 0 (or a subnormal a device may flush): there the power is ``1`` at ``n = 0``, else 0.
    """

    def __init__(self, base: float):
        super().__init__()
        self.base_value = base
        self.two = f32(2.0)
        self.tiny = base < FLOAT32_TINY
        self.near_one = abs(base - 1.0) <= 2.0**-20
        if self.tiny:
            return
        if self.near_one:
            self.split = i32(32768)
            log2 = math.log2(base)
            exponent = math.frexp(log2)[1]
            head = math.ldexp(round(math.ldexp(log2, 8 - exponent)), exponent - 8) if log2 else 0.0
            self.head, self.rest = f32(head), f32(log2 - head)
        else:
            rounded = float(np.float32(base))
            self.base = f32(rounded)
            correction = math.log2(base / rounded)
            self.correction = f32(correction) if correction != 0.0 else None

    def settles_from(self, scale: float) -> Optional[int]:
        """The first ``n`` from which ``scale * base**n`` stops changing in float32: 0 for a base of 1 or a scale of
        0; for a base below 1, where it falls below float32's smallest normal number (1.2e-38, which float32 holds
        as 0 or a subnormal a device may flush, and the accuracy contract counts as 0), with a margin of 1e-6
        relative for this power's own error. ``None`` where it keeps changing through ``2**31 - 1``."""
        if self.base_value == 1.0 or scale < FLOAT32_TINY:
            return 0
        if self.base_value > 1.0:
            return None
        # scale * base**n < tiny * (1 - 1e-6)  <=>  n > log(tiny * (1 - 1e-6) / scale) / log(base), and one more
        # step for the rounding of the float64 logarithms.
        n = math.floor(math.log(FLOAT32_TINY * (1 - 1e-6) / scale) / math.log(self.base_value)) + 2
        return max(n, 0) if n <= INT32_MAX else None

    def under_from(self, limit: float) -> Optional[int]:
        """The first ``n`` from which the float32 power :meth:`of` gives is at most ``limit`` for every later ``n``:
        its error bounded by 1e-5 relative (2.3e-7 measured) plus 1e-40 absolute where it is subnormal. ``None``
        where no ``n`` gives it (a base of 1 or more, or a limit the absolute error alone reaches)."""
        margin = 1 + 1e-5
        if margin * 1e-40 >= limit:
            return None
        if margin * (1 + 1e-40) <= limit:
            return 0
        if self.base_value >= 1.0:
            return None
        # From just under the logarithm's answer (its rounding must not overshoot the smallest n) up.
        n = max(0, math.floor(math.log(limit / margin) / math.log(self.base_value)) - 1)
        while margin * (self.base_value**n + 1e-40) > limit:
            n += 1
        return n

    def of(self, n: Tensor) -> Tensor:
        """``base ** n`` for int32 ``n >= 0``, float32."""
        if self.tiny:
            return ops.cast(n == 0, ms.float32)
        exponent = ops.cast(n, ms.float32)
        if self.near_one:
            high = ops.floor_div(n, self.split) * self.split
            low = ops.cast(n - high, ms.float32)
            return (ops.pow(self.two, ops.cast(high, ms.float32) * self.head) * ops.pow(self.two, low * self.head)
                    * ops.pow(self.two, exponent * self.rest))
        power = ops.pow(self.base, exponent)
        if self.correction is not None:
            # Where pow(b32, n) is representable |n * correction| stays below ~8; where it has underflowed to 0 the
            # correction could overflow to inf (0 * inf = NaN), so its exponent is capped.
            power = power * ops.pow(self.two, ops.minimum(exponent * self.correction, 126.0))
        return power

"""Learning-rate noise: a schedule times ``1 + n``, with ``n`` a deterministic function of the step and a seed."""
import math
from typing import Annotated, List, Literal, Optional

import mindspore as ms
import numpy as np
from mindspore import Tensor, ops

from ms_lr.core.arguments import INT32_MAX, RealRule, Steps
from ms_lr.core.schedule import Schedule
from ms_lr.core.settled import Repeats
from ms_lr.graph.constants import i32
from ms_lr.graph.precise import f64
from ms_lr.reference.noise import noisy

__all__ = ["NoisyLR"]
#: The family the catalogue (the schedules guide's table, ``python -m ms_lr list``) shows this module's schedules under.
FAMILY = "noise"

_LOW32 = 0xFFFFFFFF
# Acklam's rational approximation of the inverse normal CDF (relative error < 1.2e-9): MindSpore's erfinv is off
# by 2e-5 beyond |x| = 0.99 and by 0.05 beyond 0.999 (float64, measured), which is where a normal's tails are.
_A = (-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
      -3.066479806614716e+01, 2.506628277459239e+00)
_B = (-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
      -1.328068155288572e+01, 1.0)
_C = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
      4.374664141464968e+00, 2.938163982698783e+00)
_D = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00, 1.0)
_TAIL = 0.02425


def _polynomial(x: Tensor, coefficients: tuple) -> Tensor:
    # float64 constant tensors: MindSpore takes a Python float beside a float64 tensor as a float32 scalar, and
    # the rational forms cancel enough for that rounding to show (5e-5).
    out = ops.zeros_like(x) + f64(coefficients[0])
    for coefficient in coefficients[1:]:
        out = out * x + f64(coefficient)
    return out


def _normal_quantile(half: Tensor) -> Tensor:
    """The standard normal's quantile at ``0.5 + half`` (float64, ``|half| < 0.5``), branch-free: the central
    rational form and the tail one are both computed and one selected."""
    r = half * half
    central = half * _polynomial(r, _A) / _polynomial(r, _B)
    # The tail from the smaller of p and 1 - p, each written without cancellation.
    q = ops.sqrt(f64(-2.0) * ops.log(0.5 - ops.abs(half)))
    lower = _polynomial(q, _C) / _polynomial(q, _D)
    tail = ops.where(half < f64(0.0), lower, -lower)
    return ops.where(ops.abs(half) <= f64(0.5 - _TAIL), central, tail)


class NoisyLR(Schedule, reference=noisy):
    r"""A schedule with multiplicative noise from ``start_step`` to ``end_step``: timm's ``noise_range_t``,
    ``noise_pct``, ``noise_std`` and ``noise_seed``, as a function of the step computed in the graph.

    .. math:: \eta_k = \text{schedule}(k)\,(1 + n_k), \quad s \le k < e

    :math:`n_k` is drawn from :math:`u_k \in (0, 1)`, an integer hash of ``seed + k`` (xor-shift-multiply on its low
    32 bits, the same on every device and after a resume): ``uniform`` is :math:`(2u_k - 1)\,\text{pct}`; ``normal``
    (timm's default) is a normal of standard deviation :math:`\sigma` truncated to :math:`(-p, p)` (``pct``), by
    its inverse CDF, :math:`\sigma\,\Phi^{-1}(\tfrac12 + (u_k - \tfrac12)\,\mathrm{erf}(p / (\sigma\sqrt2)))`,
    the law timm's rejection loop samples. The numbers are not torch's generator's: the lr curve differs from
    timm's run by its noise, not by its law.

    Args:
        schedule (Schedule): The schedule to perturb.
        start_step (int): :math:`s`, the first noisy step. Default: ``0``.
        end_step (int): :math:`e > s`, the first step after the noise. Default: ``None``, no end.
        pct (float): The noise's bound, in ``[0, 1)``. Default: ``0.67``.
        std (float): The normal's standard deviation, in ``[1e-6, 1e6]``. Default: ``1.0``.
        seed (int): ``>= 0``. Default: ``42``.
        distribution (str): ``'normal'`` or ``'uniform'``. Default: ``'normal'``.

    Raises:
        ValueError: If ``end_step <= start_step``, or an argument is out of range.

    Examples:
        >>> import ms_lr
        >>> sched = ms_lr.NoisyLR(ms_lr.FixedLR(1.0), start_step=2, pct=0.1, distribution="uniform")
        >>> values = ms_lr.evaluate(sched, range(6)).astype(float)
        >>> values[:2].tolist(), bool(((values[2:] > 0.9) & (values[2:] < 1.1)).all())
        ([1.0, 1.0], True)
    """

    def __init__(self, schedule: Schedule, start_step: Steps = 0, end_step: Optional[Steps] = None,
                 pct: Annotated[float, RealRule(0.0, 1.0, high_open=True)] = 0.67,
                 std: Annotated[float, RealRule(1e-6, 1e6)] = 1.0, seed: Steps = 42,
                 distribution: Literal["normal", "uniform"] = "normal"):
        super().__init__()
        if end_step is not None and end_step <= start_step:
            raise ValueError(f"end_step must be after start_step, got start_step={start_step}, end_step={end_step}")
        self.schedule = schedule
        self.start_step, self.end_step = start_step, INT32_MAX if end_step is None else end_step
        self.open_end = end_step is None
        self.seed = Tensor(np.int64(seed))
        self.normal = distribution == "normal"
        self.double_pct, self.std = f64(2.0 * pct), f64(std)
        # The probability a normal of this std has inside (-pct, pct): the quantile's range.
        self.width = f64(math.erf(pct / std / math.sqrt(2.0)))
        self.start, self.end = i32(start_step), i32(self.end_step)
        self.low32, self.inv_two_32 = Tensor(np.int64(_LOW32)), f64(2.0**-32)
        self.multipliers = (Tensor(np.int64(0x7FEB352D)), Tensor(np.int64(0x68E31DA5)))
        self.shifts = (Tensor(np.int64(65536)), Tensor(np.int64(32768)))

    def _uniform(self, step: Tensor) -> Tensor:
        """``u_k`` in float64: the hash of ``seed + k`` (shifts as exact floor divisions of non-negative ints)."""
        x = ops.bitwise_and(ops.cast(step, ms.int64) + self.seed, self.low32)
        x = ops.bitwise_xor(x, ops.floor_div(x, self.shifts[0]))
        x = ops.bitwise_and(x * self.multipliers[0], self.low32)
        x = ops.bitwise_xor(x, ops.floor_div(x, self.shifts[1]))
        x = ops.bitwise_and(x * self.multipliers[1], self.low32)
        x = ops.bitwise_xor(x, ops.floor_div(x, self.shifts[0]))
        return (ops.cast(x, ms.float64) + 0.5) * self.inv_two_32

    def value(self, step: Tensor) -> Tensor:
        centred = self._uniform(step) - 0.5
        noise = self.std * _normal_quantile(centred * self.width) if self.normal else centred * self.double_pct
        lr = self.schedule.at(step)
        inside = step >= self.start if self.open_end else (step >= self.start) & (step < self.end)
        return ops.where(inside, ops.cast(ops.cast(lr, ms.float64) * (1.0 + noise), ms.float32), lr)

    def repeats(self) -> Optional[Repeats]:
        # From its end on, the schedule's own value.
        inner = self.schedule.repeats()
        return None if self.open_end or inner is None else inner.not_before(self.end_step)

    def upper_bound(self) -> Optional[float]:
        bound = self.schedule.upper_bound()
        return None if bound is None else bound * (1.0 + self._config["pct"])

    def boundaries(self, last: int) -> List[int]:
        marks = set(self.schedule.boundaries(last))
        marks |= {m for m in (self.start_step, None if self.open_end else self.end_step) if m and m <= last}
        return sorted(marks)

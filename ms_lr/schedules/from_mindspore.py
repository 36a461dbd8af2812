"""MindSpore's own schedule cells, by name and arguments: ``nn.CosineDecayLR``, ``WarmUpLR``, ``PolynomialDecayLR``,
``ExponentialDecayLR``, ``NaturalExpDecayLR`` and ``InverseDecayLR``.

MindSpore 2.9 deprecated all but ``CosineDecayLR``. These take the same arguments and give the same values (the
tests compare them with the real ``mindspore.nn`` cells), without the float32 losses of their formulas: exact
integer powers instead of ``pow(rate, k / D)``, and cosine weights that keep relative precision at the floor.
Each is a native ms_lr schedule underneath (``to_native()`` shows which), except ``InverseDecayLR``, which no native
schedule covers.
"""
import math
from typing import Annotated, List

import mindspore as ms
from mindspore import Tensor, ops

from ms_lr.core.arguments import INT32_MAX, Lr, PositiveSteps, RealRule, Steps, check_at_most, check_growth
from ms_lr.core.schedule import Schedule
from ms_lr.graph.constants import f32
from ms_lr.reference.from_mindspore import (
    ms_cosine_decay,
    ms_exponential_decay,
    ms_inverse_decay,
    ms_natural_exp_decay,
    ms_polynomial_decay,
    ms_warmup,
)
from ms_lr.schedules.cosine import CosineAnnealingLR
from ms_lr.schedules.decay import ExponentialLR, PolynomialLR, PolynomialPower, StepLR
from ms_lr.schedules.equivalent import Equivalent
from ms_lr.schedules.warmup import LinearWarmup

__all__ = ["CosineDecayLR", "WarmUpLR", "PolynomialDecayLR", "ExponentialDecayLR", "NaturalExpDecayLR",
           "InverseDecayLR"]
#: The family the catalogue (the schedules guide's table, ``python -m ms_lr list``) shows this module's schedules under.
FAMILY = "from MindSpore"

Rate = Annotated[float, RealRule(low=0.0, low_open=True)]
# e**-x underflows float64 to 0 past x = 745; its float32 powers are 0 from the first one on either way, so the
# smallest positive double stands for it (a decay factor must be > 0).
_SMALLEST_DOUBLE = 5e-324


class CosineDecayLR(Equivalent, reference=ms_cosine_decay):
    r"""MindSpore's ``nn.CosineDecayLR``: a cosine from ``max_lr`` to ``min_lr`` over ``decay_steps``, then
    ``min_lr``.

    .. math:: \eta_k = \eta_{min} + \tfrac12(\eta_{max} - \eta_{min})\left(1 + \cos\frac{\pi \min(k, D)}{D}\right)

    ``CosineAnnealingLR(max_lr, decay_steps, min_lr, hold_floor=True)`` underneath. MindSpore's cell computes
    ``1 + sin(pi (p + 1/2))`` in float32, which is exactly 0 over the last ~1e5 steps of a ``2**30``-step decay;
    this one keeps 2e-7 relative there. ``min_lr >= max_lr`` (a rising cosine), which MindSpore refuses, is accepted.

    Args:
        min_lr (float): The lr at and after ``decay_steps``.
        max_lr (float): The lr at step 0.
        decay_steps (int): Steps of the cosine, ``>= 1``.

    Raises:
        ValueError: If ``decay_steps < 1`` or an lr is negative or not finite.

    Examples:
        >>> import ms_lr
        >>> sched = ms_lr.CosineDecayLR(min_lr=0.01, max_lr=0.1, decay_steps=4)
        >>> ms_lr.evaluate(sched, range(6)).astype(float).round(5).tolist()
        [0.1, 0.08682, 0.055, 0.02318, 0.01, 0.01]
    """

    def __init__(self, min_lr: Lr, max_lr: Lr, decay_steps: PositiveSteps):
        super().__init__()
        self.native = CosineAnnealingLR(max_lr, decay_steps, min_lr, hold_floor=True)


class WarmUpLR(Equivalent, reference=ms_warmup):
    r"""MindSpore's ``nn.WarmUpLR``: a linear warmup from 0 to ``learning_rate`` over ``warmup_steps``, then held.

    .. math:: \eta_k = \eta \cdot \min(k, W) / W

    ``LinearWarmup(learning_rate, warmup_steps)`` underneath; ``warmup_steps=0`` (which MindSpore refuses) is the
    constant ``learning_rate``.

    Args:
        learning_rate (float): The lr reached at ``warmup_steps`` and held.
        warmup_steps (int): Warmup length ``W >= 0``.

    Raises:
        ValueError: If ``warmup_steps < 0`` or ``learning_rate`` is negative or not finite.

    Examples:
        >>> import ms_lr
        >>> ms_lr.evaluate(ms_lr.WarmUpLR(0.1, warmup_steps=4), range(6)).astype(float).round(5).tolist()
        [0.0, 0.025, 0.05, 0.075, 0.1, 0.1]
    """

    def __init__(self, learning_rate: Lr, warmup_steps: Steps):
        super().__init__()
        self.native = LinearWarmup(learning_rate, warmup_steps)


class PolynomialDecayLR(Equivalent, reference=ms_polynomial_decay):
    r"""MindSpore's ``nn.PolynomialDecayLR``: polynomial decay to ``end_learning_rate``, held or restarted.

    .. math::
        \eta_k = (\eta - \eta_{end}) \left(1 - \frac{k'}{D'}\right)^{p} + \eta_{end}, \quad
        (k', D') = \begin{cases} (k, D \max(\lceil k / D \rceil, 1)) & \text{update\_decay\_steps} \\
        (\min(k, D), D) & \text{otherwise} \end{cases}

    ``PolynomialLR(learning_rate, decay_steps, power, end_lr=end_learning_rate, cycle=update_decay_steps)``
    underneath. ``power`` is limited to ``[0, 5]`` (see :class:`PolynomialLR`), and ``end_learning_rate`` must not
    exceed ``learning_rate``: a rising polynomial loses float32 precision near its start (MindSpore's cell too).

    Args:
        learning_rate (float): The lr at step 0.
        end_learning_rate (float): The lr at the end of the decay, ``<= learning_rate``.
        decay_steps (int): Steps of the decay, ``>= 1``.
        power (float): Exponent, ``0 <= power <= 5``.
        update_decay_steps (bool): Restart with a longer period instead of holding. Default: ``False``.

    Raises:
        ValueError: If ``decay_steps < 1``, ``power`` is outside ``[0, 5]``, ``end_learning_rate > learning_rate``,
            or an lr is negative or not finite.

    Examples:
        >>> import ms_lr
        >>> sched = ms_lr.PolynomialDecayLR(0.1, 0.01, decay_steps=4, power=2.0)
        >>> ms_lr.evaluate(sched, range(6)).astype(float).round(6).tolist()
        [0.1, 0.060625, 0.0325, 0.015625, 0.01, 0.01]
    """

    def __init__(self, learning_rate: Lr, end_learning_rate: Lr, decay_steps: PositiveSteps, power: PolynomialPower,
                 update_decay_steps: bool = False):
        super().__init__()
        check_at_most("end_learning_rate", end_learning_rate, "learning_rate", learning_rate)
        self.native = PolynomialLR(learning_rate, decay_steps, power, end_lr=end_learning_rate,
                                   cycle=update_decay_steps)



class ExponentialDecayLR(Equivalent, reference=ms_exponential_decay):
    r"""MindSpore's ``nn.ExponentialDecayLR``: ``learning_rate * decay_rate ** (k / decay_steps)``.

    .. math:: \eta_k = \eta \cdot r^{p}, \quad p = k / D \quad (\lfloor k / D \rfloor \text{ if is\_stair})

    Underneath: ``ExponentialLR(learning_rate, decay_rate ** (1 / decay_steps))``, or with ``is_stair``
    ``StepLR(learning_rate, decay_steps, decay_rate)``: exact integer powers, where MindSpore's ``pow(rate, k / D)``
    carries the float32 rounding of ``k / D`` into the exponent. A ``decay_rate > 1`` is accepted as far as the lr
    stays in float32 up to step ``2**31 - 1``.

    Args:
        learning_rate (float): The lr at step 0.
        decay_rate (float): The factor per ``decay_steps`` steps, ``> 0``.
        decay_steps (int): ``D >= 1``.
        is_stair (bool): Decay in whole steps of ``D``. Default: ``False``.

    Raises:
        ValueError: If ``decay_steps < 1``, ``decay_rate <= 0`` or grows the lr past float32, or ``learning_rate``
            is negative or not finite.

    Examples:
        >>> import ms_lr
        >>> sched = ms_lr.ExponentialDecayLR(0.1, decay_rate=0.5, decay_steps=2)
        >>> ms_lr.evaluate(sched, range(5)).astype(float).round(5).tolist()
        [0.1, 0.07071, 0.05, 0.03536, 0.025]
    """

    def __init__(self, learning_rate: Lr, decay_rate: Rate, decay_steps: PositiveSteps, is_stair: bool = False):
        super().__init__()
        # The bound from decay_rate itself: the native ExponentialLR's, gamma**(2**31 - 1) with gamma a rounded root
        # of decay_rate, is low by up to 2**31 times that rounding (2e-7 relative) for a growing rate.
        self.top = check_growth("decay_rate", decay_rate, "learning_rate", learning_rate,
                                INT32_MAX // decay_steps if is_stair else INT32_MAX / decay_steps)
        self.native = StepLR(learning_rate, decay_steps, decay_rate) if is_stair else \
            ExponentialLR(learning_rate, decay_rate ** (1.0 / decay_steps))

    def upper_bound(self) -> float:
        return self.top


class NaturalExpDecayLR(Equivalent, reference=ms_natural_exp_decay):
    r"""MindSpore's ``nn.NaturalExpDecayLR``: ``learning_rate * exp(-decay_rate * p)``.

    .. math:: \eta_k = \eta \cdot e^{-r p}, \quad p = k \quad (\lfloor k / D \rfloor D \text{ if is\_stair})

    As MindSpore's cell computes it, the continuous form decays per *step* (``decay_steps`` only sets the stair
    width). Underneath: ``ExponentialLR(learning_rate, exp(-decay_rate))``, or with ``is_stair``
    ``StepLR(learning_rate, decay_steps, exp(-decay_rate * decay_steps))``; MindSpore's CPU ``exp`` is off by up to
    8e-6 relative, which the exact integer powers avoid.

    Args:
        learning_rate (float): The lr at step 0.
        decay_rate (float): ``r > 0``.
        decay_steps (int): The stair width ``D >= 1``.
        is_stair (bool): Decay in whole steps of ``D``. Default: ``False``.

    Raises:
        ValueError: If ``decay_steps < 1``, ``decay_rate <= 0`` or ``learning_rate`` is negative or not finite.

    Examples:
        >>> import ms_lr
        >>> sched = ms_lr.NaturalExpDecayLR(0.1, decay_rate=0.5, decay_steps=2, is_stair=True)
        >>> ms_lr.evaluate(sched, range(5)).astype(float).round(5).tolist()
        [0.1, 0.1, 0.03679, 0.03679, 0.01353]
    """

    def __init__(self, learning_rate: Lr, decay_rate: Rate, decay_steps: PositiveSteps, is_stair: bool = False):
        super().__init__()
        gamma = math.exp(-decay_rate * (decay_steps if is_stair else 1)) or _SMALLEST_DOUBLE
        self.native = StepLR(learning_rate, decay_steps, gamma) if is_stair else ExponentialLR(learning_rate, gamma)


class InverseDecayLR(Schedule, reference=ms_inverse_decay):
    r"""MindSpore's ``nn.InverseDecayLR``: ``learning_rate / (1 + decay_rate * k / decay_steps)``.

    .. math:: \eta_k = \frac{\eta}{1 + r p}, \quad p = k / D \quad (\lfloor k / D \rfloor \text{ if is\_stair})

    Args:
        learning_rate (float): The lr at step 0.
        decay_rate (float): ``r > 0``.
        decay_steps (int): ``D >= 1``.
        is_stair (bool): Decay in whole steps of ``D``. Default: ``False``.

    Raises:
        ValueError: If ``decay_steps < 1``, ``decay_rate <= 0`` or ``learning_rate`` is negative or not finite.

    Examples:
        >>> import ms_lr
        >>> sched = ms_lr.InverseDecayLR(0.1, decay_rate=0.5, decay_steps=2)
        >>> ms_lr.evaluate(sched, range(5)).astype(float).round(5).tolist()
        [0.1, 0.08, 0.06667, 0.05714, 0.05]
    """

    def __init__(self, learning_rate: Lr, decay_rate: Rate, decay_steps: PositiveSteps, is_stair: bool = False):
        super().__init__()
        self.decay_steps, self.is_stair = decay_steps, is_stair
        self.learning_rate = f32(learning_rate)
        self.rate = f32(decay_rate if is_stair else decay_rate / decay_steps)

    def value(self, step: Tensor) -> Tensor:
        progress = ops.floor_div(step, self.decay_steps) if self.is_stair else step
        return self.learning_rate / (1.0 + ops.cast(progress, ms.float32) * self.rate)

    def boundaries(self, last: int) -> List[int]:
        return list(range(self.decay_steps, last + 1, self.decay_steps)) if self.is_stair else []

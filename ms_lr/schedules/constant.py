"""A constant learning rate, as a schedule: what a list of schedules holds where one phase does not change."""
from typing import List

import mindspore as ms
import numpy as np
from mindspore import Tensor, ops

from ms_lr.core.arguments import Lr
from ms_lr.core.schedule import Schedule
from ms_lr.core.settled import Repeats
from ms_lr.reference.constant import fixed

__all__ = ["FixedLR"]
#: The family the catalogue (the schedules guide's table, ``python -m ms_lr list``) shows this module's schedules under.
FAMILY = "constant"


class FixedLR(Schedule, reference=fixed):
    r"""One lr at every step: Hugging Face's ``constant``, timm's and mindcv's ``constant`` without warmup, and a
    phase of :class:`SequentialLR` or a factor of :class:`Product` that does not change (a plain float there
    becomes one).

    .. math:: \eta_k = \text{lr}

    Args:
        lr (float): The learning rate.

    Raises:
        ValueError: If ``lr`` is negative or not finite.

    Examples:
        >>> import ms_lr
        >>> ms_lr.evaluate(ms_lr.FixedLR(0.01), [0, 10, 2**31 - 1]).astype(float).round(5).tolist()
        [0.01, 0.01, 0.01]
    """

    def __init__(self, lr: Lr):
        super().__init__()
        self.lr = float(np.float32(lr))

    def value(self, step: Tensor) -> Tensor:
        # A constant of the step's shape: MindSpore folds it at compile time, so the graph launches no kernel.
        return ops.fill(ms.float32, step.shape, self.lr)

    def holds_negative_steps(self) -> bool:
        return True         # every step's value is the one constant

    def repeats(self) -> Repeats:
        return Repeats(0)

    def boundaries(self, last: int) -> List[int]:
        return []

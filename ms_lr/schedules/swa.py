"""SWALR: anneal to a constant SWA learning rate, as torch.optim.swa_utils.SWALR."""
import math
from typing import List

import mindspore as ms
from mindspore import Tensor, ops

from ms_lr.core.arguments import Lr, Steps
from ms_lr.core.schedule import Schedule
from ms_lr.core.settled import Repeats
from ms_lr.graph.constants import f32
from ms_lr.graph.weights import cosine_weights
from ms_lr.reference.swa import swa_anneal
from ms_lr.schedules.cyclic import AnnealStrategy

__all__ = ["SWALR"]
#: The family the catalogue (the schedules guide's table, ``python -m ms_lr list``) shows this module's schedules under.
FAMILY = "SWA"


class SWALR(Schedule, reference=swa_anneal, torch="swa_utils.SWALR"):
    r"""Anneals from ``base_lr`` to ``swa_lr`` over ``anneal_epochs`` steps, then holds it, as torch's ``SWALR``.

    .. math::
        \alpha_k = a\!\left(\min(k / A, 1)\right), \quad \eta_k = \eta_{swa}\, \alpha_k + \eta_{base} (1 - \alpha_k)

    with :math:`a(t) = \tfrac12(1 - \cos \pi t)` (``'cos'``) or :math:`a(t) = t` (``'linear'``); with
    ``anneal_epochs=0`` the lr is ``swa_lr`` from step 0. ``base_lr`` is the optimizer's lr when torch's SWALR is
    created. Despite torch's argument name, the unit is whatever the schedule is stepped by: optimizer steps here
    (wrap in :class:`PerEpoch` for epochs).

    Args:
        base_lr (float): The lr at step 0.
        swa_lr (float): The lr reached after the anneal.
        anneal_epochs (int): Anneal length ``A >= 0``. Default: ``10``.
        anneal_strategy (str): ``'cos'`` or ``'linear'``. Default: ``'cos'``.

    Raises:
        ValueError: If ``anneal_epochs < 0``, ``anneal_strategy`` is unknown, or an lr is negative or not finite.

    Examples:
        >>> import ms_lr
        >>> sched = ms_lr.SWALR(1.0, 0.1, anneal_epochs=2, anneal_strategy="linear")
        >>> ms_lr.evaluate(sched, range(4)).astype(float).round(5).tolist()
        [1.0, 0.55, 0.1, 0.1]
    """

    def __init__(self, base_lr: Lr, swa_lr: Lr, anneal_epochs: Steps = 10, anneal_strategy: AnnealStrategy = "cos"):
        super().__init__()
        # torch divides by max(1, A) and, for A == 0, starts at t = 1.
        self.length = max(1, anneal_epochs)
        self.first = 1 if anneal_epochs == 0 else 0
        self.linear = anneal_strategy == "linear"
        self.base_lr, self.swa_lr = f32(base_lr), f32(swa_lr)
        self.inv_length, self.scale = f32(1.0 / self.length), f32(math.pi / (2.0 * self.length))

    def value(self, step: Tensor) -> Tensor:
        done = ops.minimum(ops.maximum(step, self.first), self.length)
        done_f = ops.cast(done, ms.float32)
        left_f = ops.cast(self.length - done, ms.float32)
        if self.linear:
            w_base, w_swa = left_f * self.inv_length, done_f * self.inv_length
        else:
            w_base, w_swa = cosine_weights(left_f, done_f, self.scale)
        return self.base_lr * w_base + self.swa_lr * w_swa

    def repeats(self) -> Repeats:
        # swa_lr from the end of the annealing (from step 0 without one: torch starts at t = 1 of 1).
        return Repeats(0 if self.first else self.length)

    def boundaries(self, last: int) -> List[int]:
        return [self.length] if self.first == 0 and self.length <= last else []

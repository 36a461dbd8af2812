"""ReducibleLR: a schedule times a factor held in a Parameter, which ReduceLROnPlateau lowers during training."""
from typing import Annotated, List, Optional

import numpy as np
from mindspore import Parameter, Tensor, ops

from ms_lr.core.arguments import FLOAT32_MAX, ScaleRule
from ms_lr.core.schedule import Schedule, named_errors
from ms_lr.reference.compose import reducible

__all__ = ["ReducibleLR"]
#: The family the catalogue (the schedules guide's table, ``python -m ms_lr list``) shows this module's schedules under.
FAMILY = "composition"

_FACTOR = ScaleRule()


class ReducibleLR(Schedule, reference=reducible):
    r"""A schedule times a factor held in a Parameter, lowered by :class:`~ms_lr.ReduceLROnPlateau`.

    .. math:: \eta_k = f \cdot \text{schedule}(k), \quad f \text{ starts at } \text{factor}

    Pass the wrapper to the optimizer. The factor is a non-trainable Parameter of the optimizer's lr cell, so it is
    saved in and restored from checkpoints along with the optimizer state, and changing it takes effect at the next
    step without recompiling, in sink mode too. ``get_config()`` holds the *current* factor, a snapshot.

    Args:
        schedule (Schedule): The schedule to scale.
        factor (float): The starting factor: 0, or a normal float32 number. Default: ``1.0``.

    Raises:
        ValueError: If ``factor`` is negative or takes the lr beyond float32.

    Examples:
        >>> import ms_lr
        >>> sched = ms_lr.ReducibleLR(ms_lr.StepLR(0.1, 2, 0.5))
        >>> sched.set_factor(0.1)
        >>> ms_lr.evaluate(sched, range(3)).astype(float).round(6).tolist()
        [0.01, 0.01, 0.005]
    """

    def __init__(self, schedule: Schedule, factor: Annotated[float, _FACTOR] = 1.0):
        super().__init__()
        self.schedule = schedule
        self._check_bound(factor)
        self.factor = Parameter(Tensor(np.float32(factor)), name="plateau_factor", requires_grad=False)

    def value(self, step: Tensor) -> Tensor:
        return self.schedule.at(step) * self.factor

    def get_factor(self) -> float:
        return float(self.factor.asnumpy())

    def set_factor(self, factor: float) -> None:
        """Set the factor (takes effect at the next step, no recompile)."""
        with named_errors(type(self).__name__):
            factor = _FACTOR.check("factor", factor)
            self._check_bound(factor)
        # In place: set_data gives the Parameter new storage, which a PYNATIVE train step that has run keeps reading
        # (the factor was ignored there; a compiled GRAPH_MODE step saw it). MindSpore 2.10.
        ops.assign(self.factor, Tensor(np.float32(factor)))
        self._config["factor"] = factor

    def upper_bound(self) -> Optional[float]:
        bound = self.schedule.upper_bound()
        return None if bound is None else self._config.get("factor", 1.0) * bound

    def _check_bound(self, factor: float) -> None:
        bound = self.schedule.upper_bound()
        if bound is not None and not factor * bound <= FLOAT32_MAX:
            raise ValueError(f"factor={factor:.4g} times the schedule's upper bound {bound:.4g} is beyond "
                             f"float32's largest value")

    def boundaries(self, last: int) -> List[int]:
        return self.schedule.boundaries(last)

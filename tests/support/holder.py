"""A graph holding a schedule as an optimizer does: the schedule a sub-cell, called on a step Parameter."""
import numpy as np
from mindspore import Parameter, Tensor, nn


class ScheduleHolder(nn.Cell):
    """Calls ``schedule`` on a step Parameter of ``dtype`` and shape ``[1]`` (``at(step)`` sets it first)."""

    def __init__(self, schedule, dtype):
        super().__init__()
        self.schedule = schedule
        self.dtype = dtype
        self.step = Parameter(Tensor(np.zeros(1, dtype)), name="step")

    def construct(self):
        return self.schedule(self.step)

    def at(self, step):
        """The lr the graph gives at ``step``."""
        self.step.set_data(Tensor(np.array([step], self.dtype)))
        return self().asnumpy()

"""LRScheduler: ms_lr schedules driving MindSpore's torch-style optimizers (``mindspore.mint.optim``,
``mindspore.experimental.optim``), which take float lrs and refuse a ``LearningRateSchedule``."""
import numbers
from typing import Any, Dict, List, Sequence, Union

import mindspore as ms
import numpy as np
from mindspore import Parameter, Tensor, ops
from mindspore.nn import Optimizer as NnOptimizer

from ms_lr.core.arguments import IntRule, LrRule
from ms_lr.core.schedule import Schedule, named_errors

try:
    from mindspore import jit_class
except ImportError:    # later releases name it ms.jit_class only
    jit_class = ms.jit_class
try:
    # The torch-style optimizers, mindspore.mint.optim's included, derive from this base.
    from mindspore.experimental.optim import Optimizer as TorchStyleOptimizer
except ImportError:    # a MindSpore without torch-style optimizers
    TorchStyleOptimizer = None

__all__ = ["LRScheduler"]


def _torch_style_optimizer(optimizer: Any) -> Any:
    if isinstance(optimizer, NnOptimizer):
        raise TypeError("optimizer is a mindspore.nn optimizer: pass the schedule to it directly, as its "
                        "learning_rate (or a group's 'lr'); LRScheduler drives mindspore.mint.optim and "
                        "mindspore.experimental.optim optimizers")
    if TorchStyleOptimizer is None or not isinstance(optimizer, TorchStyleOptimizer):
        raise TypeError(f"optimizer must be a mindspore.mint.optim or mindspore.experimental.optim optimizer, got "
                        f"{type(optimizer).__name__}")
    return optimizer


@jit_class
class LRScheduler:
    r"""Sets a torch-style optimizer's lr from ms_lr schedules, with torch's scheduler interface.

    MindSpore's torch-style optimizers (``mindspore.mint.optim.AdamW``, ``mindspore.experimental.optim.SGD``, ...)
    keep each group's lr in a float32 Parameter and take a float at construction, so a ``LearningRateSchedule``
    cannot be their ``lr``. This scheduler writes ``schedule(k)`` into those Parameters: after ``k`` calls of
    :meth:`step` every group's lr is exactly its schedule's float32 value at step ``k``, as torch's
    ``optimizer.param_groups[i]['lr']`` is after ``k`` calls of ``scheduler.step()``. The step count is an int32
    Parameter, so it is exact at any step; MindSpore's own ``experimental.optim.lr_scheduler`` classes update the lr
    recursively in float32 and drift (``CosineAnnealingLR(T_max=3000)`` is 5e-3 off by step 3000).

    Like MindSpore's schedulers it is a ``jit_class``: call :meth:`step` on the host between steps, or inside a
    ``mindspore.jit``-compiled train step.

    .. math:: \text{lr}_i \leftarrow \text{schedule}_i(k) \quad \text{after the } k\text{-th } \texttt{step()}

    Args:
        optimizer (Optimizer): A ``mindspore.mint.optim`` or ``mindspore.experimental.optim`` optimizer.
        schedule (Union[Schedule, list]): One schedule for every parameter group, or one per group (a group may
            take a float: a constant lr).
        last_epoch (int): The step the run resumes from, ``-1`` for a new run (torch's meaning: the constructor
            steps once, so the lr is ``schedule(last_epoch + 1)`` after it). Default: ``-1``.

    Raises:
        TypeError: If ``optimizer`` is not a torch-style optimizer (an ``nn`` optimizer takes the schedule
            directly), or ``schedule`` is neither a schedule nor a list of schedules or floats.
        ValueError: If the list's length is not the number of parameter groups, or ``last_epoch < -1``.

    Examples:
        >>> import ms_lr
        >>> from mindspore import nn, mint
        >>> net = nn.Dense(2, 1)
        >>> optimizer = mint.optim.AdamW(net.trainable_params(), lr=0.1)
        >>> scheduler = ms_lr.LRScheduler(optimizer, ms_lr.CosineAnnealingLR(0.1, T_max=4))
        >>> for _ in range(2):
        ...     _ = scheduler.step()
        >>> [round(float(lr), 6) for lr in scheduler.get_last_lr()]
        [0.05]
    """

    def __init__(self, optimizer: Any, schedule: Union[Schedule, Sequence[Union[Schedule, float]]],
                 last_epoch: int = -1):
        with named_errors(type(self).__name__):
            self.optimizer = _torch_style_optimizer(optimizer)
            groups = len(optimizer.param_groups)
            schedules = list(schedule) if isinstance(schedule, (list, tuple)) else [schedule] * groups
            if len(schedules) != groups:
                raise ValueError(f"schedule must be one schedule or one per parameter group ({groups}), got "
                                 f"{len(schedules)}")
            self.schedules = [self._as_schedule(i, s) for i, s in enumerate(schedules)]
            last_epoch = IntRule(low=-1).check("last_epoch", last_epoch)
        self.groups_num = groups
        self._last_lr = optimizer.lrs
        self.last_epoch = Parameter(Tensor(np.int32(last_epoch)), name="last_epoch_ms_lr_scheduler",
                                    requires_grad=False)
        self.increase_tensor = Tensor(np.int32(1))
        self.step()

    @staticmethod
    def _as_schedule(i: int, value: Any) -> Any:
        if isinstance(value, Schedule):
            return value
        if isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)):
            # A constant group: its lr never changes.
            return Tensor(np.float32(LrRule().check(f"schedule[{i}]", value)))
        raise TypeError(f"schedule[{i}] must be an ms_lr schedule or a float lr, got {value!r} "
                        f"({type(value).__name__})")

    def step(self) -> bool:
        """Advance one step and set every group's lr to its schedule at the new step."""
        ops.assign_add(self.last_epoch, self.increase_tensor)
        for i in range(self.groups_num):
            schedule = self.schedules[i]
            lr = schedule if isinstance(schedule, Tensor) else schedule(self.last_epoch)
            ops.assign(self._last_lr[i], lr)
        return True

    def get_last_lr(self) -> List[Tensor]:
        """Every group's current lr (float32 scalar tensors), as torch's ``get_last_lr()``."""
        return [lr.value() for lr in self._last_lr]

    def state_dict(self) -> Dict[str, int]:
        """``{"last_epoch": k}``: all a schedule of the step needs to resume (the schedules are code or config)."""
        return {"last_epoch": int(self.last_epoch.asnumpy())}

    def load_state_dict(self, state_dict: Dict[str, int]) -> None:
        """Resume at ``state_dict["last_epoch"]``: the step count and every group's lr are set to that step."""
        with named_errors(type(self).__name__):
            last_epoch = IntRule(low=0).check("state_dict['last_epoch']", state_dict.get("last_epoch"))
        self.last_epoch.set_data(Tensor(np.int32(last_epoch)))
        for i in range(self.groups_num):
            schedule = self.schedules[i]
            lr = schedule if isinstance(schedule, Tensor) else schedule(Tensor(np.int32(last_epoch)))
            self._last_lr[i].set_data(Tensor(lr.asnumpy().reshape(()).astype(np.float32)))

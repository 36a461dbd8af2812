"""LRScheduler: ms_lr schedules driving MindSpore's torch-style optimizers (``mindspore.mint.optim``,
``mindspore.experimental.optim``), which take float lrs and refuse a ``LearningRateSchedule``."""
import numbers
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import mindspore as ms
import numpy as np
from mindspore import Parameter, Tensor, ops
from mindspore.nn import Optimizer as NnOptimizer

from ms_lr.core.arguments import IntRule, LrRule
from ms_lr.core.schedule import Schedule, named_errors
from ms_lr.schedules.cyclic import cannot_cycle, cycled_twice, momentum_schedule
from ms_lr.training.relaunch import relaunching

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
    ``mindspore.jit``-compiled train step. On the host a step is one compiled graph (compiled at the first host
    call), not the schedule run op by op; inside a jit step it is part of that step's graph.

    **Hyperparameters.** ``momentum`` may be a schedule (for every group), and a group's momentum-cycling lr
    schedule (``OneCycleLR``/``CyclicLR`` with torch's default ``cycle_momentum=True``) drives its ``momentum``, as
    torch's schedulers do. The optimizer keeps it as a Python float, a constant of a compiled step: the scheduler
    puts a float32 Parameter in its place in ``param_groups`` and writes ``schedule(k)`` into it at every
    :meth:`step`. ``beta1``/``beta2`` are refused, with the way out: MindSpore's torch-style Adam family takes its
    betas as floats only (a Parameter there runs and leaves the weights unchanged, measured on MindSpore 2.10).

    .. math:: \text{lr}_i \leftarrow \text{schedule}_i(k) \quad \text{after the } k\text{-th } \texttt{step()}

    Args:
        optimizer (Optimizer): A ``mindspore.mint.optim`` or ``mindspore.experimental.optim`` optimizer.
        schedule (Union[Schedule, list]): One schedule for every parameter group, or one per group (a group may
            take a float: a constant lr).
        last_epoch (int): The step the run resumes from, ``-1`` for a new run (torch's meaning: the constructor
            steps once, so the lr is ``schedule(last_epoch + 1)`` after it). Default: ``-1``.
        momentum (Schedule): Every group's ``momentum``. Default: ``None``.
        beta1 (Schedule): Refused with the way out (see above). Default: ``None``.
        beta2 (Schedule): Refused likewise. Default: ``None``.
        weight_decay (Schedule): Every group's ``weight_decay``, for ``experimental.optim.AdamW`` (whose update
            computes ``1 - lr * weight_decay`` from it); other optimizers build it into their kernel as a constant,
            and refuse it. Default: ``None``.

    Raises:
        TypeError: If ``optimizer`` is not a torch-style optimizer (an ``nn`` optimizer takes the schedule
            directly), ``schedule`` is neither a schedule nor a list of schedules or floats, or a hyperparameter
            is not a schedule.
        ValueError: If the list's length is not the number of parameter groups, ``last_epoch < -1``, a
            hyperparameter is scheduled on groups that have none (torch's error for momentum cycling without
            ``momentum`` or ``betas``), or a beta is scheduled (see above).

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
                 last_epoch: int = -1, momentum: Optional[Schedule] = None, beta1: Optional[Schedule] = None,
                 beta2: Optional[Schedule] = None, weight_decay: Optional[Schedule] = None):
        with named_errors(type(self).__name__):
            self.optimizer = _torch_style_optimizer(optimizer)
            groups = len(optimizer.param_groups)
            schedules = list(schedule) if isinstance(schedule, (list, tuple)) else [schedule] * groups
            if len(schedules) != groups:
                raise ValueError(f"schedule must be one schedule or one per parameter group ({groups}), got "
                                 f"{len(schedules)}")
            self.schedules = [self._as_schedule(i, s) for i, s in enumerate(schedules)]
            last_epoch = IntRule(low=-1).check("last_epoch", last_epoch)
            hyper = _hyperparameters(optimizer, self.schedules, {"momentum": momentum, "beta1": beta1,
                                                                  "beta2": beta2, "weight_decay": weight_decay})
        # Flat lists (a jit_class loops over them): which schedule writes which Parameter of param_groups.
        self.hyper_schedules = [schedule for schedule, _ in hyper]
        self.hyper_values = [value for _, value in hyper]
        self.hyper_num = len(hyper)
        self.groups_num = groups
        self._last_lr = optimizer.lrs
        self.last_epoch = Parameter(Tensor(np.int32(last_epoch)), name="last_epoch_ms_lr_scheduler",
                                    requires_grad=False)
        self.increase_tensor = Tensor(np.int32(1))
        _guard_jit_steps(optimizer)
        # Called on the host, a step is one compiled graph: run op by op, each of its kernels was a PYNATIVE launch
        # (a cosine schedule's step took 9.7 ms there against 2.8 ms in the jit step), and launched directly after
        # its first call, without MindSpore's per-call Python (most of a small graph's call: see
        # ms_lr/training/relaunch.py). Inside a jit step it is part of that graph. Compiled at the first host call: a
        # scheduler stepped only in jit steps compiles nothing.
        def advance() -> bool:      # what a jit step that steps the scheduler parses (a bound method loses self)
            return self._advance()
        self._compiled_step = relaunching(ms.jit(self._advance), advance)
        # torch's constructor steps once.
        self._advance()

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
        return self._compiled_step()

    def _advance(self) -> bool:
        ops.assign_add(self.last_epoch, self.increase_tensor)
        # The count is never negative (last_epoch >= -1, then one step): the schedules' at() skips the clamp their
        # call would launch for an optimizer's step.
        for i in range(self.groups_num):
            schedule = self.schedules[i]
            lr = schedule if isinstance(schedule, Tensor) else schedule.at(self.last_epoch)
            ops.assign(self._last_lr[i], lr)
        for j in range(self.hyper_num):
            ops.assign(self.hyper_values[j], self.hyper_schedules[j].at(self.last_epoch).reshape(()))
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
        # One step from the step before, op by op as in the constructor: assigned in place, so a train step compiled
        # before the resume reads the resumed values (set_data gives a Parameter new storage, which a graph compiled
        # before it does not read: measured on MindSpore 2.10).
        ops.assign(self.last_epoch, Tensor(np.int32(last_epoch - 1)))
        self._advance()


def _guard_jit_steps(optimizer: Any) -> None:
    """Gives the optimizer's update one branch on a tensor, so that every ``ms.jit`` step that calls it runs on
    MindSpore's fast path, whether the scheduler steps inside the jit step or on the host.

    Why: MindSpore runs an ``ms.jit`` graph without control flow on a slow path (several times slower, and
    erratic; ``scripts/pynative_jit_branch.py`` reproduces it with MindSpore alone), and one branch on a tensor
    anywhere in the graph puts it on the fast one, as MindSpore's own schedulers' ``get_lr`` does. Measured in
    PYNATIVE and in a GRAPH_MODE context alike (a conv-net step, median of 7 rounds: 19.2 ms without the branch,
    2.4 ms with it, in GRAPH_MODE). The branch is on the first group's lr, ``lr < 0``, and its body assigns that lr
    to itself: a no-op whichever way it goes. Only torch-style optimizers get it (an ``nn`` optimizer's
    ``TrainOneStepCell`` graph stays branch-free). The optimizer's class becomes a subclass of its own with this
    ``construct``; its Parameters are unchanged."""
    original = type(optimizer)
    if getattr(original, "ms_lr_guarded", False):
        return

    def construct(self: Any, gradients: Any) -> Any:
        if self.lrs[0] < 0:
            ops.assign(self.lrs[0], self.lrs[0])
        return original.construct(self, gradients)

    optimizer.__class__ = type(original.__name__, (original,), {
        "construct": construct, "ms_lr_guarded": True, "__module__": original.__module__,
        "__doc__": original.__doc__, "__qualname__": original.__qualname__})


# Measured on MindSpore 2.10: experimental.optim.AdamW with a Parameter in betas runs and leaves the weights where they
# were (its update is registered for float betas only), so a scheduled beta would silently stop the training.
_NO_BETAS = ("{what}, but MindSpore's torch-style {optimizer} takes its betas as Python floats, constants of its "
             "compiled update (a scheduled beta leaves the weights unchanged there): pass cycle_momentum=False, or "
             "train with mindspore.nn.Adam / nn.AdamWeightDecay through ms_lr.share_schedules, which schedules beta1 "
             "and beta2")


def _computes_with_weight_decay(optimizer: Any) -> bool:
    # experimental.optim.AdamW computes 1 - lr * weight_decay in its update (checked, MindSpore 2.7 and 2.10); SGD
    # passes it to its kernel's constructor, a constant.
    return type(optimizer).__name__ == "AdamW" and type(optimizer).__module__.startswith("mindspore.experimental")


def _hyperparameters(optimizer: Any, schedules: List[Any], given: Dict[str, Optional[Schedule]]
                     ) -> List[Tuple[Schedule, Parameter]]:
    """``(schedule, Parameter)`` for every scheduled hyperparameter of every group, the Parameter put in the
    group's place of the float (``group['momentum']``)."""
    for name, schedule in given.items():
        if schedule is not None and not isinstance(schedule, Schedule):
            raise TypeError(f"{name} must be an ms_lr schedule, got {schedule!r} ({type(schedule).__name__})")
    pairs = []
    for i, group in enumerate(optimizer.param_groups):
        wanted = {name: schedule for name, schedule in given.items() if schedule is not None}
        curve = momentum_schedule(schedules[i]) if isinstance(schedules[i], Schedule) else None
        if curve is not None:
            name = "momentum" if "momentum" in group else "beta1"
            if name == "beta1" and "betas" not in group:
                raise cannot_cycle(schedules[i], f"group {i} of {type(optimizer).__name__}", "'momentum' nor 'betas'")
            if name in wanted:
                raise cycled_twice(schedules[i], name)
            wanted[name] = curve
        for name, schedule in wanted.items():
            if name in ("beta1", "beta2"):
                raise ValueError(_NO_BETAS.format(what=f"{name} is scheduled" if curve is None or name != "beta1"
                                                  else f"{type(schedules[i]).__name__} cycles beta1 "
                                                       f"(cycle_momentum=True, as in torch)",
                                                  optimizer=type(optimizer).__name__))
            if name == "weight_decay" and not _computes_with_weight_decay(optimizer):
                raise ValueError(f"weight_decay is scheduled, but {type(optimizer).__name__} builds its weight decay "
                                 f"into its update as a constant; experimental.optim.AdamW takes a scheduled one, or "
                                 f"use a mindspore.nn optimizer, whose weight_decay may be a schedule itself")
            if name not in group:
                raise ValueError(f"group {i} of {type(optimizer).__name__} has no {name!r} to schedule")
            value = Parameter(Tensor(np.float32(group[name])), name=f"ms_lr_{name}_{i}", requires_grad=False)
            group[name] = value
            pairs.append((schedule, value))
    return pairs

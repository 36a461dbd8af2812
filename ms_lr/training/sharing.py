"""share_schedules: an nn optimizer whose schedules sit once in the cell tree and write their lr into Parameters.

Why (measured, README "Performance"): every call of a compiled cell sets ``compile_phase`` on every cell of its
tree, recursively and in Python (``mindspore/nn/cell.py``), before the graph runs. With per-group lrs the
optimizer's ``learning_rate`` is a ``CellList`` that holds the schedule once per *parameter*, so that walk visits it
once per parameter at every step: on a 49-parameter net with ``CosineAnnealingWarmupRestarts`` as one group's
``'lr'``, +0.9 ms per step against +0.4 ms shared (+3.3 ms when a schedule's blocks were cells of the tree too),
none of it in the graph, whose kernels are the same. A shared optimizer keeps each distinct schedule once
(``ms_lr_schedules``) and gives the updates float32 Parameters, as MindSpore does for constant lrs.
"""
from typing import Any, List

import numpy as np
from mindspore import Parameter, ParameterTuple, Tensor, ops
from mindspore.nn import CellList, Optimizer
from mindspore.nn.optim.optimizer import _ConvertToCell

__all__ = ["share_schedules", "scheduled_lrs"]


class _SharedSchedules:
    """Mixed in before the optimizer's own class: only ``get_lr`` changes."""

    def get_lr(self) -> Any:
        step = self.global_step
        for schedule, value in zip(self.ms_lr_schedules, self.ms_lr_values):
            ops.assign(value, schedule(step).reshape(()))
        # Optimizer.get_lr on the constant-lr path (super() is not followed by the graph compiler): the
        # Parameters just written, one per parameter with group lrs.
        return self.learning_rate


def _shared_class(cls: type) -> type:
    return type(cls.__name__, (_SharedSchedules, cls), {"__module__": cls.__module__, "__doc__": cls.__doc__})


def share_schedules(optimizer: Optimizer) -> Optimizer:
    r"""Makes an nn optimizer evaluate each schedule once per step into a Parameter that its updates read.

    At every step each distinct schedule (one schedule object given to several groups counts once) is evaluated at
    ``global_step`` and assigned to a float32 scalar Parameter, and the updates read that Parameter, as they read a
    constant lr. The values are the same bits as without sharing, so a run may resume from a checkpoint written
    with or without it. A constant group lr is read from its own Parameter, exactly (MindSpore's dynamic path
    turns it into ``lr + 1 - 1``, which moves 0.01 by 1e-6 relative).

    The optimizer's ``learning_rate`` becomes those Parameters (``get_lr_parameter`` returns them, holding the lr
    of the last step), its schedules are ``ms_lr_schedules``, and :class:`ms_lr.LRMonitor` finds them as before.
    Why it matters: MindSpore walks the optimizer's cell tree in Python at every step, and with group lrs that tree
    holds the schedule once per parameter (+0.9 ms per step on 49 parameters, +0.4 ms shared; README
    "Performance").

    .. math:: v_j \leftarrow \text{schedule}_j(\text{global\_step}), \qquad
        \text{lr}_p = v_{j(p)} \text{ for every parameter } p \text{ of a group scheduled by } j

    Call it on the built optimizer, before the train step is compiled. A ``weight_decay`` schedule stays on
    MindSpore's path. An optimizer with only constant lrs is returned as it is, as is one shared already. With
    ``nn.LARS(optimizer, use_clip=True)``, share the inner optimizer after wrapping it: LARS keeps the lr it finds at
    construction, and a shared lr is written only when the inner optimizer runs, after LARS has read it.

    Args:
        optimizer (Optimizer): A ``mindspore.nn`` optimizer (SGD, Momentum, Adam, AdamWeightDecay, LAMB, ...).

    Returns:
        The same optimizer object, shared.

    Raises:
        TypeError: If ``optimizer`` is not a ``mindspore.nn.Optimizer`` (torch-style optimizers take
            :class:`ms_lr.LRScheduler`).

    Supported Platforms:
        ``Ascend`` ``GPU`` ``CPU``

    Examples:
        >>> import ms_lr
        >>> from mindspore import nn
        >>> net = nn.SequentialCell([nn.Dense(4, 4), nn.Dense(4, 1)])
        >>> params = net.trainable_params()
        >>> cosine = ms_lr.CosineAnnealingLR(0.1, T_max=100)
        >>> optimizer = ms_lr.share_schedules(
        ...     nn.Momentum([{"params": params[:2], "lr": cosine}, {"params": params[2:], "lr": 0.25}],
        ...                 learning_rate=0.1, momentum=0.9))
        >>> len(optimizer.ms_lr_values)
        1
    """
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be a mindspore.nn optimizer, got {type(optimizer).__name__}; "
                        "torch-style optimizers (mindspore.mint.optim, mindspore.experimental.optim) take "
                        "ms_lr.LRScheduler")
    if isinstance(optimizer, _SharedSchedules) or not optimizer.dynamic_lr:
        return optimizer
    schedules: List[Any] = []
    values: List[Parameter] = []
    per_parameter: List[Parameter] = []
    read: List[Any] = []           # what each update reads once shared: its schedule, or a constant's Parameter
    for entry in _entries(optimizer):
        if isinstance(entry, _ConvertToCell):
            per_parameter.append(entry.learning_rate)
            read.append(entry.learning_rate)
            continue
        read.append(entry)
        index = next((i for i, seen in enumerate(schedules) if seen is entry), None)
        if index is None:
            index = len(schedules)
            schedules.append(entry)
            # Written at every step before the updates read it, so its initial value is never used.
            values.append(Parameter(Tensor(np.float32(0)), name=f"ms_lr_shared_lr_{index}", requires_grad=False))
        per_parameter.append(values[index])
    del optimizer.learning_rate    # the per-parameter CellList leaves the cell tree
    optimizer.__class__ = _shared_class(type(optimizer))
    optimizer.dynamic_lr = False
    optimizer.learning_rate = ParameterTuple(per_parameter) if optimizer.is_group_lr else per_parameter[0]
    optimizer.ms_lr_schedules = CellList(schedules, auto_prefix=False)
    optimizer.ms_lr_values = ParameterTuple(values)
    # For scheduled_lrs (LRMonitor); a plain attribute, outside the cell tree.
    object.__setattr__(optimizer, "_ms_lr_read", tuple(read))
    return optimizer


def _entries(optimizer: Optimizer) -> List[Any]:
    return list(optimizer.learning_rate) if optimizer.is_group_lr else [optimizer.learning_rate]


def scheduled_lrs(optimizer: Optimizer) -> List[Any]:
    """What the optimizer's updates take their lr from (a schedule, a cell or a constant's Parameter), one per
    parameter when it has group lrs, whether or not it is shared."""
    read = getattr(optimizer, "_ms_lr_read", None)
    return list(read) if read is not None else _entries(optimizer)

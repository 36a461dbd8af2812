"""share_schedules: an nn optimizer whose schedules sit once in the cell tree and write their lr into Parameters, and
whose momentum, beta1 and beta2 follow schedules too (torch's ``cycle_momentum``, optax's ``inject_hyperparams``).

Why (measured, the performance guide): every call of a compiled cell sets ``compile_phase`` on every cell of its
tree, recursively and in Python (``mindspore/nn/cell.py``), before the graph runs. With per-group lrs the
optimizer's ``learning_rate`` is a ``CellList`` that holds the schedule once per *parameter*, so that walk visits it
once per parameter at every step: on a 49-parameter net with ``CosineAnnealingWarmupRestarts`` as one group's
``'lr'``, +0.9 ms per step against +0.4 ms shared (+3.3 ms when a schedule's blocks were cells of the tree too),
none of it in the graph, whose kernels are the same. A shared optimizer keeps each distinct schedule once
(``ms_lr_schedules``) and gives the updates float32 Parameters, as MindSpore does for constant lrs.
"""
from typing import Any, Dict, List, Literal, Optional

import mindspore as ms
import numpy as np
from mindspore import Parameter, ParameterTuple, Tensor, ops
from mindspore.nn import Adam, AdamWeightDecay, CellList, Momentum, Optimizer
from mindspore.nn.optim.optimizer import _ConvertToCell

from ms_lr.core.schedule import Schedule
from ms_lr.schedules.cyclic import cannot_cycle, cycled_twice, momentum_schedule

__all__ = ["share_schedules", "scheduled_lrs", "scheduled_hyperparameters", "HYPERPARAMETERS"]

#: The hyperparameters a schedule can drive, and the optimizers (with the attribute) that have each.
HYPERPARAMETERS = {"momentum": (Momentum, ms.nn.SGD), "beta1": (Adam, AdamWeightDecay),
                   "beta2": (Adam, AdamWeightDecay)}


class _SharedSchedules:
    """Mixed in before the optimizer's own class: only ``get_lr`` changes."""

    def get_lr(self) -> Any:
        step = self.global_step
        for schedule, value in zip(self.ms_lr_schedules, self.ms_lr_values):
            ops.assign(value, schedule(step).reshape(()))
        for schedule, target in zip(self.ms_lr_hyper_schedules, self.ms_lr_hyper_targets):
            ops.assign(target, schedule(step).reshape(target.shape))
        # torch's bias correction 1 - beta**t with the current beta: nn.Adam multiplies its power by beta right
        # after get_lr, so the power is set to beta**k here (k = global_step, t = k + 1).
        for base, power in zip(self.ms_lr_power_bases, self.ms_lr_powers):
            ops.assign(power, ops.pow(base.reshape(()), ops.cast(step, ms.float32).reshape(())))
        # Optimizer.get_lr on the constant-lr path (super() is not followed by the graph compiler): the
        # Parameters just written, one per parameter with group lrs.
        return self.learning_rate


def _shared_class(cls: type) -> type:
    return type(cls.__name__, (_SharedSchedules, cls), {"__module__": cls.__module__, "__doc__": cls.__doc__})


def share_schedules(optimizer: Optimizer, momentum: Optional[Schedule] = None, beta1: Optional[Schedule] = None,
                    beta2: Optional[Schedule] = None,
                    bias_correction: Literal["torch", "product"] = "torch") -> Optimizer:
    r"""Makes an nn optimizer evaluate each schedule once per step into a Parameter that its updates read, and drives
    its momentum, beta1 and beta2 from schedules.

    At every step each distinct schedule (one schedule object given to several groups counts once) is evaluated at
    ``global_step`` and assigned to a float32 scalar Parameter, and the updates read that Parameter, as they read a
    constant lr. The values are the same bits as without sharing, so a run may resume from a checkpoint written
    with or without it. A constant group lr is read from its own Parameter, exactly (MindSpore's dynamic path
    turns it into ``lr + 1 - 1``, which moves 0.01 by 1e-6 relative).

    The optimizer's ``learning_rate`` becomes those Parameters (``get_lr_parameter`` returns them, holding the lr
    of the last step), its schedules are ``ms_lr_schedules``, and :class:`ms_lr.LRMonitor` finds them as before.
    Why it matters: MindSpore walks the optimizer's cell tree in Python at every step, and with group lrs that tree
    holds the schedule once per parameter (+0.9 ms per step on 49 parameters, +0.4 ms shared; the
    performance guide).

    .. math:: v_j \leftarrow \text{schedule}_j(\text{global\_step}), \qquad
        \text{lr}_p = v_{j(p)} \text{ for every parameter } p \text{ of a group scheduled by } j

    **Hyperparameters.** ``momentum`` (``nn.Momentum``, ``nn.SGD``), ``beta1`` and ``beta2`` (``nn.Adam``,
    ``nn.AdamWeightDecay``) may each be any ms_lr schedule, evaluated at ``global_step`` and written into the
    optimizer's own Parameter before its update, in the graph (MindSpore keeps Adam's betas as constants: they
    become Parameters here). A schedule that cycles momentum (``OneCycleLR`` and ``CyclicLR`` with torch's default
    ``cycle_momentum=True``) drives the optimizer's ``momentum``, or ``beta1`` for the Adam family, as torch's
    schedulers do; MindSpore optimizers hold one momentum for all groups, so the groups' momentum curves must agree.
    Bias correction of ``nn.Adam`` with a scheduled beta: ``"torch"`` (default) uses the current beta,
    ``1 - beta_t**t``, as torch's Adam; ``"product"`` keeps MindSpore's running product of the past betas.
    ``nn.AdamWeightDecay`` has no bias correction. A ``weight_decay`` schedule is MindSpore's own: pass it as the
    optimizer's ``weight_decay``.

    Call it on the built optimizer, before the train step is compiled. An optimizer with only constant lrs and no
    hyperparameter schedule is returned as it is, as is one shared already. With
    ``nn.LARS(optimizer, use_clip=True)``, share the inner optimizer after wrapping it: LARS keeps the lr it finds at
    construction, and a shared lr is written only when the inner optimizer runs, after LARS has read it.

    Args:
        optimizer (Optimizer): A ``mindspore.nn`` optimizer (SGD, Momentum, Adam, AdamWeightDecay, LAMB, ...).
        momentum (Schedule): The momentum of ``nn.Momentum``/``nn.SGD``. Default: ``None`` (the lr schedule's
            momentum curve if it cycles one, else the optimizer's constant).
        beta1 (Schedule): Adam's ``beta1``. Default: ``None`` (likewise).
        beta2 (Schedule): Adam's ``beta2``. Default: ``None`` (the optimizer's constant).
        bias_correction (str): ``"torch"`` or ``"product"``, for ``nn.Adam`` with a scheduled beta. Default:
            ``"torch"``.

    Returns:
        The same optimizer object, shared.

    Raises:
        TypeError: If ``optimizer`` is not a ``mindspore.nn.Optimizer`` (torch-style optimizers take
            :class:`ms_lr.LRScheduler`), or a hyperparameter is not a schedule.
        ValueError: If a hyperparameter is given to an optimizer that has none (as torch refuses momentum cycling
            on an optimizer without ``momentum`` or ``betas``), the groups cycle different momenta, or a momentum
            is given both explicitly and by a momentum-cycling lr schedule.

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
    if isinstance(optimizer, _SharedSchedules):
        return optimizer
    hyper = _hyperparameter_schedules(optimizer, {"momentum": momentum, "beta1": beta1, "beta2": beta2})
    if bias_correction not in ("torch", "product"):
        raise ValueError(f"bias_correction must be 'torch' or 'product', got {bias_correction!r}")
    if not optimizer.dynamic_lr and not hyper:
        return optimizer
    schedules: List[Any] = []
    values: List[Parameter] = []
    per_parameter: List[Parameter] = []
    read: List[Any] = []           # what each update reads once shared: its schedule, or a constant's Parameter
    for entry in _entries(optimizer) if optimizer.dynamic_lr else []:
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
    if optimizer.dynamic_lr:
        del optimizer.learning_rate    # the per-parameter CellList leaves the cell tree
        optimizer.learning_rate = ParameterTuple(per_parameter) if optimizer.is_group_lr else per_parameter[0]
    optimizer.__class__ = _shared_class(type(optimizer))
    optimizer.dynamic_lr = False
    optimizer.ms_lr_schedules = CellList(schedules, auto_prefix=False)
    optimizer.ms_lr_values = ParameterTuple(values)
    targets, bases, powers = [], [], []
    for name in hyper:
        targets.append(_as_parameter(optimizer, name))
        power = f"{name}_power"
        if bias_correction == "torch" and name in ("beta1", "beta2") and isinstance(optimizer, Adam):
            bases.append(targets[-1])
            powers.append(getattr(optimizer, power))
    optimizer.ms_lr_hyper_schedules = CellList(list(hyper.values()), auto_prefix=False)
    optimizer.ms_lr_hyper_targets = ParameterTuple(targets)
    optimizer.ms_lr_power_bases = ParameterTuple(bases)
    optimizer.ms_lr_powers = ParameterTuple(powers)
    # For scheduled_lrs and scheduled_hyperparameters (LRMonitor); plain attributes, outside the cell tree.
    object.__setattr__(optimizer, "_ms_lr_read", tuple(read))
    object.__setattr__(optimizer, "_ms_lr_hyper", dict(hyper))
    return optimizer


def _hyperparameter_schedules(optimizer: Optimizer, given: Dict[str, Optional[Schedule]]) -> Dict[str, Schedule]:
    """The hyperparameters to schedule: those given, and the momentum curve of a momentum-cycling lr schedule
    (``momentum`` where the optimizer has one, else ``beta1``, as torch's schedulers choose)."""
    hyper = {}
    for name, schedule in given.items():
        if schedule is None:
            continue
        if not isinstance(schedule, Schedule):
            raise TypeError(f"{name} must be an ms_lr schedule, got {schedule!r} ({type(schedule).__name__})")
        if not isinstance(optimizer, HYPERPARAMETERS[name]):
            raise ValueError(f"{type(optimizer).__name__} has no {name} to schedule; "
                             f"{_who_has(name)} have one")
        hyper[name] = schedule
    curves = {}
    for entry in _entries(optimizer) if optimizer.dynamic_lr else []:
        curve = momentum_schedule(entry) if isinstance(entry, Schedule) else None
        if curve is not None:
            curves[repr(curve)] = (entry, curve)
    if not curves:
        return hyper
    if len(curves) > 1:
        raise ValueError(f"the groups' lr schedules cycle different momenta ({', '.join(curves)}); a MindSpore "
                         f"optimizer has one momentum for all groups: give every group the same momentum curve, "
                         f"or pass cycle_momentum=False")
    owner, curve = next(iter(curves.values()))
    name = "momentum" if isinstance(optimizer, HYPERPARAMETERS["momentum"]) else "beta1"
    if not isinstance(optimizer, HYPERPARAMETERS[name]):
        raise cannot_cycle(owner, type(optimizer).__name__, f"momentum nor beta1 ({_who_has('momentum')}, "
                                                            f"{_who_has('beta1')} do)")
    if name in hyper:
        raise cycled_twice(owner, name)
    hyper[name] = curve
    return hyper


def _who_has(name: str) -> str:
    return " and ".join(f"nn.{cls.__name__}" for cls in HYPERPARAMETERS[name])


def _as_parameter(optimizer: Optimizer, name: str) -> Parameter:
    """The optimizer's ``name`` as a float32 Parameter it reads (Adam's betas are constants: they become one)."""
    current = getattr(optimizer, name)
    if isinstance(current, Parameter):
        return current
    value = np.asarray(current.asnumpy(), dtype=np.float32)
    if name in vars(optimizer):
        delattr(optimizer, name)
    parameter = Parameter(Tensor(value), name=f"ms_lr_{name}", requires_grad=False)
    setattr(optimizer, name, parameter)
    return parameter


def scheduled_hyperparameters(optimizer: Optimizer) -> Dict[str, Schedule]:
    """The hyperparameters :func:`share_schedules` drives from schedules (``{"momentum": schedule, ...}``)."""
    return dict(getattr(optimizer, "_ms_lr_hyper", {}))


def _entries(optimizer: Optimizer) -> List[Any]:
    return list(optimizer.learning_rate) if optimizer.is_group_lr else [optimizer.learning_rate]


def scheduled_lrs(optimizer: Optimizer) -> List[Any]:
    """What the optimizer's updates take their lr from (a schedule, a cell or a constant's Parameter), one per
    parameter when it has group lrs, whether or not it is shared."""
    read = getattr(optimizer, "_ms_lr_read", None)
    return list(read) if read is not None else _entries(optimizer)

"""Other libraries' factory functions, with their arguments: Hugging Face's ``get_scheduler``, timm's
``create_scheduler_v2`` and mindcv's ``create_scheduler``. Each builds through the one name table, so a config of
the same name and arguments (``ms_lr.build``, a YAML file) gives the same schedule.

    >>> import ms_lr
    >>> sched = ms_lr.get_scheduler("cosine", 1e-3, num_warmup_steps=100, num_training_steps=1000)
    >>> ms_lr.evaluate(sched, [0, 50, 100, 550, 1000]).astype(float).round(6).tolist()
    [0.0, 0.0005, 0.001, 0.0005, 0.0]
"""
from typing import Any, Dict, Optional, Sequence, Tuple

from ms_lr.config import huggingface, mindcv, timm
from ms_lr.config.entry import Context, Name
from ms_lr.config.names import check_keys, closest, did_you_mean, refusal
from ms_lr.core.schedule import Schedule

__all__ = ["get_scheduler", "create_scheduler_v2", "create_scheduler"]


def _entry(entries: Sequence[Name], name: str, library: str, refused: Dict[str, str]) -> Name:
    by_name = {entry.name: entry for entry in entries}
    if name in by_name:
        return by_name[name]
    if name in refused:
        raise ValueError(refusal(library, name, refused[name]))
    raise ValueError(f"unknown {library} schedule {name!r}; {did_you_mean(closest(str(name), list(by_name)))}"
                     f"names: {', '.join(by_name)}")


def _build(entry: Name, given: Dict[str, Any], context: Context) -> Schedule:
    check_keys(entry, list(given), context)
    return entry.build(given, context)


def get_scheduler(name: Any, learning_rate: float, num_warmup_steps: Optional[int] = None,
                  num_training_steps: Optional[int] = None,
                  scheduler_specific_kwargs: Optional[Dict[str, Any]] = None) -> Schedule:
    """Hugging Face's ``transformers.get_scheduler``, the optimizer replaced by its lr: the schedule whose value at
    ``global_step = k`` is the lr after ``k`` calls of the Hugging Face scheduler's ``step()``.

    Args:
        name (str): A ``SchedulerType`` name (or the enum): ``linear``, ``cosine``, ``cosine_with_restarts``,
            ``polynomial``, ``constant``, ``constant_with_warmup``, ``inverse_sqrt``, ``cosine_with_min_lr``,
            ``cosine_warmup_with_min_lr`` or ``warmup_stable_decay``.
        learning_rate (float): The optimizer's lr (Hugging Face's ``TrainingArguments.learning_rate``).
        num_warmup_steps (int): Warmup steps (needed by every name but ``constant``). Default: ``None``.
        num_training_steps (int): Training steps (needed by the decaying names). Default: ``None``.
        scheduler_specific_kwargs (dict): The name's own arguments (``num_cycles``, ``min_lr``, ``lr_end``,
            ``power``, ``timescale``, ``num_decay_steps``, ...). Default: ``None``.

    Raises:
        ValueError: For ``reduce_lr_on_plateau`` and ``greedy`` (which follow a metric: the message says what to use),
            an unknown name or argument, or a missing step count.

    Examples:
        >>> import ms_lr
        >>> sched = ms_lr.get_scheduler("cosine_with_min_lr", 1e-3, 10, 100, {"min_lr": 1e-5})
        >>> round(float(ms_lr.evaluate(sched, [100])[0]), 8)
        1e-05
    """
    name = getattr(name, "value", name)   # a transformers.SchedulerType
    entry = _entry(huggingface.names(), name, "Hugging Face", huggingface.METRIC_DRIVEN)
    given: Dict[str, Any] = {"learning_rate": learning_rate, "num_warmup_steps": num_warmup_steps,
                             "num_training_steps": num_training_steps}
    if scheduler_specific_kwargs:
        given["scheduler_specific_kwargs"] = dict(scheduler_specific_kwargs)
    return _build(entry, given, Context())


def create_scheduler_v2(learning_rate: float, updates_per_epoch: int, sched: str = "cosine",
                        **timm_arguments: Any) -> Tuple[Optional[Schedule], int]:
    """timm's ``timm.scheduler.create_scheduler_v2``, the optimizer replaced by its lr: ``(schedule, num_epochs)``.

    The schedule runs over optimizer steps: with ``step_on_epochs=True`` (timm's default) its lr is constant within
    an epoch and equal to timm's ``step(epoch)`` value; with ``False``, to timm's ``step_update(num_updates)``
    value. ``num_epochs`` is the epochs to train (cycles, warmup prefix and cool-down included), as timm returns.

    Args:
        learning_rate (float): The optimizer's lr.
        updates_per_epoch (int): Optimizer steps per epoch, ``>= 1`` (timm needs it only for per-update stepping;
            here the schedule is always over steps).
        sched (str): ``cosine``, ``tanh``, ``step``, ``multistep``, ``poly``, ``wsd``, ``rsqrt`` or ``constant``;
            ``none`` returns ``(None, num_epochs)`` as timm does. Default: ``'cosine'``.
        timm_arguments: ``create_scheduler_v2``'s other arguments, with its defaults
            (:data:`ms_lr.config.timm.DEFAULTS`):
            ``num_epochs``, ``decay_epochs``, ``decay_milestones``, ``cooldown_epochs``, ``decay_rate``, ``min_lr``,
            ``warmup_lr``, ``warmup_epochs``, ``warmup_prefix``, ``cycle_mul``, ``cycle_decay``, ``cycle_limit``,
            ``k_decay``, ``decay_fn``, ``stable_timescale``, ``step_on_epochs``, ... .

    Raises:
        ValueError: For ``plateau`` (which follows a metric: the message says what to use), an unknown name or
            argument, or a value timm refuses.

    Examples:
        >>> import ms_lr
        >>> sched, epochs = ms_lr.create_scheduler_v2(0.1, 100, num_epochs=10, cycle_limit=2)
        >>> epochs, [round(float(v), 5) for v in ms_lr.evaluate(sched, [0, 99, 100, 500, 1000])]
        (20, [0.1, 0.1, 0.09755, 0.05, 0.01])
    """
    if sched == "none":
        return None, timm_arguments.get("num_epochs", timm.DEFAULTS["num_epochs"])
    entry = _entry(timm.names(), sched, "timm", timm.REFUSED)
    given = {"learning_rate": learning_rate, "updates_per_epoch": updates_per_epoch, **timm_arguments}
    schedule = _build(entry, given, Context())
    return schedule, timm.num_epochs(sched, given)


def create_scheduler(steps_per_epoch: int, scheduler: str = "constant", lr: float = 0.01, min_lr: float = 1e-6,
                     warmup_epochs: int = 3, warmup_factor: float = 0.0, decay_epochs: int = 10,
                     decay_rate: float = 0.9, milestones: Optional[Sequence[int]] = None, num_epochs: int = 200,
                     num_cycles: int = 1, cycle_decay: float = 1.0, lr_epoch_stair: bool = False) -> Schedule:
    """mindcv's ``mindcv.scheduler.create_scheduler``, as a schedule: equal to mindcv's per-step lr list at every
    step of it (``num_epochs * steps_per_epoch`` steps), and going on by the same formula after.

    Args:
        steps_per_epoch (int): Optimizer steps per epoch.
        scheduler (str): ``constant``, ``cosine_decay``, ``warmup_cosine_decay``, ``exponential_decay``,
            ``polynomial_decay``, ``step_decay``, ``multi_step_decay``, ``one_cycle`` or ``cyclic``.
            Default: ``'constant'``.
        lr (float): The peak lr. Default: ``0.01``.
        min_lr (float): The floor of ``cosine_decay`` (and of ``one_cycle`` / ``cyclic``). Default: ``1e-6``.
        warmup_epochs (int): Epochs of linear warmup. Default: ``3``.
        warmup_factor (float): The warmup starts at ``lr * warmup_factor``. Default: ``0.0``.
        decay_epochs (int): A cosine cycle's length, or the interval of ``step_decay``. Default: ``10``.
        decay_rate (float): The decay factor (the power of ``polynomial_decay``). Default: ``0.9``.
        milestones (list[int]): Epochs of ``multi_step_decay``. Default: ``None``.
        num_epochs (int): Epochs of training, the warmup included. Default: ``200``.
        num_cycles (int): Cosine cycles (and ``cyclic``'s cycles). Default: ``1``.
        cycle_decay (float): Each cosine cycle's peak over the one before. Default: ``1.0``.
        lr_epoch_stair (bool): The lr constant within each epoch. Default: ``False``.

    Raises:
        ValueError: For an unknown scheduler, or arguments mindcv refuses.

    Examples:
        >>> import ms_lr
        >>> sched = ms_lr.create_scheduler(10, "cosine_decay", lr=0.1, min_lr=0.0, warmup_epochs=1, decay_epochs=4,
        ...                                num_epochs=5)
        >>> [round(float(v), 5) for v in ms_lr.evaluate(sched, [0, 5, 10, 30, 49])]
        [0.0, 0.05, 0.1, 0.05, 0.00015]
    """
    entry = _entry(mindcv.names(), scheduler, "mindcv", {})
    given = {"steps_per_epoch": steps_per_epoch, "lr": lr, "min_lr": min_lr, "warmup_epochs": warmup_epochs,
             "warmup_factor": warmup_factor, "decay_epochs": decay_epochs, "decay_rate": decay_rate,
             "milestones": None if milestones is None else list(milestones), "num_epochs": num_epochs,
             "num_cycles": num_cycles, "cycle_decay": cycle_decay, "lr_epoch_stair": lr_epoch_stair}
    return _build(entry, given, Context())

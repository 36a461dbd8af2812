"""mindcv's schedules (``mindcv.scheduler.create_scheduler`` and its training YAML's ``scheduler:`` keys), as
entries of the one name table.

mindcv builds a per-step lr list of ``num_epochs * steps_per_epoch`` values: a linear warmup over
``warmup_epochs`` from ``lr * warmup_factor`` to ``lr``, then the decay over the remaining epochs, refined per step
or (``lr_epoch_stair=True``) constant within each epoch. The same parts are ms_lr schedules here, equal to mindcv's
list at every step of it; past its end the schedule goes on by the same formula (a list has no values there).
"""
from typing import Any, Dict, List, Optional

from ms_lr.config.entry import Context, Name
from ms_lr.core.schedule import Schedule
from ms_lr.schedules.compose import PerEpoch, SequentialLR
from ms_lr.schedules.constant import FixedLR
from ms_lr.schedules.cycles import CosineCyclesLR
from ms_lr.schedules.cyclic import CyclicLR, OneCycleLR
from ms_lr.schedules.decay import ExponentialLR, MultiStepLR, PolynomialLR, StepLR
from ms_lr.schedules.warmup import LinearWarmup

__all__ = ["DEFAULTS", "NAMES", "TRAINING_KEYS", "names", "schedule", "training_config"]

ORIGIN = "mindcv's"
#: ``create_scheduler``'s arguments and defaults (mindcv 0.3), after ``steps_per_epoch``.
DEFAULTS: Dict[str, Any] = {
    "lr": 0.01, "min_lr": 1e-6, "warmup_epochs": 3, "warmup_factor": 0.0, "decay_epochs": 10, "decay_rate": 0.9,
    "milestones": None, "num_epochs": 200, "num_cycles": 1, "cycle_decay": 1.0, "lr_epoch_stair": False,
}
NAMES = ("constant", "cosine_decay", "warmup_cosine_decay", "exponential_decay", "polynomial_decay", "step_decay",
         "multi_step_decay", "one_cycle", "cyclic")
KEYS = ("steps_per_epoch",) + tuple(DEFAULTS)


def _stair(main: Schedule, per_epoch: int) -> Schedule:
    """A schedule of the epoch, constant within each (mindcv's ``lr_epoch_stair``)."""
    return PerEpoch(main, per_epoch) if per_epoch > 1 else main


def _main(scheduler: str, a: Dict[str, Any], per_epoch: int) -> Schedule:
    """The decay phase, from its own step 0 (after the warmup)."""
    lr, stair, epochs = a["lr"], a["lr_epoch_stair"], a["num_epochs"] - a["warmup_epochs"]
    unit = 1 if stair else per_epoch   # the schedule's steps per epoch
    wrap = (lambda main: _stair(main, per_epoch)) if stair else (lambda main: main)
    if scheduler in ("cosine_decay", "warmup_cosine_decay"):
        return wrap(CosineCyclesLR(lr, a["decay_epochs"] * unit, min_lr=a["min_lr"], cycle_decay=a["cycle_decay"],
                                   cycle_limit=a["num_cycles"]))
    if scheduler == "one_cycle":
        if stair or a["warmup_epochs"] > 0:
            raise ValueError("OneCycle scheduler doesn't support learning rate varies with epoch and "
                             "warmup_epochs > 0 (as mindcv)")
        initial = lr / 25.0
        return OneCycleLR(lr, total_steps=per_epoch * epochs, div_factor=25.0, final_div_factor=initial / a["min_lr"],
                          cycle_momentum=False)
    if scheduler == "cyclic":
        if stair or a["warmup_epochs"] > 0:
            raise ValueError("Cyclic scheduler doesn't support learning rate varies with epoch and warmup_epochs > 0 "
                             "(as mindcv)")
        return CyclicLR(a["min_lr"], lr, step_size_up=int(per_epoch * epochs / a["num_cycles"] / 2),
                        cycle_momentum=False)
    if scheduler == "exponential_decay":
        return wrap(ExponentialLR(lr, a["decay_rate"])) if stair else \
            ExponentialLR(lr, a["decay_rate"] ** (1.0 / per_epoch))
    if scheduler == "polynomial_decay":
        return wrap(PolynomialLR(lr, total_iters=epochs * unit, power=a["decay_rate"]))
    if scheduler == "step_decay":
        return _stair(StepLR(lr, a["decay_epochs"], a["decay_rate"]), per_epoch)
    if scheduler == "multi_step_decay":
        milestones = sorted(a["milestones"] or [])
        main = MultiStepLR(lr, milestones, a["decay_rate"]) if milestones else FixedLR(lr)
        return _stair(main, per_epoch)
    return FixedLR(lr)


def schedule(scheduler: str, given: Dict[str, Any], context: Context) -> Schedule:
    """The schedule of mindcv's ``scheduler`` with ``create_scheduler``'s arguments ``given``."""
    per_epoch = given.get("steps_per_epoch", context.steps_per_epoch)
    if isinstance(per_epoch, bool) or not isinstance(per_epoch, int) or per_epoch < 1:
        raise ValueError(f"{context.where()}mindcv's {scheduler!r} needs steps_per_epoch, an int >= 1 (a key of the "
                         f"config or ms_lr.load(..., steps_per_epoch=N)), got {per_epoch!r}")
    a = {**DEFAULTS, **{key: value for key, value in given.items() if key != "steps_per_epoch"}}
    main = _main(scheduler, a, per_epoch)
    warmup = a["warmup_epochs"]
    if warmup <= 0:
        return main
    lr = a["lr"]
    start = lr * a["warmup_factor"]
    # A linear ramp from lr * warmup_factor to lr over the warmup epochs, per step or per epoch.
    if not a["lr_epoch_stair"]:
        return LinearWarmup(main, warmup * per_epoch, start_lr=start, end_lr=lr)
    ramp = PerEpoch(LinearWarmup(lr, warmup, start_lr=start), per_epoch)
    return SequentialLR([ramp, main], [warmup * per_epoch])


def names() -> List[Name]:
    """mindcv's ``scheduler`` names, each taking ``create_scheduler``'s arguments."""
    entries = []
    for scheduler in NAMES:
        example: Optional[Dict[str, Any]] = {"steps_per_epoch": 2, "lr": 0.1, "warmup_epochs": 2,
                                             "decay_epochs": 10, "num_epochs": 40, "milestones": [10, 20]}
        if scheduler in ("one_cycle", "cyclic"):
            example = {"steps_per_epoch": 2, "lr": 0.1, "warmup_epochs": 0, "num_epochs": 40}
        entries.append(Name(scheduler, Schedule, KEYS, origin=f"{ORIGIN} {scheduler}", example=example,
                            make=lambda given, context, scheduler=scheduler: schedule(scheduler, given, context)))
    return entries


#: mindcv's training YAML keys for ``create_scheduler``'s arguments (its ``train.py`` passes them so).
TRAINING_KEYS = {"lr": "lr", "min_lr": "min_lr", "warmup_epochs": "warmup_epochs", "warmup_factor": "warmup_factor",
                 "decay_epochs": "decay_epochs", "decay_rate": "decay_rate",
                 "multi_step_decay_milestones": "milestones", "epoch_size": "num_epochs", "num_cycles": "num_cycles",
                 "cycle_decay": "cycle_decay", "lr_epoch_stair": "lr_epoch_stair"}


def training_config(config: Dict[str, Any]) -> Dict[str, Any]:
    """The schedule config of a mindcv training YAML (top-level ``scheduler``, ``lr``, ``epoch_size``, ...);
    ``steps_per_epoch`` comes from the caller (mindcv reads it off the dataset)."""
    block = {"type": config["scheduler"]}
    block.update({argument: config[key] for key, argument in TRAINING_KEYS.items() if key in config})
    return block

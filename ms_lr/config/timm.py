"""timm's schedules (``timm.scheduler.create_scheduler_v2`` and its training script's ``sched:`` keys), as entries of
the one name table.

A config of one holds ``learning_rate`` (the optimizer's lr), ``updates_per_epoch`` (optimizer steps per epoch) and
``create_scheduler_v2``'s arguments with its defaults; its ``sched`` is the name. The schedule runs over optimizer
steps: with ``step_on_epochs=True`` (timm's default) the lr is constant within an epoch and equal to timm's
``step(epoch)`` value, otherwise to its ``step_update(num_updates)`` value after ``num_updates`` steps. timm's
conventions are kept: ``multistep`` applies milestone ``m`` at ``t = m - 1``; ``warmup_prefix=False`` lays the
warmup over the start of the schedule; a ``tanh`` warmup ramps to the curve's value where the warmup ends.

``plateau`` follows a metric (not the step): it is refused with what to use instead. timm's lr noise (``noise``,
``noise_pct``, ``noise_std``, ``noise_seed``) is :class:`ms_lr.NoisyLR`: the same truncated normal over the same
steps, drawn from a hash of the step instead of torch's generator.
"""
import math
from typing import Any, Dict, List, Optional, Union

import numpy as np
from mindspore import Tensor

from ms_lr.config.entry import Context, Name
from ms_lr.core.arguments import FLOAT32_TINY, INT32_MAX
from ms_lr.core.schedule import Schedule
from ms_lr.schedules.compose import PerEpoch
from ms_lr.schedules.constant import FixedLR
from ms_lr.schedules.cycles import CosineCyclesLR, PolyCyclesLR, TanhCyclesLR
from ms_lr.schedules.decay import MultiStepLR, PiecewiseConstantLR, StepLR, WarmupStableDecayLR
from ms_lr.schedules.noise import NoisyLR
from ms_lr.schedules.warmup import LinearWarmup

__all__ = ["DEFAULTS", "NAMES", "REFUSED", "TRAINING_KEYS", "names", "num_epochs", "schedule", "training_config"]

ORIGIN = "timm's"
#: ``create_scheduler_v2``'s arguments and defaults (timm 1.0), the optimizer replaced by its lr.
DEFAULTS: Dict[str, Any] = {
    "num_epochs": 300, "decay_epochs": None, "decay_milestones": (90, 180, 270), "cooldown_epochs": 0,
    "patience_epochs": 10, "decay_rate": 0.1, "min_lr": 0.0, "warmup_lr": 1e-5, "warmup_epochs": 0,
    "warmup_prefix": False, "noise": None, "noise_pct": 0.67, "noise_std": 1.0, "noise_seed": 42, "cycle_mul": 1.0,
    "cycle_decay": 0.1, "cycle_limit": 1, "k_decay": 1.0, "decay_fn": None, "stable_timescale": None,
    "plateau_mode": "max", "step_on_epochs": True,
}
NAMES = ("cosine", "tanh", "step", "multistep", "poly", "wsd", "rsqrt", "constant")
REFUSED = {
    "plateau": "it lowers the lr when a metric stops improving: wrap the schedule in ms_lr.ReducibleLR and pass "
               "ms_lr.ReduceLROnPlateau(...) to Model.train's callbacks (the training guide, \"Callbacks\")",
}
KEYS = ("learning_rate", "updates_per_epoch") + tuple(DEFAULTS)
# The most decay levels a 'step' schedule with a fractional interval keeps (its lr underflows long before).
_LEVEL_LIMIT = 65536


def _steps(value: Union[int, float], what: str) -> int:
    """A step count timm computes as a product; an integral float is its int."""
    if float(value) != int(value):
        raise ValueError(f"{what} = {value} is not a whole number of steps")
    return int(value)


def _first_step(level: int, interval: float) -> int:
    """The first int step ``t`` with ``t // interval >= level`` (Python's float floor division, as timm's)."""
    first = max(math.ceil(level * interval) - 1, 0)
    while first // interval < level:
        first += 1
    return first


def _fractional_step(lr: float, interval: float, rate: float) -> Schedule:
    """``lr * rate ** (t // interval)`` for a fractional interval (EfficientNet's 2.4 epochs): the levels and the
    first step of each, until the lr underflows float32 (0 after that) or the steps pass ``2**31 - 1``."""
    if rate == 1.0:
        return FixedLR(lr)
    milestones: List[int] = []
    values = [lr]
    while len(milestones) < _LEVEL_LIMIT:
        first = _first_step(len(milestones) + 1, interval)
        if first > INT32_MAX:
            break
        value = lr * rate ** (len(milestones) + 1)
        milestones.append(first)
        values.append(value if value >= FLOAT32_TINY else 0.0)
        if value < FLOAT32_TINY:
            return PiecewiseConstantLR(milestones, values)
    if len(milestones) >= _LEVEL_LIMIT:
        raise ValueError(f"decay_epochs={interval} with decay_rate={rate} makes more than {_LEVEL_LIMIT:,} lr levels "
                         f"within 2**31 steps")
    return PiecewiseConstantLR(milestones, values)


def _plan(sched: str, given: Dict[str, Any]) -> Dict[str, Any]:
    """Every argument of ``sched``, defaults filled and times in the schedule's units (epochs or updates)."""
    full = {**DEFAULTS, **given}
    if full["decay_epochs"] is None:
        full["decay_epochs"] = 0.2 if sched in ("wsd", "rsqrt") else 90
    per_epoch = 1 if full["step_on_epochs"] else full["updates_per_epoch"]
    full["t_initial"] = full["num_epochs"] * per_epoch
    full["warmup_t"] = _steps(full["warmup_epochs"] * per_epoch, "warmup_epochs * updates_per_epoch")
    full["decay_t"] = full["decay_epochs"] * per_epoch
    full["milestones_t"] = [m * per_epoch for m in full["decay_milestones"]]
    full["cooldown_t"] = full["cooldown_epochs"] * per_epoch
    full["timescale_t"] = None if full["stable_timescale"] is None else full["stable_timescale"] * per_epoch
    return full


def _with_warmup(main: Schedule, a: Dict[str, Any], end_lr: Optional[float] = None) -> Schedule:
    if not a["warmup_t"]:
        return main
    return LinearWarmup(main, a["warmup_t"], start_lr=a["warmup_lr"],
                        end_lr=a["learning_rate"] if end_lr is None else end_lr, warmup_prefix=a["warmup_prefix"])


def _cycles(cls: type, a: Dict[str, Any], **shape: Any) -> Schedule:
    return cls(a["learning_rate"], _steps(a["t_initial"], "num_epochs * updates_per_epoch"), min_lr=a["min_lr"],
               cycle_mul=a["cycle_mul"], cycle_decay=a["cycle_decay"], cycle_limit=a["cycle_limit"], **shape)


def _in_steps(sched: str, a: Dict[str, Any]) -> Schedule:
    """The schedule over timm's own ``t`` (epochs, or updates)."""
    lr = a["learning_rate"]
    if sched == "cosine":
        return _with_warmup(_cycles(CosineCyclesLR, a, k_decay=a["k_decay"]), a)
    if sched == "poly":
        return _with_warmup(_cycles(PolyCyclesLR, a, power=a["decay_rate"], k_decay=a["k_decay"]), a)
    if sched == "tanh":
        main = _cycles(TanhCyclesLR, a)
        warmup = a["warmup_t"]
        # timm ramps a tanh warmup to the curve where the warmup ends (its first value with warmup_prefix).
        end = lr if a["warmup_prefix"] or not warmup else float(main.at(Tensor(np.int32(warmup))).asnumpy())
        return _with_warmup(main, a, end_lr=end)
    if sched == "step":
        interval, rate = a["decay_t"], a["decay_rate"]
        if float(interval) == int(interval) and interval >= 1:
            main = StepLR(lr, int(interval), rate)
        else:
            main = _fractional_step(lr, float(interval), rate)
        return _with_warmup(main, a)
    if sched == "multistep":
        # timm counts milestone m once t + 1 >= m: at t = m - 1.
        milestones = sorted(max(_steps(m, "a decay milestone") - 1, 0) for m in a["milestones_t"])
        main = MultiStepLR(lr, milestones, a["decay_rate"]) if milestones else FixedLR(lr)
        return _with_warmup(main, a)
    if sched == "constant":
        return _with_warmup(FixedLR(lr), a)
    # wsd / rsqrt: the warmup is always a prefix; with warmup_prefix=False the rest fits within num_epochs.
    warmup = a["warmup_t"]
    length = a["t_initial"] if a["warmup_prefix"] else a["t_initial"] - warmup
    decay = a["decay_epochs"] * length if 0 < a["decay_epochs"] < 1 else a["decay_t"]
    decay = int(round(decay))
    if not 0 < decay <= length:
        raise ValueError(f"{sched} schedule requires 0 < decay_epochs <= epochs"
                         f"{'' if a['warmup_prefix'] else ' - warmup_epochs'}, got decay {decay} and stable + decay "
                         f"length {length} (as timm)")
    timescale = a["timescale_t"]
    return WarmupStableDecayLR(lr, warmup, _steps(length - decay, "the stable phase"), decay, min_lr=a["min_lr"],
                               decay=a["decay_fn"] or ("linear" if sched == "rsqrt" else "1-sqrt"),
                               start_lr=a["warmup_lr"], stable="rsqrt" if sched == "rsqrt" else "constant",
                               stable_timescale=None if timescale is None else _steps(timescale, "stable_timescale"))


def schedule(sched: str, given: Dict[str, Any], context: Context) -> Schedule:
    """The schedule of timm's ``sched`` with ``create_scheduler_v2``'s arguments ``given``, over optimizer steps."""
    given = dict(given)
    given.setdefault("updates_per_epoch", context.steps_per_epoch)
    if "learning_rate" not in given or given["updates_per_epoch"] is None:
        raise ValueError(f"{context.where()}timm's {sched!r} needs learning_rate (the optimizer's lr) and "
                         f"updates_per_epoch (optimizer steps per epoch: a key of the config, or "
                         f"steps_per_epoch=N to ms_lr.build / ms_lr.load)")
    per_epoch = given["updates_per_epoch"]
    if isinstance(per_epoch, bool) or not isinstance(per_epoch, int) or per_epoch < 1:
        raise ValueError(f"{context.where()}updates_per_epoch must be an int >= 1, got {per_epoch!r}")
    args = _plan(sched, given)
    inner = _with_noise(_in_steps(sched, args), args)
    return PerEpoch(inner, per_epoch) if args["step_on_epochs"] else inner


def _with_noise(inner: Schedule, a: Dict[str, Any]) -> Schedule:
    """timm's lr noise over ``noise`` (fractions of the schedule's length: ``[on, off]``, or ``on``): the same
    truncated normal, drawn from a hash of ``noise_seed + t`` instead of torch's generator."""
    noise = a["noise"]
    if noise is None:
        return inner
    points = [n * a["t_initial"] for n in (noise if isinstance(noise, (list, tuple)) else [noise])]
    if not 1 <= len(points) <= 2:
        raise ValueError(f"noise must be a fraction or a list of one or two, got {noise!r}")
    # timm compares t >= on and t < off on the real products: the integer steps from ceil(on) to ceil(off) - 1.
    start = max(math.ceil(points[0]), 0)
    end = math.ceil(points[1]) if len(points) == 2 else None
    if end is not None and end <= start:
        return inner
    return NoisyLR(inner, start, end, pct=a["noise_pct"], std=a["noise_std"], seed=a["noise_seed"])


def num_epochs(sched: str, given: Dict[str, Any]) -> int:
    """The epochs to train, as ``create_scheduler_v2`` returns them: the cycles and the cool-down for cycle
    schedules (cosine, tanh, poly), ``num_epochs`` (plus the warmup where it is a prefix) for the others."""
    a = _plan(sched, given)
    if sched in ("cosine", "tanh", "poly"):
        cycles = max(1, a["cycle_limit"])
        if a["cycle_mul"] == 1.0:
            t = a["t_initial"] * cycles
        else:
            m = a["cycle_mul"]
            t = int(math.floor(-a["t_initial"] * (m ** cycles - 1) / (1 - m)))
        t = (t + a["warmup_t"] if a["warmup_prefix"] else t) + a["cooldown_t"]
        return t if a["step_on_epochs"] else t // a["updates_per_epoch"]
    return a["num_epochs"] + (a["warmup_epochs"] if a["warmup_prefix"] else 0)


def names() -> List[Name]:
    """timm's ``sched`` names, each taking ``create_scheduler_v2``'s arguments."""
    example = {"learning_rate": 0.1, "updates_per_epoch": 2, "num_epochs": 40, "warmup_epochs": 3,
               "decay_epochs": 10, "decay_milestones": [10, 20]}
    return [Name(sched, Schedule, KEYS, origin=f"{ORIGIN} {sched}", example=example,
                 make=lambda given, context, sched=sched: schedule(sched, given, context)) for sched in NAMES]


#: timm's training script's argument names (its YAML config's keys) for ``create_scheduler_v2``'s, with the
#: defaults its ``scheduler_kwargs`` reads them with.
TRAINING_KEYS = {
    "epochs": ("num_epochs", 100), "decay_epochs": ("decay_epochs", 30), "decay_milestones": ("decay_milestones",
                                                                                             [30, 60]),
    "warmup_epochs": ("warmup_epochs", 5), "cooldown_epochs": ("cooldown_epochs", 0),
    "patience_epochs": ("patience_epochs", 10), "decay_rate": ("decay_rate", 0.1), "min_lr": ("min_lr", 0.0),
    "warmup_lr": ("warmup_lr", 1e-5), "warmup_prefix": ("warmup_prefix", False), "lr_noise": ("noise", None),
    "lr_noise_pct": ("noise_pct", 0.67), "lr_noise_std": ("noise_std", 1.0), "seed": ("noise_seed", 42),
    "lr_cycle_mul": ("cycle_mul", 1.0), "lr_cycle_decay": ("cycle_decay", 0.1), "lr_cycle_limit": ("cycle_limit", 1),
    "lr_k_decay": ("k_decay", 1.0), "lr_decay_fn": ("decay_fn", None), "lr_stable_timescale": ("stable_timescale",
                                                                                               None),
}


def training_config(config: Dict[str, Any], where: str) -> Dict[str, Any]:
    """The schedule config of a timm training YAML (top-level ``sched``, ``lr``, ``epochs``, ...), as its training
    script turns it into ``create_scheduler_v2``'s arguments; ``updates_per_epoch`` comes from ``steps_per_epoch``."""
    if config.get("lr") is None:
        raise ValueError(f"{where}: a timm config needs 'lr' (timm's training script otherwise computes it from "
                         f"lr_base and the global batch size; give the lr it printed)")
    block = {"type": config["sched"], "learning_rate": config["lr"]}
    for key, (argument, default) in TRAINING_KEYS.items():
        block[argument] = config.get(key, default)
    block["step_on_epochs"] = not config.get("sched_on_updates", False)
    return block

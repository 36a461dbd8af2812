"""Hugging Face's names for schedules (``transformers.get_scheduler`` and ``TrainingArguments.lr_scheduler_type``),
as entries of the one name table.

A config of one holds ``learning_rate`` (the optimizer's lr, which Hugging Face reads off the optimizer), Hugging
Face's ``num_warmup_steps`` and ``num_training_steps``, and the ``scheduler_specific_kwargs`` of the name, nested
under that key or written beside the others. The value at ``global_step = k`` is the lr after ``k`` calls of the
Hugging Face scheduler's ``step()``. Past ``num_training_steps`` the schedules hold their final value, where
Hugging Face's formulas run on (its ``cosine`` climbs back up from 0).

``reduce_lr_on_plateau`` and ``greedy`` are not functions of the step (they follow a metric): they are not names
of the table, and a config of either is an error that says what to use instead (:data:`METRIC_DRIVEN`).
"""
from typing import Any, Callable, Dict, List, Optional, Tuple

from ms_lr.config.entry import Context, Name
from ms_lr.core.schedule import Schedule
from ms_lr.schedules.compose import Offset
from ms_lr.schedules.constant import FixedLR
from ms_lr.schedules.decay import InverseSqrtLR, WarmupStableDecayLR
from ms_lr.schedules.from_mindformers import (
    ConstantWarmUpLR,
    CosineWithRestartsAndWarmUpLR,
    CosineWithWarmUpLR,
    LinearWithWarmUpLR,
    PolynomialWithWarmUpLR,
)
from ms_lr.schedules.warmup import ConstantWarmup

__all__ = ["COMMON_KEYS", "METRIC_DRIVEN", "SPECIFIC", "names", "schedule"]

ORIGIN = "Hugging Face's"
COMMON_KEYS = ("learning_rate", "num_warmup_steps", "num_training_steps", "scheduler_specific_kwargs")
#: Names that follow a metric rather than the step, and what ms_lr has for them.
METRIC_DRIVEN = {
    "reduce_lr_on_plateau": "it lowers the lr when a metric stops improving: wrap the schedule in ms_lr.ReducibleLR "
                            "and pass ms_lr.ReduceLROnPlateau(...) to Model.train's callbacks (the training guide, "
                            "\"Callbacks\")",
    "greedy": "it moves the lr by the training loss (transformers.GreedyLR); there is no step-driven equivalent",
}


def _warmup(args: Dict[str, Any]) -> int:
    return args["num_warmup_steps"]


def _total(args: Dict[str, Any]) -> int:
    return args["num_training_steps"]


def _linear(args: Dict[str, Any]) -> Schedule:
    return LinearWithWarmUpLR(args["learning_rate"], total_steps=_total(args), warmup_steps=_warmup(args))


def _cosine(args: Dict[str, Any]) -> Schedule:
    return CosineWithWarmUpLR(args["learning_rate"], warmup_steps=_warmup(args), total_steps=_total(args),
                              num_cycles=args.get("num_cycles", 0.5))


def _restarts(args: Dict[str, Any]) -> Schedule:
    return CosineWithRestartsAndWarmUpLR(args["learning_rate"], warmup_steps=_warmup(args), total_steps=_total(args),
                                         num_cycles=args.get("num_cycles", 1))


def _polynomial(args: Dict[str, Any]) -> Schedule:
    lr, lr_end = args["learning_rate"], args.get("lr_end", 1e-7)
    if not lr > lr_end:
        raise ValueError(f"lr_end ({lr_end}) must be smaller than the initial lr ({lr}), as in Hugging Face")
    return PolynomialWithWarmUpLR(lr, total_steps=_total(args), warmup_steps=_warmup(args), lr_end=lr_end,
                                  power=args.get("power", 1.0))


def _constant_with_warmup(args: Dict[str, Any]) -> Schedule:
    return ConstantWarmUpLR(args["learning_rate"], warmup_steps=_warmup(args))


def _inverse_sqrt(args: Dict[str, Any]) -> Schedule:
    warmup = _warmup(args)
    timescale = args.get("timescale")
    return InverseSqrtLR(args["learning_rate"], warmup, timescale=timescale if timescale is not None else
                         (warmup or 10_000))


def _min_lr(args: Dict[str, Any]) -> float:
    """The floor from ``min_lr`` or ``min_lr_rate`` (exactly one), as Hugging Face requires."""
    min_lr, rate = args.get("min_lr"), args.get("min_lr_rate")
    if min_lr is not None and rate is not None:
        raise ValueError("give one of min_lr and min_lr_rate, not both (as in Hugging Face)")
    if min_lr is None and rate is None:
        raise ValueError("one of min_lr and min_lr_rate is needed (Hugging Face reads it from "
                         "scheduler_specific_kwargs / lr_scheduler_kwargs)")
    return min_lr if min_lr is not None else rate * args["learning_rate"]


def _cosine_with_min_lr(args: Dict[str, Any]) -> Schedule:
    return CosineWithWarmUpLR(args["learning_rate"], warmup_steps=_warmup(args), total_steps=_total(args),
                              num_cycles=args.get("num_cycles", 0.5), lr_end=_min_lr(args))


def _cosine_warmup_with_min_lr(args: Dict[str, Any]) -> Schedule:
    """Hugging Face's variant counts its steps from 1: warmup (k + 1) / W (or from warmup_lr_rate to 1 over W - 1
    steps), cosine progress (k - W + 1) / (N - W). That is a cosine of N - 1 steps with a warmup of W - 1."""
    lr, warmup, total = args["learning_rate"], _warmup(args), _total(args)
    cycles, floor, rate = args.get("num_cycles", 0.5), _min_lr(args), args.get("warmup_lr_rate")
    if warmup == 0:
        return Offset(CosineWithWarmUpLR(lr, 0, total_steps=total, num_cycles=cycles, lr_end=floor), 1)
    if total < 2:
        raise ValueError(f"num_training_steps must be >= 2 for cosine_warmup_with_min_lr, got {total}")
    start = lr * (rate if rate is not None else 1.0 / warmup)
    cosine = CosineWithWarmUpLR(lr, warmup - 1, total_steps=total - 1, num_cycles=cycles, lr_end=floor,
                                warmup_lr_init=start)
    if warmup == 1 and rate is not None:
        # One warmup step at warmup_lr_rate, with the cosine's clock running under it.
        return ConstantWarmup(cosine, 1, start, warmup_prefix=False)
    return cosine


def _warmup_stable_decay(args: Dict[str, Any]) -> Schedule:
    lr, warmup = args["learning_rate"], _warmup(args)
    if args.get("num_decay_steps") is None:
        raise ValueError("warmup_stable_decay needs num_decay_steps (in scheduler_specific_kwargs)")
    decay = args["num_decay_steps"]
    stable = args.get("num_stable_steps")
    if stable is None:
        if args.get("num_training_steps") is None:
            raise ValueError("warmup_stable_decay needs num_training_steps or num_stable_steps")
        stable = args["num_training_steps"] - warmup - decay
        if stable < 0:
            raise ValueError(f"num_warmup_steps + num_decay_steps ({warmup} + {decay}) exceed num_training_steps "
                             f"({args['num_training_steps']})")
    cycles = args.get("num_cycles", 0.5)
    if cycles != 0.5:
        raise ValueError(f"num_cycles={cycles}: ms_lr's warmup_stable_decay decays by a half cosine "
                         f"(num_cycles=0.5) only; more waves are CosineWithWarmUpLR(num_cycles=...)")
    floor = lr * args.get("min_lr_ratio", 0.0)
    return WarmupStableDecayLR(lr, warmup, stable, decay, min_lr=floor, decay=args.get("decay_type", "cosine"),
                               start_lr=floor, warmup=args.get("warmup_type", "linear"))


#: Each name: its scheduler_specific_kwargs, whether it needs num_warmup_steps and num_training_steps, its builder.
SPECIFIC: Dict[str, Tuple[Tuple[str, ...], bool, bool, Callable[[Dict[str, Any]], Schedule]]] = {
    "linear": ((), True, True, _linear),
    "cosine": (("num_cycles",), True, True, _cosine),
    "cosine_with_restarts": (("num_cycles",), True, True, _restarts),
    "polynomial": (("lr_end", "power"), True, True, _polynomial),
    "constant": ((), False, False, lambda args: FixedLR(args["learning_rate"])),
    "constant_with_warmup": ((), True, False, _constant_with_warmup),
    "inverse_sqrt": (("timescale",), True, False, _inverse_sqrt),
    "cosine_with_min_lr": (("num_cycles", "min_lr", "min_lr_rate"), True, True, _cosine_with_min_lr),
    "cosine_warmup_with_min_lr": (("num_cycles", "min_lr", "min_lr_rate", "warmup_lr_rate"), True, True,
                                  _cosine_warmup_with_min_lr),
    "warmup_stable_decay": (("num_decay_steps", "num_stable_steps", "warmup_type", "decay_type", "min_lr_ratio",
                             "num_cycles"), True, False, _warmup_stable_decay),
}
_EXAMPLE = {"learning_rate": 0.1, "num_warmup_steps": 10, "num_training_steps": 100}


def schedule(name: str, given: Dict[str, Any], context: Context) -> Schedule:
    """The schedule of Hugging Face's ``name`` with the arguments ``given`` (``scheduler_specific_kwargs``
    flattened into them)."""
    specific, needs_warmup, needs_total, make = SPECIFIC[name]
    args = dict(given)
    nested = args.pop("scheduler_specific_kwargs", None) or {}
    if not isinstance(nested, dict):
        raise TypeError(f"{context.where()}scheduler_specific_kwargs must be a dict, got {nested!r}")
    unknown = sorted(set(nested) - set(specific))
    if unknown:
        raise ValueError(f"{context.where()}unknown scheduler_specific_kwargs {', '.join(unknown)} for Hugging "
                         f"Face's {name!r}; valid: {', '.join(specific) or '(none)'}")
    twice = sorted(set(nested) & set(args))
    if twice:
        raise ValueError(f"{context.where()}{', '.join(twice)} given both in scheduler_specific_kwargs and beside it")
    args.update(nested)
    if "learning_rate" not in args:
        raise ValueError(f"{context.where()}Hugging Face's {name!r} needs learning_rate (the optimizer's lr)")
    for key, needed in (("num_warmup_steps", needs_warmup), ("num_training_steps", needs_total)):
        if needed and args.get(key) is None:
            raise ValueError(f"{context.where()}{name} requires `{key}`, please provide that argument (as in "
                             f"Hugging Face)")
    args.setdefault("num_warmup_steps", 0)
    return make(args)


def names() -> List[Name]:
    """Hugging Face's schedule names (every ``SchedulerType`` that is a function of the step)."""
    entries = []
    for name, (specific, _, _, _) in SPECIFIC.items():
        example: Optional[Dict[str, Any]] = dict(_EXAMPLE)
        if name in ("cosine_with_min_lr", "cosine_warmup_with_min_lr"):
            example = {**_EXAMPLE, "scheduler_specific_kwargs": {"min_lr_rate": 0.1}}
        elif name == "warmup_stable_decay":
            example = {**_EXAMPLE, "num_decay_steps": 30}
        entries.append(Name(name, Schedule, COMMON_KEYS + specific, origin=f"{ORIGIN} {name}", example=example,
                            make=lambda given, context, name=name: schedule(name, given, context)))
    return entries

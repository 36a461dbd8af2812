"""MindFormers' names for schedules (its ``lr_schedule:`` blocks), as entries of the one name table.

What MindFormers' trainer does to a block before building it, this does too: ``total_steps: -1`` (or a missing
``total_steps``) becomes the run's total steps; ``warmup_epochs`` becomes ``int(warmup_epochs * steps_per_epoch)``
warmup steps unless ``warmup_ratio`` is set (which wins, as in MindFormers). The lowercase aliases MindFormers
registers (``cosine``, ``linear``, ...) name its classes. MindFormers' ``CosineAnnealingLR`` (``t_max``),
``CosineAnnealingWarmRestarts`` (``t_0``, ``t_mult``), ``WarmUpStableDecayLR`` and ``LearningRateWiseLayer`` are
native ms_lr schedules under other argument names, and build those. Unlike MindFormers, an unknown key is an error
that lists the valid ones.
"""
import warnings
from typing import Any, Dict, List, Mapping

from ms_lr.config.entry import Context, Name, Translate
from ms_lr.core.schedule import arguments, declared_types
from ms_lr.schedules import from_mindformers
from ms_lr.schedules.compose import Scaled
from ms_lr.schedules.cosine import CosineAnnealingLR, CosineAnnealingWarmRestarts
from ms_lr.schedules.decay import WarmupStableDecayLR
from ms_lr.schedules.from_mindformers import steps_from

__all__ = ["ALIASES", "TRAINER_KEYS", "names"]

#: MindFormers' lowercase names for its classes.
ALIASES = {
    "constant_with_warmup": "ConstantWarmUpLR", "linear": "LinearWithWarmUpLR", "cosine": "CosineWithWarmUpLR",
    "cosine_with_restarts": "CosineWithRestartsAndWarmUpLR", "polynomial": "PolynomialWithWarmUpLR",
}
#: Keys MindFormers' trainer reads off a block before building it.
TRAINER_KEYS = ("warmup_epochs", "steps_per_epoch")
_ORIGIN = "MindFormers' {}"
_WSD_KEYS = ("learning_rate", "lr_end", "warmup_steps", "warmup_lr_init", "warmup_ratio", "total_steps",
             "decay_start_steps", "decay_start_ratio")


def _resolve_trainer(block: Dict[str, Any], context: Context) -> Dict[str, Any]:
    """``total_steps: -1``/missing and ``warmup_epochs`` resolved as MindFormers' trainer does."""
    block = dict(block)
    if block.get("total_steps") in (None, -1):
        block.pop("total_steps", None)
        if context.total_steps is not None:
            block["total_steps"] = context.total_steps
    epochs = block.pop("warmup_epochs", None)
    per_epoch = block.pop("steps_per_epoch", context.steps_per_epoch)
    if epochs is None:
        return block
    if block.get("warmup_ratio") is not None:
        warnings.warn(f"{context.where()}warmup_epochs and warmup_ratio are both set; warmup_ratio wins, as in "
                      f"MindFormers", stacklevel=5)
    elif per_epoch is None:
        raise ValueError(f"warmup_epochs={epochs} needs steps_per_epoch (a key of the block, or "
                         f"ms_lr.build(..., steps_per_epoch=N))")
    elif isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"warmup_epochs must be an int >= 0, got {epochs!r}")
    else:
        block["warmup_steps"] = int(epochs * per_epoch)
    return block


def _renamed(renames: Mapping[str, str]) -> Translate:
    """A translation that renames keys (``t_max`` -> ``T_max``); both spellings at once is an error."""
    def translate(block: Dict[str, Any], context: Context) -> Dict[str, Any]:
        both = [f"{old} and {new}" for old, new in renames.items() if old != new and old in block and new in block]
        if both:
            raise ValueError(f"{both[0]} name the same argument; give one")
        return {renames.get(key, key): value for key, value in block.items()}
    return translate


def _warmup_stable_decay(block: Dict[str, Any], context: Context) -> Dict[str, Any]:
    """MindFormers' WarmUpStableDecayLR as ms_lr's WarmupStableDecayLR (linear decay from decay_start to
    total_steps, then held at lr_end where MindFormers' line goes on below it)."""
    block = _resolve_trainer(block, context)
    total = block.get("total_steps")
    if total is None:
        raise ValueError("total_steps is needed for WarmUpStableDecayLR (total_steps: -1 means the total_steps "
                         "given to ms_lr.build)")
    warmup = steps_from("warmup", block.get("warmup_steps"), block.get("warmup_ratio"), total)
    start = steps_from("decay_start", block.get("decay_start_steps"), block.get("decay_start_ratio"), total,
                       default=warmup)
    if not warmup <= start < total:
        raise ValueError(f"For 'WarmUpStableDecayLR', the decay must start at or after the warmup and before "
                         f"total_steps: warmup {warmup}, decay start {start}, total_steps {total}")
    return {"peak_lr": block["learning_rate"], "warmup_steps": warmup, "stable_steps": start - warmup,
            "decay_steps": total - start, "min_lr": block.get("lr_end", 1e-7), "decay": "linear",
            "start_lr": block.get("warmup_lr_init", 0.0)}


def names() -> List[Name]:
    """MindFormers' names: its six classes (ms_lr classes of the same names and arguments) and their aliases,
    and its names for four native schedules."""
    classes = {cls.__name__: cls for cls in declared_types() if cls.__name__ in from_mindformers.__all__}
    entries = []
    for name, cls in classes.items():
        keys = tuple(arguments(cls)) + TRAINER_KEYS
        entries.append(Name(name, cls, keys, _resolve_trainer, _ORIGIN.format(name)))
    for alias, name in ALIASES.items():
        entries.append(Name(alias, classes[name], tuple(arguments(classes[name])) + TRAINER_KEYS, _resolve_trainer,
                            _ORIGIN.format(name)))
    cosine = {"base_lr": "base_lr", "t_max": "T_max", "eta_min": "eta_min"}
    restarts = {"base_lr": "base_lr", "t_0": "T_0", "t_mult": "T_mult", "eta_min": "eta_min"}
    for alias, cls, renames, example in (
            ("cosine_annealing", CosineAnnealingLR, cosine, {"base_lr": 0.1, "t_max": 10}),
            ("cosine_annealing_warm_restarts", CosineAnnealingWarmRestarts, restarts,
             {"base_lr": 0.1, "t_0": 10, "t_mult": 2})):
        origin = _ORIGIN.format(cls.__name__)
        entries.append(Name(alias, cls, tuple(renames), _renamed(renames), origin, example))
        # Its class name takes MindFormers' spellings beside ms_lr's own.
        own = tuple(arguments(cls))
        entries.append(Name(cls.__name__, cls, own + tuple(k for k in renames if k not in own), _renamed(renames)))
    entries.append(Name("WarmUpStableDecayLR", WarmupStableDecayLR, _WSD_KEYS + TRAINER_KEYS, _warmup_stable_decay,
                        _ORIGIN.format("WarmUpStableDecayLR"),
                        {"learning_rate": 0.1, "warmup_steps": 5, "decay_start_steps": 20, "total_steps": 50}))
    entries.append(Name("LearningRateWiseLayer", Scaled, ("base_lr", "lr_scale"),
                        _renamed({"base_lr": "schedule", "lr_scale": "scale"}), _ORIGIN.format("LearningRateWiseLayer"),
                        {"base_lr": {"type": "cosine", "learning_rate": 0.1, "total_steps": 50}, "lr_scale": 0.5}))
    return entries

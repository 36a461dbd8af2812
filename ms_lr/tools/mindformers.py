"""MindFormers' ``lr_schedule:`` blocks, translated to ms_lr configs before they are built.

What MindFormers' trainer does to a block before building it, this does too: ``total_steps: -1`` (or a missing
``total_steps``) becomes the run's total steps; ``warmup_epochs`` becomes ``int(warmup_epochs * steps_per_epoch)``
warmup steps unless ``warmup_ratio`` is set (which wins, as in MindFormers). The lowercase aliases MindFormers
registers (``cosine``, ``linear``, ...) name their classes. MindFormers' ``CosineAnnealingLR`` (``t_max``),
``CosineAnnealingWarmRestarts`` (``t_0``, ``t_mult``), ``WarmUpStableDecayLR`` and ``LearningRateWiseLayer`` are
native ms_lr schedules under other argument names, and become those. Unlike MindFormers, an unknown key is an error
that lists the valid ones.
"""
import copy
import warnings
from typing import Any, Dict, List, Optional

from ms_lr.core.schedule import arguments, schedule_class
from ms_lr.schedules.from_mindformers import steps_from

__all__ = ["ALIASES", "MINDFORMERS_TYPES", "translate"]

ALIASES = {
    "constant_with_warmup": "ConstantWarmUpLR", "linear": "LinearWithWarmUpLR", "cosine": "CosineWithWarmUpLR",
    "cosine_with_restarts": "CosineWithRestartsAndWarmUpLR", "polynomial": "PolynomialWithWarmUpLR",
    "cosine_annealing": "CosineAnnealingLR", "cosine_annealing_warm_restarts": "CosineAnnealingWarmRestarts",
}
# MindFormers' own classes (ms_lr classes of the same names and arguments).
MINDFORMERS_TYPES = ("ConstantWarmUpLR", "LinearWithWarmUpLR", "CosineWithWarmUpLR",
                     "CosineWithRestartsAndWarmUpLR", "PolynomialWithWarmUpLR", "ConstantWithCoolDownLR")
# Keys MindFormers' trainer reads off a block before building it.
TRAINER_KEYS = ("warmup_epochs", "steps_per_epoch")
_RENAMED = {
    "CosineAnnealingLR": ({"base_lr": "base_lr", "t_max": "T_max", "eta_min": "eta_min"}, "t_max"),
    "CosineAnnealingWarmRestarts": ({"base_lr": "base_lr", "t_0": "T_0", "t_mult": "T_mult", "eta_min": "eta_min"},
                                    "t_0"),
}
_WSD_KEYS = ("learning_rate", "lr_end", "warmup_steps", "warmup_lr_init", "warmup_ratio", "total_steps",
             "decay_start_steps", "decay_start_ratio")


def translate(block: Any, total_steps: Optional[int] = None, steps_per_epoch: Optional[int] = None,
              path: str = "") -> Any:
    """``block`` with every MindFormers block in it (nested ones included) turned into an ms_lr config."""
    if isinstance(block, list):
        return [translate(item, total_steps, steps_per_epoch, f"{path}[{i}]") for i, item in enumerate(block)]
    if not isinstance(block, dict) or "type" not in block:
        return block
    block = {key: translate(value, total_steps, steps_per_epoch, f"{path}.{key}" if path else key)
             for key, value in block.items()}
    name = ALIASES.get(block["type"], block["type"])
    renamed = _RENAMED.get(name)
    if renamed is not None and (block["type"] in ALIASES or renamed[1] in block):
        return _rename(block, name, renamed[0], path)
    if name == "WarmUpStableDecayLR":
        return _warmup_stable_decay(_resolve_shared(block, total_steps, steps_per_epoch, path), path)
    if name == "LearningRateWiseLayer":
        _check_keys(block, ("base_lr", "lr_scale"), "LearningRateWiseLayer", path)
        return {"type": "Scaled", "schedule": block["base_lr"], "scale": block["lr_scale"]}
    if name in MINDFORMERS_TYPES:
        block = _resolve_shared(dict(block, type=name), total_steps, steps_per_epoch, path)
        _check_keys(block, arguments(schedule_class(name)), name, path)
    return block


def _where(path: str) -> str:
    return f"at {path}: " if path else ""


def _check_keys(block: Dict[str, Any], valid: List[str], name: str, path: str) -> None:
    unknown = sorted(set(block) - set(valid) - {"type"})
    if unknown:
        extra = f" (and the trainer's {', '.join(TRAINER_KEYS)})" if name in MINDFORMERS_TYPES or \
            name == "WarmUpStableDecayLR" else ""
        raise ValueError(f"{_where(path)}unknown key(s) {', '.join(map(str, unknown))} for MindFormers' {name}; "
                         f"valid: {', '.join(valid)}{extra}")


def _rename(block: Dict[str, Any], name: str, names: Dict[str, str], path: str) -> Dict[str, Any]:
    _check_keys(block, list(names), name, path)
    return {"type": name, **{names[key]: value for key, value in block.items() if key != "type"}}


def _resolve_shared(block: Dict[str, Any], total_steps: Optional[int], steps_per_epoch: Optional[int],
                    path: str) -> Dict[str, Any]:
    """``total_steps: -1``/missing and ``warmup_epochs`` resolved as MindFormers' trainer does."""
    block = copy.copy(block)
    if block.get("total_steps") in (None, -1):
        block.pop("total_steps", None)
        if total_steps is not None:
            block["total_steps"] = total_steps
    epochs = block.pop("warmup_epochs", None)
    per_epoch = block.pop("steps_per_epoch", steps_per_epoch)
    if epochs is not None:
        if block.get("warmup_ratio") is not None:
            warnings.warn(f"{_where(path)}warmup_epochs and warmup_ratio are both set; warmup_ratio wins, as in "
                          f"MindFormers", stacklevel=3)
        elif per_epoch is None:
            raise ValueError(f"{_where(path)}warmup_epochs={epochs} needs steps_per_epoch (a key of the block, or "
                             f"ms_lr.build(..., steps_per_epoch=N))")
        elif isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
            raise ValueError(f"{_where(path)}warmup_epochs must be an int >= 0, got {epochs!r}")
        else:
            block["warmup_steps"] = int(epochs * per_epoch)
    return block


def _warmup_stable_decay(block: Dict[str, Any], path: str) -> Dict[str, Any]:
    """MindFormers' WarmUpStableDecayLR as ms_lr's WarmupStableDecayLR (linear decay from decay_start to
    total_steps, then held at lr_end where MindFormers' line goes on below it)."""
    _check_keys(block, list(_WSD_KEYS), "WarmUpStableDecayLR", path)
    total = block.get("total_steps")
    if total is None:
        raise ValueError(f"{_where(path)}total_steps is needed for WarmUpStableDecayLR (total_steps: -1 means the "
                         f"total_steps given to ms_lr.build)")
    where = f"{_where(path)}For 'WarmUpStableDecayLR', "
    warmup = steps_from("warmup", block.get("warmup_steps"), block.get("warmup_ratio"), total)
    start = steps_from("decay_start", block.get("decay_start_steps"), block.get("decay_start_ratio"), total,
                       default=warmup)
    if not warmup <= start < total:
        raise ValueError(f"{where}the decay must start at or after the warmup and before total_steps: warmup "
                         f"{warmup}, decay start {start}, total_steps {total}")
    return {"type": "WarmupStableDecayLR", "peak_lr": block["learning_rate"], "warmup_steps": warmup,
            "stable_steps": start - warmup, "decay_steps": total - start, "min_lr": block.get("lr_end", 1e-7),
            "decay": "linear", "start_lr": block.get("warmup_lr_init", 0.0)}

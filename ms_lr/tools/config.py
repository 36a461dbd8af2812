"""Build schedules from dicts, YAML or JSON files, and write them back.

A config is ``{"type": ClassName, **arguments}`` (the MindFormers convention); an argument that is itself a schedule
is a nested config, and lists of schedules are lists of configs. ``ms_lr.build(schedule.to_dict())`` rebuilds any
schedule whose arguments are data (not Python functions).

    >>> import ms_lr
    >>> sched = ms_lr.build({"type": "LinearWarmup", "warmup_steps": 10,
    ...                      "after": {"type": "CosineAnnealingLR", "base_lr": 0.1, "T_max": 90}})
    >>> ms_lr.build(sched.to_dict()).get_config() == sched.get_config()
    True
"""
import json
import os
from types import ModuleType
from typing import Any, Dict, Optional

from ms_lr.core.schedule import Schedule, build_schedule
from ms_lr.tools.mindformers import translate

__all__ = ["build", "load", "dump"]


def build(config: Dict[str, Any], total_steps: Optional[int] = None,
          steps_per_epoch: Optional[int] = None) -> Schedule:
    """A schedule from ``{"type": name, **arguments}``; nested schedules as nested configs.

    MindFormers' ``lr_schedule:`` blocks are accepted as they are (their types, lowercase aliases and argument
    names): ``total_steps: -1`` or a missing ``total_steps`` means ``total_steps`` here, and ``warmup_epochs`` is
    counted in ``steps_per_epoch`` (see :mod:`ms_lr.tools.mindformers`).

    Raises:
        ValueError: For an unknown type or argument (listing the valid ones), and for any invalid argument value,
            as the schedule's constructor reports it, with where in the config it happened.
        TypeError: If ``config`` is not a dict with a ``type``, or a value has the wrong type.

    Examples:
        >>> import ms_lr
        >>> block = {"type": "cosine", "learning_rate": 1e-4, "warmup_ratio": 0.1, "lr_end": 1e-6, "total_steps": -1}
        >>> ms_lr.build(block, total_steps=1000)
        CosineWithWarmUpLR(learning_rate=0.0001, warmup_steps=0, total_steps=1000, num_cycles=0.5, lr_end=1e-06, \
warmup_lr_init=0.0, warmup_ratio=0.1, decay_steps=None, decay_ratio=None)
    """
    return build_schedule(translate(config, total_steps, steps_per_epoch))


def _yaml() -> ModuleType:
    try:
        import yaml
    except ImportError:
        raise ImportError("reading and writing YAML needs PyYAML: pip install 'ms_lr[yaml]' (or pyyaml)") from None
    return yaml


def _is_yaml(path: str) -> bool:
    return os.path.splitext(path)[1].lower() in (".yaml", ".yml")


def load(path: str, total_steps: Optional[int] = None, steps_per_epoch: Optional[int] = None) -> Schedule:
    """Build a schedule from a YAML (``.yaml``/``.yml``) or JSON file holding one config.

    A file may also hold the config under a top-level ``lr_schedule`` key, as a MindFormers training config does;
    ``total_steps`` and ``steps_per_epoch`` resolve its ``total_steps: -1`` and ``warmup_epochs`` as in
    :func:`build`.
    """
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    config = _yaml().safe_load(text) if _is_yaml(path) else json.loads(text)
    if isinstance(config, dict) and "type" not in config and "lr_schedule" in config:
        config = config["lr_schedule"]
    return build(config, total_steps, steps_per_epoch)


def dump(schedule: Schedule, path: str) -> None:
    """Write ``schedule.to_dict()`` as YAML or JSON, by the file's extension."""
    config = schedule.to_dict()
    yaml = _yaml() if _is_yaml(path) else None
    with open(path, "w", encoding="utf-8") as handle:
        if yaml is not None:
            yaml.safe_dump(config, handle, sort_keys=False)
        else:
            json.dump(config, handle, indent=2)

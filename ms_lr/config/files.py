"""Schedule configs in YAML (``.yaml``/``.yml``) and JSON files: :func:`load` and :func:`dump`.

YAML is read as YAML 1.2 reads numbers: ``1e-5`` is a float (PyYAML follows YAML 1.1, where a float needs a dot
and ``1e-5`` is the string ``'1e-5'``; MindFormers' own documentation writes ``learning_rate: 1e-5``).
"""
import json
import os
import re
from types import ModuleType
from typing import Any, Dict, Optional

from ms_lr.config import mindcv, timm
from ms_lr.config.building import build
from ms_lr.core.schedule import Schedule

__all__ = ["load", "dump", "read"]


def _yaml() -> ModuleType:
    try:
        import yaml
    except ImportError:
        raise ImportError("reading and writing YAML needs PyYAML: pip install 'ms_lr[yaml]' (or pyyaml)") from None
    return yaml


def _is_yaml(path: str) -> bool:
    return os.path.splitext(path)[1].lower() in (".yaml", ".yml")


# YAML 1.2's floats (core schema): a dot or an exponent, either one. PyYAML's own resolver wants the dot.
_FLOAT_12 = re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9_]+(?:[eE][-+]?[0-9]+)?)$|"
                       r"^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$")


def _loader() -> Any:
    yaml = _yaml()

    class Yaml12Numbers(yaml.SafeLoader):
        """PyYAML's safe loader, reading ``1e-5`` as the float YAML 1.2 reads."""

    Yaml12Numbers.yaml_implicit_resolvers = {key: [(tag, regexp) for tag, regexp in resolvers
                                                   if tag != "tag:yaml.org,2002:float"]
                                             for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    Yaml12Numbers.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT_12, list("-+0123456789."))
    # Integers keep their own resolver, which comes first for digits alone.
    for resolvers in Yaml12Numbers.yaml_implicit_resolvers.values():
        resolvers.sort(key=lambda item: item[0] != "tag:yaml.org,2002:int")
    return Yaml12Numbers


def read(path: str) -> Any:
    """The parsed content of a YAML (1.2 numbers) or JSON file."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    return _yaml().load(text, Loader=_loader()) if _is_yaml(path) else json.loads(text)


def load(path: str, total_steps: Optional[int] = None, steps_per_epoch: Optional[int] = None) -> Schedule:
    """Build a schedule from a YAML (``.yaml``/``.yml``) or JSON file holding one config.

    A file may also hold the config under a top-level ``lr_schedule`` key beside other sections, as a MindFormers
    training config does; without one, a ``grouped_lr_schedule`` section's ``default`` block is the schedule (the
    groups need the network: :func:`ms_lr.grouped_lr_schedule` reads the same file). A timm training config
    (top-level ``sched``, ``lr``, ``epochs``, ...) and a mindcv one (``scheduler``, ``lr``, ``epoch_size``, ...) are
    read as their training scripts read them. ``total_steps`` and ``steps_per_epoch`` resolve a block's
    ``total_steps: -1`` and ``warmup_epochs`` as in :func:`ms_lr.build`, and are timm's ``updates_per_epoch`` and
    mindcv's ``steps_per_epoch``.
    """
    return build(schedule_config(read(path), path), total_steps, steps_per_epoch)


def schedule_config(config: Any, path: str) -> Dict[str, Any]:
    """The one schedule config a file's content holds: itself, its ``lr_schedule``, its grouped default, or the
    schedule keys of a timm (``sched:``) or mindcv (``scheduler:``) training config."""
    if isinstance(config, dict) and "type" not in config:
        if "lr_schedule" in config:
            return config["lr_schedule"]
        if isinstance(config.get("sched"), str):
            return timm.training_config(config, path)
        if isinstance(config.get("scheduler"), str):
            return mindcv.training_config(config)
        grouped = config.get("grouped_lr_schedule")
        if isinstance(grouped, dict) and isinstance(grouped.get("default"), dict):
            return grouped["default"]
        raise TypeError(f"{path} holds no schedule config: a dict with a 'type' key, an 'lr_schedule' section, a "
                        f"'grouped_lr_schedule' section with a 'default' block, or a timm 'sched' or mindcv "
                        f"'scheduler' name (its keys: "
                        f"{', '.join(map(str, config))})")
    return config


def dump(schedule: Schedule, path: str) -> None:
    """Write ``schedule.to_dict()`` as YAML or JSON, by the file's extension."""
    config = schedule.to_dict()
    yaml = _yaml() if _is_yaml(path) else None
    with open(path, "w", encoding="utf-8") as handle:
        if yaml is not None:
            yaml.safe_dump(config, handle, sort_keys=False)
        else:
            json.dump(config, handle, indent=2)

"""Schedule configs in YAML (``.yaml``/``.yml``) and JSON files: :func:`load` and :func:`dump`."""
import json
import os
from types import ModuleType
from typing import Optional

from ms_lr.config.building import build
from ms_lr.core.schedule import Schedule

__all__ = ["load", "dump"]


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
    :func:`ms_lr.build`.
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

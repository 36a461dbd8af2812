"""Build schedules from dicts, YAML or JSON: the registry of schedule types.

A config is ``{"type": ClassName, **arguments}`` (the MindFormers convention); an argument that is itself a schedule
is a nested config, and lists of schedules are lists of configs. ``ms_lr.build(schedule.to_dict())`` rebuilds any
schedule whose arguments are data (not Python functions).

    >>> import ms_lr
    >>> sched = ms_lr.build({"type": "LinearWarmup", "warmup_steps": 10,
    ...                      "after": {"type": "CosineAnnealingLR", "base_lr": 0.1, "T_max": 90}})
    >>> ms_lr.build(sched.to_dict()).get_config() == sched.get_config()
    True
"""
import inspect
import json
import os

from ms_lr.base import Schedule

_REGISTRY = {}


def register(cls):
    """Make a Schedule subclass buildable by name (every public ms_lr schedule is registered)."""
    if not (isinstance(cls, type) and issubclass(cls, Schedule)):
        raise TypeError(f"only ms_lr.Schedule subclasses can be registered, got {cls!r}")
    _REGISTRY[cls.__name__] = cls
    return cls


def registered():
    """Names of the buildable schedule types, sorted."""
    return sorted(_REGISTRY)


def schedule_class(name):
    """The registered class called ``name``; a ValueError lists the valid names otherwise."""
    if not isinstance(name, str) or name not in _REGISTRY:
        raise ValueError(f"unknown schedule type {name!r}; valid types: {', '.join(registered())}")
    return _REGISTRY[name]


def arguments(cls):
    """The constructor argument names of a schedule class, in order."""
    return [p for p in inspect.signature(cls.__init__).parameters if p != "self"]


def _nested(value):
    if isinstance(value, dict) and "type" in value:
        return build(value)
    if isinstance(value, list) and value and all(isinstance(v, dict) and "type" in v for v in value):
        return [build(v) for v in value]
    return value


def build_arguments(cls, config):
    """Constructor keyword arguments from a config (without ``type``): nested configs built, names checked."""
    if not isinstance(config, dict):
        raise TypeError(f"a schedule config must be a dict, got {type(config).__name__}")
    valid = arguments(cls)
    unknown = sorted(set(config) - set(valid))
    if unknown:
        raise ValueError(f"unknown argument(s) {', '.join(unknown)} for {cls.__name__}; valid: {', '.join(valid)}")
    return {key: _nested(value) for key, value in config.items()}


def build(config):
    """A schedule from ``{"type": name, **arguments}``; nested schedules as nested configs.

    Raises:
        ValueError: For an unknown type (listing the valid ones) or argument (listing the valid ones), and for
            any invalid argument value, as the constructor reports it.
        TypeError: If ``config`` is not a dict with a ``type``.
    """
    if not isinstance(config, dict) or "type" not in config:
        raise TypeError(f"a schedule config must be a dict with a 'type' key, got {config!r}")
    cls = schedule_class(config["type"])
    return cls(**build_arguments(cls, {k: v for k, v in config.items() if k != "type"}))


def _is_yaml(path):
    return os.path.splitext(path)[1].lower() in (".yaml", ".yml")


def load(path):
    """Build a schedule from a YAML (``.yaml``/``.yml``) or JSON file holding one config.

    A YAML file may also hold the config under a top-level ``lr_schedule`` key, as in a larger training config.
    """
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    if _is_yaml(path):
        try:
            import yaml
        except ImportError:
            raise ImportError("reading YAML needs PyYAML: pip install 'ms_lr[yaml]'") from None
        config = yaml.safe_load(text)
    else:
        config = json.loads(text)
    if isinstance(config, dict) and "type" not in config and "lr_schedule" in config:
        config = config["lr_schedule"]
    return build(config)


def dump(schedule, path):
    """Write ``schedule.to_dict()`` as YAML or JSON, by the file's extension."""
    config = schedule.to_dict()
    with open(path, "w", encoding="utf-8") as handle:
        if _is_yaml(path):
            import yaml
            yaml.safe_dump(config, handle, sort_keys=False)
        else:
            json.dump(config, handle, indent=2)

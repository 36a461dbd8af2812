"""From a config to a cell, in one pass down the tiers: the name's entry, one key check, nested configs built,
the name's translation, the class's own argument rules.

A config is ``{"type": name, **arguments}`` (the MindFormers convention); an argument that is itself a schedule is
a nested config, and lists of schedules are lists of configs. ``ms_lr.build(schedule.to_dict())`` rebuilds any
schedule whose arguments are data (not Python functions).

    >>> import ms_lr
    >>> sched = ms_lr.build({"type": "LinearWarmup", "warmup_steps": 10,
    ...                      "after": {"type": "CosineAnnealingLR", "base_lr": 0.1, "T_max": 90}})
    >>> ms_lr.build(sched.to_dict()).get_config() == sched.get_config()
    True
"""
from typing import Any, Dict, Optional

from ms_lr.config.entry import Context
from ms_lr.config.names import check_keys, lookup
from ms_lr.core.schedule import Schedule

__all__ = ["build", "build_in"]


def build(config: Dict[str, Any], total_steps: Optional[int] = None,
          steps_per_epoch: Optional[int] = None) -> Schedule:
    """A schedule from ``{"type": name, **arguments}``; nested schedules as nested configs.

    ``name`` is any of :func:`ms_lr.config.accepted_names`: a schedule class, or another library's name for one
    (MindFormers' ``lr_schedule:`` blocks are accepted as they are: their types, lowercase aliases and argument
    names; ``total_steps: -1`` or a missing ``total_steps`` means ``total_steps`` here, and ``warmup_epochs`` is
    counted in ``steps_per_epoch``).

    Raises:
        ValueError: For an unknown type (with the closest names, and every accepted one) or an unknown argument
            (with the closest valid one, and every valid one), and for any invalid argument value, as the
            schedule's constructor reports it, with where in the config it happened.
        TypeError: If ``config`` is not a dict with a ``type``, or a value has the wrong type.

    Examples:
        >>> import ms_lr
        >>> block = {"type": "cosine", "learning_rate": 1e-4, "warmup_ratio": 0.1, "lr_end": 1e-6, "total_steps": -1}
        >>> ms_lr.build(block, total_steps=1000)
        CosineWithWarmUpLR(learning_rate=0.0001, warmup_steps=0, total_steps=1000, num_cycles=0.5, lr_end=1e-06, \
warmup_lr_init=0.0, warmup_ratio=0.1, decay_steps=None, decay_ratio=None)
    """
    return build_in(config, Context(total_steps, steps_per_epoch))


def build_in(config: Any, context: Context) -> Schedule:
    """:func:`build` at a place in an enclosing config (``context.path``), which every error names."""
    where = context.where()
    if not isinstance(config, dict) or "type" not in config:
        raise TypeError(f"{where}a schedule config must be a dict with a 'type' key, got {config!r:.200}")
    try:
        entry = lookup(config["type"])
    except ValueError as error:
        raise ValueError(f"{where}{error}") from None
    given = {key: value for key, value in config.items() if key != "type"}
    check_keys(entry, list(given), context)
    given = {key: _nested(value, context, str(key)) for key, value in given.items()}
    try:
        return entry.build(given, context)
    except (TypeError, ValueError) as error:
        if not where:
            raise
        raise type(error)(f"{where}{error}") from None


def _nested(value: Any, context: Context, key: str) -> Any:
    """``value`` with a nested config (or a list of them) built, at ``key`` in the enclosing config."""
    if isinstance(value, dict) and "type" in value:
        return build_in(value, context.at(key))
    configs = [isinstance(v, dict) and "type" in v for v in value] if isinstance(value, list) else []
    # A list of schedules may hold plain lrs among them (SequentialLR's constant phases).
    if any(configs) and all(is_config or isinstance(v, (int, float)) for v, is_config in zip(value, configs)):
        return [build_in(v, context.at(key).at(f"[{i}]")) if is_config else v
                for i, (v, is_config) in enumerate(zip(value, configs))]
    return value

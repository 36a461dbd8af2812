"""Per-group schedules by parameter-name pattern: MindFormers' ``grouped_lr_schedule`` for any network."""
import fnmatch
from typing import Any, Dict, Iterable, List, Optional, Union

from mindspore import Parameter
from mindspore.nn import Cell

from ms_lr.config import build
from ms_lr.config.files import read

__all__ = ["grouped_lr_schedule"]


def _matches(name: str, pattern: str) -> bool:
    # MindFormers' rule: the pattern is a substring of the name, or a shell-style wildcard matching all of it.
    return pattern in name or fnmatch.fnmatch(name, pattern)


def grouped_lr_schedule(config: Union[Dict[str, Any], str], network: Union[Cell, Iterable[Parameter]],
                        total_steps: Optional[int] = None, steps_per_epoch: Optional[int] = None,
                        weight_decay: Optional[float] = None) -> List[dict]:
    """The optimizer's parameter groups from MindFormers' ``grouped_lr_schedule`` config.

    ``config`` is ``{"default": block, "grouped": [{"params": [pattern, ...], **block}, ...]}``, a training
    config holding it under ``grouped_lr_schedule``, or the path of a YAML/JSON file holding either (as MindFormers
    users write it, next to other sections). Each trainable parameter goes to the first group with a pattern
    that is a substring of its name or matches it as a wildcard (``'embedding.*'``), the rest to ``default``; every
    block is built with :func:`ms_lr.build` (so MindFormers' types, ``total_steps: -1`` and ``warmup_epochs`` work).

    **Weight decay, as MindFormers splits it.** With ``weight_decay`` (the optimizer's), every group is split in
    two, as MindFormers' ``get_optimizer_grouped_parameters`` does: its decayed parameters get ``weight_decay``, the
    others 0 (1-D parameters and biases, names ending in ``.bias``: LayerNorm, BatchNorm, embeddings' biases; or,
    where the network defines ``no_weight_decay()`` / ``no_weight_decay_keywords()``, the names and keywords they
    give). Without it the groups carry no ``weight_decay`` and the optimizer's own applies to every parameter.

    Returns:
        A list of ``{"params": [...], "lr": schedule}`` dicts (with ``"weight_decay"`` when it is given: decayed
        subgroup first, then the other, each only if it has parameters), one per group in the order given, the
        default group (the parameters no pattern matched) last; pass it to any ``mindspore.nn`` optimizer, e.g.
        ``nn.AdamWeightDecay(groups, learning_rate=groups[-1]["lr"])``.

    Raises:
        ValueError: If a group's patterns match no parameter (naming the group and some parameter names), a group
            has no ``params``, or a block is invalid (as :func:`ms_lr.build` reports it).
        TypeError: If ``config`` is not a dict with a ``default`` block.

    Examples:
        >>> import ms_lr
        >>> from mindspore import nn
        >>> net = nn.SequentialCell([nn.Dense(4, 4), nn.Dense(4, 1)])
        >>> config = {"default": {"type": "cosine", "learning_rate": 1e-3, "warmup_steps": 10},
        ...           "grouped": [{"params": ["0.*"], "type": "constant_with_warmup", "learning_rate": 1e-4}]}
        >>> groups = ms_lr.grouped_lr_schedule(config, net, total_steps=1000)
        >>> [(len(g["params"]), type(g["lr"]).__name__) for g in groups]
        [(2, 'ConstantWarmUpLR'), (2, 'CosineWithWarmUpLR')]
    """
    if isinstance(config, str):
        config = read(config)
    config = config.get("grouped_lr_schedule", config) if isinstance(config, dict) else config
    if not isinstance(config, dict) or not isinstance(config.get("default"), dict):
        raise TypeError(f"grouped_lr_schedule needs a dict with a 'default' block, got {config!r:.200}")
    params = list(network.trainable_params() if isinstance(network, Cell) else network)
    grouped = config.get("grouped") or []
    schedules, patterns = [], []
    for i, block in enumerate(grouped):
        if not isinstance(block, dict) or not block.get("params"):
            raise ValueError(f"grouped[{i}] must be a block with a non-empty 'params' list of name patterns")
        names = [block["params"]] if isinstance(block["params"], str) else list(block["params"])
        patterns.append(names)
        schedule_block = {key: value for key, value in block.items() if key != "params"}
        try:
            schedules.append(build(schedule_block, total_steps, steps_per_epoch))
        except (TypeError, ValueError) as error:
            raise type(error)(f"at grouped[{i}]: {error}") from None
    try:
        default = build(config["default"], total_steps, steps_per_epoch)
    except (TypeError, ValueError) as error:
        raise type(error)(f"at default: {error}") from None
    members: List[List[Parameter]] = [[] for _ in grouped]
    rest: List[Parameter] = []
    for param in params:
        index = next((i for i, names in enumerate(patterns) if any(_matches(param.name, p) for p in names)), None)
        (rest if index is None else members[index]).append(param)
    for i, (names, group) in enumerate(zip(patterns, members)):
        if not group:
            sample = ", ".join(p.name for p in params[:6]) + (", ..." if len(params) > 6 else "")
            raise ValueError(f"grouped[{i}]'s params {names} match no trainable parameter (names: {sample})")
    groups = [{"params": group, "lr": schedule} for group, schedule in zip(members, schedules)]
    if rest:
        groups.append({"params": rest, "lr": default})
    if weight_decay is None:
        return groups
    decays = _decayed(network if isinstance(network, Cell) else None)
    return [{**group, "params": members, "weight_decay": weight_decay if decayed else 0.0}
            for group in groups for decayed in (True, False)
            for members in [[p for p in group["params"] if decays(p) == decayed]] if members]


def _decayed(network: Optional[Cell]) -> Any:
    """MindFormers' rule for which parameters weight decay applies to (``get_optimizer_grouped_parameters``): the
    network's ``no_weight_decay()`` names and ``no_weight_decay_keywords()`` where it defines them, else every
    parameter but the 1-D ones and the biases."""
    names = set(network.no_weight_decay()) if network is not None and hasattr(network, "no_weight_decay") else set()
    keywords = list(network.no_weight_decay_keywords()) \
        if network is not None and hasattr(network, "no_weight_decay_keywords") else []
    if names or keywords:
        return lambda p: p.name not in names and not any(keyword in p.name for keyword in keywords)
    return lambda p: not (len(p.shape) == 1 or p.name.endswith(".bias"))

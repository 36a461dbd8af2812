"""The real ``torch.optim.lr_scheduler``, stepped as a training loop steps it: the torch overlay of
``python -m ms_lr plot --torch`` and the suite's torch parity oracle, one loop for both."""
import inspect
from typing import Any, Callable, Dict, Optional, Sequence

import numpy as np

from ms_lr.core.arguments import LrRule
from ms_lr.core.schedule import Schedule

__all__ = ["torch_lrs", "torch_values", "no_torch_curve"]


def torch_lrs(make_scheduler: Callable[[Any], Any], steps: int, lrs: Sequence[float] = (0.1,)) -> np.ndarray:
    """The lr of every param group for updates ``0 .. steps - 1`` of a torch SGD whose groups start at ``lrs``,
    under ``make_scheduler(optimizer)``: shape ``(steps,)`` for one group, ``(steps, groups)`` for more.

    The lr recorded at index ``k`` is what the optimizer uses for its ``k``-th update, after ``k``
    ``scheduler.step()`` calls (the order torch documents: ``optimizer.step()`` then ``scheduler.step()``).
    """
    import torch

    params = [torch.nn.Parameter(torch.zeros(1)) for _ in lrs]
    optimizer = torch.optim.SGD([{"params": [p], "lr": lr} for p, lr in zip(params, lrs)], lr=lrs[0])
    scheduler = make_scheduler(optimizer)
    out = []
    for _ in range(steps):
        out.append([group["lr"] for group in optimizer.param_groups])
        optimizer.step()
        scheduler.step()
    values = np.array(out, dtype=np.float64)
    return values[:, 0] if len(lrs) == 1 else values


def no_torch_curve(schedule: Schedule) -> Optional[str]:
    """Why :func:`torch_values` has no curve for ``schedule`` (no counterpart, torch not installed, an argument
    torch lacks), or ``None`` where it has one."""
    counterpart = type(schedule).torch_counterpart
    if counterpart is None:
        return f"{type(schedule).__name__} has no torch counterpart"
    try:
        import torch
    except ImportError:
        return "torch is not installed (pip install torch)"
    module_name, class_name = counterpart.split(".")
    accepted = inspect.signature(getattr(getattr(torch.optim, module_name), class_name)).parameters
    ours = inspect.signature(type(schedule).__init__).parameters
    for name, value in schedule.get_config().items():
        # An argument torch lacks must be at its default, or torch's curve is another schedule's.
        if name not in accepted and ours[name].default is not inspect.Parameter.empty and \
                value != ours[name].default:
            return f"torch's {class_name} has no {name} (here {value!r})"
    return None


def torch_values(schedule: Schedule, total: int) -> Optional[np.ndarray]:
    """The lr of the schedule's torch counterpart (declared on its class) for ``total`` steps; ``None`` where
    :func:`no_torch_curve` gives a reason."""
    if no_torch_curve(schedule) is not None:
        return None
    import torch

    module_name, class_name = type(schedule).torch_counterpart.split(".")
    torch_class = getattr(getattr(torch.optim, module_name), class_name)
    accepted = inspect.signature(torch_class).parameters
    config = schedule.get_config()
    lr_name = next(name for name, rule in type(schedule)._rules.items() if isinstance(rule, LrRule))
    kwargs: Dict[str, Any] = {k: v for k, v in config.items() if k in accepted}
    if "cycle_momentum" in accepted:
        kwargs["cycle_momentum"] = False
    if "total_steps" in accepted:      # torch raises past total_steps (or epochs * steps_per_epoch)
        limit = config["total_steps"]
        total = min(total, limit if limit is not None else config["epochs"] * config["steps_per_epoch"])
    return torch_lrs(lambda optimizer: torch_class(optimizer, **kwargs), total, lrs=(config[lr_name],))

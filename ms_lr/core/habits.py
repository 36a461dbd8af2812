"""What a torch user writes out of habit, and what to say to it: an optimizer where the lr belongs, torch's
``last_epoch``, a misspelt keyword, ``schedule.step()`` (a schedule is a MindSpore Cell, whose own ``state_dict`` is
MindSpore's and stays), and the arguments a schedule renamed (still accepted, with a
``DeprecationWarning``). Every schedule's constructor goes through these checks, before its argument rules."""
import difflib
import warnings
from typing import Any, Dict, Mapping, Sequence

__all__ = ["refuse_torch_habits", "renamed_arguments", "ATTRIBUTE_HABITS", "attribute_habit"]

_LAST_EPOCH = ("ms_lr schedules have no last_epoch: a schedule is a function of the optimizer's global_step. To "
               "start one at step N, wrap it: ms_lr.Offset(schedule, N) (torch's last_epoch=N - 1); to resume a run, "
               "restore the optimizer's global_step from the checkpoint (ms_lr.LRScheduler takes last_epoch for "
               "torch-style optimizers)")
_EVALUATE = "ms_lr.evaluate(schedule, steps) gives its values, ms_lr.LRScheduler(optimizer, schedule) steps it " \
            "torch-style"
#: Attributes of torch's schedulers that a schedule has not, and why.
ATTRIBUTE_HABITS = {
    "step": "a schedule has no step(): the optimizer evaluates it at its own global_step, inside the training graph. "
            "For a torch-style optimizer (mindspore.mint.optim, mindspore.experimental.optim), "
            "ms_lr.LRScheduler(optimizer, schedule).step(); " + _EVALUATE.split(", ")[0],
    "get_last_lr": "a schedule has no get_last_lr(): " + _EVALUATE + " (its get_last_lr()), and ms_lr.LRMonitor "
                   "records what the optimizer applied",
    "get_lr": "a schedule has no get_lr(): " + _EVALUATE,
    "last_epoch": _LAST_EPOCH,
    "base_lrs": "a schedule has no base_lrs: it takes its lr as an argument (get_config() shows it)",
    "optimizer": "a schedule has no optimizer: it goes into the optimizer, as its learning_rate",
}


def attribute_habit(owner: str, name: str) -> str:
    return f"'{owner}' object has no attribute '{name}': {ATTRIBUTE_HABITS[name]}"


def _is_optimizer(value: Any) -> bool:
    # mindspore.nn optimizers, the torch-style ones (and torch's own): by their parts, without importing each kind.
    return hasattr(value, "param_groups") or (hasattr(value, "parameters") and hasattr(value, "global_step") and
                                               hasattr(value, "get_lr"))


def refuse_torch_habits(owner: str, parameters: Sequence[str], args: Sequence[Any], kwargs: Mapping[str, Any]) -> None:
    """A ``TypeError`` that says what to do, for: an optimizer passed as an argument (torch's first argument),
    torch's ``last_epoch``/``verbose``, and a keyword the constructor does not take (with the closest names)."""
    for position, value in [*enumerate(args), *kwargs.items()]:
        if _is_optimizer(value):
            where = f"argument {position + 1}" if isinstance(position, int) else position
            raise TypeError(
                f"For '{owner}', {where} is an optimizer ({type(value).__name__}), where ms_lr takes the lr: ms_lr "
                f"schedules go into the optimizer, e.g. nn.SGD(params, learning_rate=ms_lr.{owner}(0.1, ...)); for "
                f"a torch-style optimizer (mindspore.mint.optim, mindspore.experimental.optim), "
                f"ms_lr.LRScheduler(optimizer, ms_lr.{owner}(0.1, ...))")
    if "last_epoch" in kwargs and "last_epoch" not in parameters:
        raise TypeError(f"For '{owner}', {_LAST_EPOCH}")
    if "verbose" in kwargs and "verbose" not in parameters:
        raise TypeError(f"For '{owner}', there is no verbose: ms_lr.LRMonitor(print_every=N) prints the lr the "
                        f"optimizer applies")
    unknown = [name for name in kwargs if name not in parameters]
    if unknown:
        hints = []
        for name in unknown:
            folded = {p.casefold(): p for p in parameters}
            match = folded.get(name.casefold()) or next(iter(difflib.get_close_matches(name, parameters, 1, 0.6)),
                                                          None)
            hints.append(f"{name!r} (did you mean {match!r}?)" if match else repr(name))
        raise TypeError(f"For '{owner}', unknown argument(s) {', '.join(hints)}; valid: {', '.join(parameters)}")


def renamed_arguments(owner: str, renamed: Mapping[str, str], kwargs: Dict[str, Any]) -> Dict[str, Any]:
    """``kwargs`` with each old name of a renamed argument under its new name, and a ``DeprecationWarning`` that
    names the new one (old names keep working for a release)."""
    if not renamed or not any(old in kwargs for old in renamed):
        return kwargs
    kwargs = dict(kwargs)
    for old, new in renamed.items():
        if old not in kwargs:
            continue
        if new in kwargs:
            raise TypeError(f"For '{owner}', {old} is the old name of {new}; give {new} only")
        warnings.warn(f"{owner}({old}=...) is deprecated: the argument is {new} now", DeprecationWarning,
                      stacklevel=4)
        kwargs[new] = kwargs.pop(old)
    return kwargs

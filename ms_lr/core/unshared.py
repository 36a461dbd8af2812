"""The warning for a schedule that a ``mindspore.nn`` optimizer holds once per parameter (a group's ``'lr'`` or
``weight_decay`` without :func:`ms_lr.share_schedules`).

Why: before every launch MindSpore sets ``compile_phase`` on every cell of the tree, in Python (see
``ms_lr/core/blocks.py``). A grouped optimizer's ``learning_rate`` is a ``CellList`` with the group's schedule once
per parameter, so that walk visits it once per parameter at every step. The compiled graph does not grow (the
identical evaluations are merged: the validate IR of a 49-parameter SGD step with ``nn.CosineDecayLR`` has 188
kernels grouped and 188 ungrouped; shared, 189, the ``Assign`` that stores the lr), so the walk is the whole cost,
and ``share_schedules`` removes it. (MindSpore 2.7 has no such walk, no
``Cell.compile_phase``, and so no cost and no warning.)
"""
import sys
import warnings

from mindspore.nn import Cell, CellList

__all__ = ["UnsharedScheduleWarning", "warn_if_held_per_parameter"]

# Measured on this project's CPU machine (MindSpore 2.10, 2 cores; the walk timed alone, min of 5 x 200 calls,
# 3 builds): grouped and not shared against shared, per step.
_MEASURED = "+250 us per step on a 49-parameter net and +1.1 ms on 201 parameters, on a 2-core CPU"
_warned = False


class UnsharedScheduleWarning(UserWarning):
    """A schedule is held once per parameter by a grouped ``mindspore.nn`` optimizer: call
    :func:`ms_lr.share_schedules` on the optimizer."""


def warn_if_held_per_parameter(schedule: Cell) -> None:
    """Called from a schedule's ``compile_phase`` setter the first time MindSpore walks to it: warns (once per
    process) if the cell that walks to it is a ``CellList`` holding it more than once."""
    global _warned
    if _warned:
        return
    frame = sys._getframe(1)
    # Up the setter's callers (Cell.__setattr__ and its helpers) to the parent's setter, which loops over its cells.
    for _ in range(8):
        frame = frame.f_back
        if frame is None:
            return
        parent = frame.f_locals.get("self")
        if parent is not schedule and isinstance(parent, Cell):
            break
    else:
        return
    if not isinstance(parent, CellList):
        return
    copies = sum(cell is schedule for cell in parent)
    if copies > 1:
        _warned = True
        warnings.warn(
            f"{type(schedule).__name__} is a group's schedule in a mindspore.nn optimizer, which holds it once per "
            f"parameter ({copies} times here): MindSpore visits every copy in Python before each step "
            f"({_MEASURED}). Call ms_lr.share_schedules(optimizer) after building the optimizer to hold it once; "
            f"the lrs are the same bits.", UnsharedScheduleWarning, stacklevel=2)

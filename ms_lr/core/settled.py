"""Settled schedules as lookups: a schedule that holds one value from some step on (one cycle, warmup-stable-decay,
a linear ramp, timm's cycles up to their limit, a cool-down) is, when that step is near, compiled as a table.

At construction the schedule's own formula runs once, eagerly (op by op, no graph compiled), on every step up to
where it settles; the float32 results are kept on the device and the compiled graph gathers from them with the step
(a clamp and a gather, 3 kernels whatever the formula). The values are the formula's own float32 results, not the
reference's: the cell is still checked against its independent float64 reference, step by step. Past the table the
settled value holds, as the formula gives there; each schedule that says where it settles
(``Schedule.settles_at``) has that claim checked by the suite at steps up to ``2**31 - 1``.

A schedule that holds a Parameter (``ReducibleLR``'s factor) anywhere in its tree is never tabulated: its values
change while training. The table costs 4 bytes per step on the device, at most ``DEFAULT_TABLE_STEPS`` steps
(4 MiB) by default; :func:`settled_tables` changes the limit for the schedules built inside it (``0``: formulas
only, as before).
"""
import contextlib
import numbers
from typing import Any, Iterator, Optional

import numpy as np
from mindspore import Tensor

from ms_lr.core.arguments import INT32_MAX

__all__ = ["DEFAULT_TABLE_STEPS", "settled_tables", "table_steps", "settled_table", "shifted"]

#: The most steps a settled schedule is tabulated over by default: 2**20 (4 MiB of float32 on the device).
DEFAULT_TABLE_STEPS = 2**20
_limit = [DEFAULT_TABLE_STEPS]


@contextlib.contextmanager
def settled_tables(max_steps: int) -> Iterator[None]:
    """Within the block, a schedule built that settles within ``max_steps`` steps is compiled as a lookup table of
    its own values (``0``: every schedule keeps its formula in the graph). The default is ``2**20`` steps.

    >>> import ms_lr
    >>> with ms_lr.settled_tables(0):
    ...     formula = ms_lr.OneCycleLR(0.1, total_steps=100, cycle_momentum=False)
    >>> table = ms_lr.OneCycleLR(0.1, total_steps=100, cycle_momentum=False)
    >>> (formula.tabulated, table.tabulated)
    (False, True)
    >>> bool((ms_lr.evaluate(formula, range(200)) == ms_lr.evaluate(table, range(200))).all())
    True
    """
    if isinstance(max_steps, bool) or not isinstance(max_steps, numbers.Integral) or max_steps < 0:
        raise ValueError(f"For 'settled_tables', max_steps must be an int >= 0 (0 keeps every formula), got "
                         f"{max_steps!r}")
    previous = _limit[0]
    _limit[0] = int(max_steps)
    try:
        yield
    finally:
        _limit[0] = previous


def shifted(settles: Optional[int], shift: int) -> Optional[int]:
    """Where a part that settles at its own step ``settles`` settles once started ``shift`` steps late (``None``
    past the int32 range)."""
    return None if settles is None or settles + shift > INT32_MAX else settles + shift


def table_steps() -> int:
    """The current limit of :func:`settled_tables`."""
    return _limit[0]


def settled_table(schedule: Any) -> Any:
    """The float32 table of ``schedule``'s values at steps ``0 .. settles_at()``, or ``None`` where it does not
    settle within the limit or holds a Parameter."""
    settle = schedule.settles_at()
    # A constant (settled from step 0) is cheaper as the constant than as a lookup.
    if settle is None or settle == 0 or settle + 1 > _limit[0]:
        return None
    if any(True for _ in schedule.get_parameters()):
        return None
    # value() directly, not the cell's __call__: op by op in either mode, no graph compiled for it.
    return schedule.value(Tensor(np.arange(settle + 1, dtype=np.int32)))

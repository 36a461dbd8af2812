"""Settled and periodic schedules as lookups: a schedule that holds one value from some step on (one cycle,
warmup-stable-decay, a linear ramp, timm's cycles up to their limit, a cool-down), or whose values repeat with a
fixed period from some step on (cosine annealing past ``T_max``, warm restarts of one length, triangular cycles, a
warmup or a sequence ending in one of these), is, when that step and period are near, compiled as a table.

At construction the schedule's own formula runs once, eagerly (op by op, no graph compiled), on every step up to
where it settles (or past its first period); the float32 results are kept on the device and the compiled graph
gathers from them with the step reduced into the table (a clamp and a gather for a settled schedule, 3 kernels
whatever the formula; a modulo and a gather for one periodic from step 0; 5 kernels for one periodic after a
prefix, folded into a table of under twice its prefix and period; 7 for one that settles past the limit but
holds one value over a long stretch, a stable phase, kept once). The values are the formula's own float32
results, not the reference's: the cell is still checked against its independent float64 reference, step by step.
Each schedule that says where it settles or repeats (``Schedule.repeats``) has that claim checked by the suite at
steps up to ``2**31 - 1``: the formula reduces its cycles in exact int32, so the value a period later is the same
float32 number.

A schedule that holds a Parameter (``ReducibleLR``'s factor) anywhere in its tree is never tabulated: its values
change while training. The table costs 4 bytes per step on the device, at most ``DEFAULT_TABLE_STEPS`` steps
(4 MiB) by default (a periodic schedule after a prefix whose fold would pass the limit keeps a table of its prefix
and one period, and two kernels more); :func:`settled_tables` changes the limit for the schedules built inside it
(``0``: formulas only, as before).
"""
import contextlib
import math
import numbers
from typing import Any, Iterator, NamedTuple, Optional, Sequence, Tuple

import numpy as np
from mindspore import Tensor

from ms_lr.core.arguments import INT32_MAX

__all__ = ["DEFAULT_TABLE_STEPS", "Repeats", "Table", "settled_tables", "table_steps", "settled_table", "shifted",
           "joined"]

#: The most steps a settled or periodic schedule is tabulated over by default: 2**20 (4 MiB of float32 on the device).
DEFAULT_TABLE_STEPS = 2**20
_limit = [DEFAULT_TABLE_STEPS]


class Repeats(NamedTuple):
    """From step ``start`` on, the value at ``step + period`` is the value at ``step``, through ``2**31 - 1``
    (``period == 1``: the schedule has settled at ``start``)."""
    start: int
    period: int = 1

    def not_before(self, step: int) -> "Repeats":
        """The same repeats, claimed only from ``step`` on (a part that follows its own values from ``step``)."""
        return Repeats(max(self.start, step), self.period)


@contextlib.contextmanager
def settled_tables(max_steps: int) -> Iterator[None]:
    """Within the block, a schedule built that settles within ``max_steps`` steps (or whose values repeat from a
    step and with a period that add up to at most ``max_steps``) is compiled as a lookup table of its own values
    (``0``: every schedule keeps its formula in the graph). The default is ``2**20`` steps.

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


def shifted(repeats: Optional[Repeats], shift: int) -> Optional[Repeats]:
    """Where a part that repeats from its own step ``repeats.start`` repeats once started ``shift`` steps late
    (``None`` past the int32 range)."""
    if repeats is None or repeats.start + shift > INT32_MAX:
        return None
    return Repeats(repeats.start + shift, repeats.period)


def joined(parts: Sequence[Optional[Repeats]]) -> Optional[Repeats]:
    """Where a schedule made of ``parts`` at the same step (a product) repeats: from the latest start, with the
    least common multiple of the periods (``None`` if a part never repeats or the period passes the int32 range)."""
    if not parts or None in parts:
        return None
    period = 1
    for part in parts:
        period = period * part.period // math.gcd(period, part.period)
    if period > INT32_MAX:
        return None
    return Repeats(max(part.start for part in parts), period)


def table_steps() -> int:
    """The current limit of :func:`settled_tables`."""
    return _limit[0]


class Table(NamedTuple):
    """A schedule's values as a lookup (:func:`settled_table`)."""
    values: Tensor
    repeats: Repeats
    #: The fold ``M`` of a schedule periodic after a prefix, or ``None``.
    fold: Optional[int] = None
    #: ``(first, last)`` of a constant stretch the table holds once, at ``first``, or ``None``.
    plateau: Optional[Tuple[int, int]] = None


def settled_table(schedule: Any) -> Optional[Table]:
    """The float32 table of ``schedule``'s values from step 0, or ``None`` where it does not settle or repeat
    within the limit, or holds a Parameter.

    The table covers steps ``0 .. start + period - 1``, except for a schedule periodic after a prefix
    (``start > 0``, ``period > 1``) whose fold fits the limit: with ``M`` the first multiple of the period at or
    past ``start``, the table covers ``0 .. 2M - 1`` and a step ``k`` reads entry ``min(k, k mod M + M)``, which is
    ``k`` itself below ``2M`` and otherwise a whole number of periods back, at or past ``start`` (three int32
    kernels, against five for ``min(k, start) + (max(k, start) - start) mod period``).

    A settled schedule too long for the limit whose formula holds one value over a stretch ``first .. last``
    (``Schedule.plateau``: a warmup-stable-decay's stable phase) is tabulated without that stretch where the rest
    fits: steps ``0 .. first`` and ``last + 1 .. start``, a step ``k`` reading entry
    ``min(k, first) + clamp(k - last, 0, start - last)`` (five int32 kernels, exact, and the gather)."""
    repeats = schedule.repeats()
    # A constant (settled from step 0) is cheaper as the constant than as a lookup.
    if repeats is None or repeats == (0, 1):
        return None
    plateau = None
    if repeats.start + repeats.period > _limit[0]:
        plateau = schedule.plateau() if repeats.period == 1 else None
        if plateau is None or plateau[0] + 1 + repeats.start - plateau[1] > _limit[0]:
            return None
    if schedule.holds_parameters():
        return None
    if plateau is not None:
        first, last = plateau
        steps = np.concatenate([np.arange(first + 1), np.arange(last + 1, repeats.start + 1)]).astype(np.int32)
        return Table(schedule.value(Tensor(steps)), repeats, plateau=plateau)
    steps, fold = repeats.start + repeats.period, None
    if repeats.start > 0 and repeats.period > 1:
        multiple = -(-repeats.start // repeats.period) * repeats.period
        if 2 * multiple <= _limit[0]:
            steps, fold = 2 * multiple, multiple
    # value() directly, not the cell's __call__: op by op in either mode, no graph compiled for it.
    return Table(schedule.value(Tensor(np.arange(steps, dtype=np.int32))), repeats, fold)

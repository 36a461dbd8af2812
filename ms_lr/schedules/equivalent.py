"""Equivalent: a schedule known under another library's name and arguments, whose cell is a native composition.

MindSpore's and MindFormers' schedules keep their names and arguments (so existing code and configs carry over);
where a native ms_lr schedule computes the same function exactly, the class builds that schedule as ``native`` and
evaluates it. Its reference is still its own, written from the other library's formula.
"""
from typing import List, Optional

from mindspore import Tensor

from ms_lr.core.schedule import Schedule
from ms_lr.core.settled import Repeats

__all__ = ["Equivalent"]


class Equivalent(Schedule, abstract=True):
    """A schedule evaluated as the native ms_lr schedule ``self.native`` its constructor builds."""

    native: Schedule

    def value(self, step: Tensor) -> Tensor:
        return self.native.at(step)

    def boundaries(self, last: int) -> List[int]:
        return self.native.boundaries(last)

    def repeats(self) -> Optional[Repeats]:
        return self.native.repeats()

    def holds_negative_steps(self) -> bool:
        return self.native.takes_negative_steps

    def upper_bound(self) -> Optional[float]:
        return self.native.upper_bound()

    def to_native(self) -> Schedule:
        """The native ms_lr schedule this one is (its ``repr`` shows how to write it without the alias)."""
        return self.native

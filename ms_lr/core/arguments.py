"""Argument rules: how a schedule's constructor arguments are checked, declared once in its type hints.

A schedule annotates each constructor parameter with a plain type (``bool``, ``Literal[...]``, a schedule type) or
with ``Annotated[type, rule]``. :class:`~ms_lr.Schedule` reads the annotations when the class is declared and
applies the rules before the constructor body runs, so every schedule reports a bad argument the same way: a
``TypeError`` (wrong type) or ``ValueError`` (wrong value) that names the class, the argument and the value.

The rules also say what an argument *is* (an lr, a step count, a choice), which the documentation, the config
layer and the property tests read.
"""
import math
import numbers
from typing import Annotated, Any, Callable, Optional, Sequence

import numpy as np

__all__ = [
    "INT32_MAX", "INT32_MIN", "FLOAT32_MAX", "FLOAT32_TINY", "Rule", "IntRule", "RealRule", "Float32Rule", "LrRule",
    "ScaleRule", "MomentumRule", "ChoiceRule", "FlagRule",
    "IntListRule", "FunctionRule", "LrTableRule", "OptionalRule", "Lr", "Steps", "PositiveSteps", "Decay", "Milestones",
    "check_lr_fits", "check_growth", "check_at_most",
]

INT32_MAX = 2**31 - 1
INT32_MIN = -2**31
FLOAT32_MAX = float(np.finfo(np.float32).max)
# float32's smallest normal number. Below it values are subnormal, and devices (and some of MindSpore's CPU worker
# threads) flush them to 0: an lr there would be 0 on one run and not on another.
FLOAT32_TINY = float(np.finfo(np.float32).tiny)


def _is_bool(value: Any) -> bool:
    return isinstance(value, (bool, np.bool_))


def _describe(value: Any) -> str:
    return f"{value!r} ({type(value).__name__})"


class Rule:
    """One argument's check: ``check(name, value)`` returns the value normalised to a plain Python value, or
    raises a ``TypeError``/``ValueError`` that names the argument and the value. ``expects`` is the type it
    accepts, in words (the docstrings' generated Raises line reads it); empty where a wrong type is a ValueError."""

    expects = ""

    def check(self, name: str, value: Any) -> Any:
        raise NotImplementedError


class IntRule(Rule):
    """An integer (Python or NumPy, never a bool) in ``[low, high]``; ``high`` defaults to ``2**31 - 1``. An integral
    float (``30.0``, ``0.75 * 120``) is the integer it is, as torch takes it; ``45.5`` is refused."""

    expects = "an int"

    def __init__(self, low: Optional[int] = None, high: Optional[int] = INT32_MAX):
        self.low, self.high = low, high

    def check(self, name: str, value: Any) -> int:
        integral_float = isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral) and \
            math.isfinite(value) and float(value).is_integer()
        if _is_bool(value) or not (isinstance(value, numbers.Integral) or integral_float):
            raise TypeError(f"{name} must be an int (an integral float such as 30.0 counts), got {_describe(value)}")
        value = int(value)
        if self.low is not None and value < self.low:
            raise ValueError(f"{name} must be >= {self.low}, got {value}")
        if self.high is not None and value > self.high:
            raise ValueError(f"{name} must be <= {self.high}, got {value}")
        return value

    def __repr__(self) -> str:
        return f"IntRule(low={self.low}, high={self.high})"


class RealRule(Rule):
    """A finite real number (never a bool) in an interval whose ends may be open; returned as a Python float."""

    expects = "a real number"

    def __init__(self, low: Optional[float] = None, high: Optional[float] = None, low_open: bool = False,
                 high_open: bool = False):
        self.low, self.high, self.low_open, self.high_open = low, high, low_open, high_open

    def check(self, name: str, value: Any) -> float:
        if _is_bool(value) or not isinstance(value, numbers.Real):
            raise TypeError(f"{name} must be a real number, got {_describe(value)}")
        try:
            value = float(value)
        except OverflowError:   # a Python int beyond float range
            raise ValueError(f"{name} must be finite, got {value}") from None
        if not math.isfinite(value):
            raise ValueError(f"{name} must be finite, got {value}")
        if self.low is not None and (value < self.low or (self.low_open and value == self.low)):
            raise ValueError(f"{name} must be {'>' if self.low_open else '>='} {self.low}, got {value}")
        if self.high is not None and (value > self.high or (self.high_open and value == self.high)):
            raise ValueError(f"{name} must be {'<' if self.high_open else '<='} {self.high}, got {value}")
        return value

    def __repr__(self) -> str:
        return (f"RealRule(low={self.low}, high={self.high}, low_open={self.low_open}, "
                f"high_open={self.high_open})")


class Float32Rule(RealRule):
    """A non-negative float32 constant: finite, ``>= 0``, and a normal float32 number (0, or 1.18e-38 to 3.4e38)."""

    what = "value"

    def __init__(self) -> None:
        super().__init__(low=0.0)

    def check(self, name: str, value: Any) -> float:
        value = super().check(name, value)
        if value > FLOAT32_MAX:
            raise ValueError(f"{name} must fit in float32 (<= {FLOAT32_MAX:.4g}), got {value}")
        if 0.0 < value < FLOAT32_TINY:
            raise ValueError(f"{name} must be 0 or >= {FLOAT32_TINY:.4g} (float32's smallest normal number; smaller "
                             f"{self.what}s are subnormal and devices flush them to 0), got {value}")
        return value

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class LrRule(Float32Rule):
    """A learning rate: a normal float32 number ``>= 0``."""

    what = "lr"


class ScaleRule(Float32Rule):
    """A constant factor an lr is multiplied by: a normal float32 number ``>= 0``."""

    what = "factor"


class MomentumRule(Float32Rule):
    """A momentum or an Adam beta: a normal float32 number in ``[0, 1]``."""

    what = "momentum"

    def __init__(self) -> None:
        super().__init__()
        self.high = 1.0


def check_lr_fits(name: str, value: float, what: str) -> float:
    """A derived lr (e.g. ``max_lr / div_factor``) must fit float32: every value a schedule takes is a float32."""
    if not value <= FLOAT32_MAX:   # also catches inf and nan
        raise ValueError(f"{name} makes {what} = {value:.4g}, beyond float32's largest value {FLOAT32_MAX:.4g}")
    return value


def check_growth(name: str, factor: float, lr_name: str, lr: float, exponent: float) -> float:
    """The largest value of ``lr * factor**n`` for ``0 <= n <= exponent`` (``name`` and ``lr_name`` the arguments'
    names, for the error). A ``factor > 1`` (growth) must keep it in
    float32, and ``factor**n`` itself too (a schedule computes the power first: with ``lr = 0``, 0 times an
    overflowed power is NaN); the error says after how many factors it would overflow."""
    if factor <= 1.0:
        return lr
    log_scale = max(math.log(lr), 0.0) if lr > 0.0 else 0.0
    if log_scale + exponent * math.log(factor) > math.log(FLOAT32_MAX):
        overflow = math.ceil((math.log(FLOAT32_MAX) - log_scale) / math.log(factor))
        raise ValueError(f"{name}={factor} grows {lr_name}={lr} (or the power itself) past float32's largest value "
                         f"after {overflow:,} factors, before step 2**31 - 1; a schedule must fit float32 at every "
                         f"step")
    return lr * factor**exponent


def check_at_most(name: str, value: float, limit_name: str, limit: float) -> None:
    """A decay's end must not be above its start: ``name <= limit_name``. (A rising decay near its start would be
    ``end - (end - start) * w`` with ``w`` near 1, cancelling in float32.)"""
    if value > limit:
        raise ValueError(f"{name} must be <= {limit_name} ({limit}) for a decay, got {value}")


class ChoiceRule(Rule):
    """One of a fixed set of strings (from a ``Literal[...]`` annotation)."""

    def __init__(self, choices: Sequence[str]):
        self.choices = tuple(choices)

    def check(self, name: str, value: Any) -> str:
        if not isinstance(value, str) or value not in self.choices:
            raise ValueError(f"{name} must be one of {list(self.choices)}, got {value!r}")
        return value

    def __repr__(self) -> str:
        return f"ChoiceRule({list(self.choices)})"


class FlagRule(Rule):
    """A bool (Python or NumPy); 0/1 and strings are refused, so a typo cannot flip a mode silently."""

    expects = "a bool"

    def check(self, name: str, value: Any) -> bool:
        if not _is_bool(value):
            raise TypeError(f"{name} must be a bool, got {_describe(value)}")
        return bool(value)

    def __repr__(self) -> str:
        return "FlagRule()"


class IntListRule(Rule):
    """A non-empty list of ints ``>= low``, sorted (strictly, when asked)."""

    expects = "a list of ints"

    def __init__(self, low: int = 0, strictly_increasing: bool = False):
        self.low, self.strictly_increasing = low, strictly_increasing
        self.item = IntRule(low=low)

    def check(self, name: str, value: Any) -> list:
        if not isinstance(value, (list, tuple)):
            raise TypeError(f"{name} must be a list of ints, got {_describe(value)}")
        if not value:
            raise ValueError(f"{name} must not be empty")
        items = [self.item.check(f"{name}[{i}]", item) for i, item in enumerate(value)]
        for i in range(1, len(items)):
            if items[i] < items[i - 1] or (self.strictly_increasing and items[i] == items[i - 1]):
                order = "strictly increasing" if self.strictly_increasing else "sorted (non-decreasing)"
                raise ValueError(f"{name} must be {order}, got {list(value)}")
        return items

    def __repr__(self) -> str:
        return f"IntListRule(low={self.low}, strictly_increasing={self.strictly_increasing})"


class FunctionRule(Rule):
    """A callable. A schedule holding one has no JSON config."""

    expects = "a callable"

    def check(self, name: str, value: Any) -> Callable:
        if not callable(value):
            raise TypeError(f"{name} must be callable, got {_describe(value)}")
        return value

    def __repr__(self) -> str:
        return "FunctionRule()"


class LrTableRule(Rule):
    """A non-empty 1-D sequence of learning rates (real numbers, not strings), returned as a float64 array."""

    expects = "a sequence of real numbers"

    def check(self, name: str, value: Any) -> np.ndarray:
        if isinstance(value, (str, bytes)) or not isinstance(value, (Sequence, np.ndarray)):
            raise TypeError(f"{name} must be a sequence of numbers, got {type(value).__name__}")
        try:
            array = np.asarray(value)
        except ValueError:   # ragged nesting
            raise ValueError(f"{name} must be a non-empty 1-D sequence of numbers") from None
        if array.ndim != 1 or array.size == 0:
            raise ValueError(f"{name} must be a non-empty 1-D sequence, got shape {array.shape}")
        # NumPy reads '0.1' as a string and True as 1.0; neither is an lr someone meant to write.
        items = value if not isinstance(value, np.ndarray) else ()
        bad = next((i for i, v in enumerate(items) if _is_bool(v) or not isinstance(v, numbers.Real)), None)
        if bad is not None:
            raise TypeError(f"{name} must hold real numbers; {name}[{bad}] is {_describe(items[bad])}")
        if array.dtype.kind not in "iuf":
            raise TypeError(f"{name} must hold real numbers, got an array of {array.dtype}")
        table = array.astype(np.float64)
        bad = np.flatnonzero(~np.isfinite(table) | (table < 0) | (table > FLOAT32_MAX))
        if bad.size:
            raise ValueError(f"{name} must hold finite lrs >= 0 that fit float32; step {bad[0]} has {table[bad[0]]}")
        return table

    def __repr__(self) -> str:
        return "LrTableRule()"


class OptionalRule(Rule):
    """``None``, or a value passing ``inner``."""

    def __init__(self, inner: Rule):
        self.inner = inner
        self.expects = f"{inner.expects} or None" if inner.expects else ""

    def check(self, name: str, value: Any) -> Any:
        return None if value is None else self.inner.check(name, value)

    def __repr__(self) -> str:
        return f"OptionalRule({self.inner!r})"


# The annotations schedules use for the common kinds of argument.
Lr = Annotated[float, LrRule()]
Scale = Annotated[float, ScaleRule()]
Steps = Annotated[int, IntRule(low=0)]
PositiveSteps = Annotated[int, IntRule(low=1)]
Decay = Annotated[float, RealRule(0.0, 1.0, low_open=True)]   # a per-step or per-cycle decay factor, 0 < gamma <= 1
Milestones = Annotated[Sequence[int], IntListRule(low=0)]

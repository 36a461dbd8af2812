"""Arguments for every registered schedule type, derived from the rules its constructor declares.

Nothing here names a schedule class: a new type joins the contract and property tests through its declaration.
``example(cls)`` is one deterministic valid instance; ``valid_configs(cls)`` draws random valid arguments (a
constructor may still refuse a combination, e.g. ``warmup_steps >= first_cycle_steps``: the property tests then
check the error names an argument and discard the draw); ``invalid_arguments(cls)`` draws one argument broken.
"""
import inspect
import typing

from hypothesis import strategies as st
from mindspore import ops

import ms_lr
from ms_lr.config import schedule_class
from ms_lr.core.arguments import (
    FLOAT32_TINY,
    INT32_MAX,
    ChoiceRule,
    FlagRule,
    Float32Rule,
    FunctionRule,
    IntListRule,
    IntRule,
    LrTableRule,
    MomentumRule,
    OptionalRule,
    RealRule,
)
from ms_lr.core.schedule import ScheduleListRule, ScheduleOrLrRule, ScheduleRule

# Factors for compiled lambdas (MindSpore ops on a float32 step tensor), defined as names so MindSpore's parser can
# read their source. Their bases are exact in float32: a user's ops.pow(0.99, k) carries 0.99's float32 rounding,
# k times, which is the user's float32 arithmetic and not the schedule's.
halve_after_100 = lambda k: ops.where(k < 100, 1.0, 0.5)  # noqa: E731
halving_per_50 = lambda k: ops.pow(0.5, ops.minimum(k, 200.0) / 50.0)  # noqa: E731
TENSOR_LAMBDAS = [halve_after_100, halving_per_50]
HOST_LAMBDAS = [lambda k: 1.0 if k < 7 else 0.25, lambda k: 1.0 / (1.0 + k), lambda k: 0.97]


def schedule_classes(configurable_only=False):
    """Every registered schedule class, sorted by name."""
    classes = [schedule_class(name) for name in ms_lr.registered()]
    return [c for c in classes if c.configurable() or not configurable_only]


def _takes_tensor(cls, name):
    hint = typing.get_type_hints(inspect.unwrap(cls.__init__))[name]
    args = typing.get_args(hint)
    return not (args and args[0] and args[0][0] is int)


# --- one canonical, valid value per rule ----------------------------------------------------------------------------

def _canonical(rule, cls, name, depth):
    if isinstance(rule, OptionalRule):
        return None
    if isinstance(rule, Float32Rule):
        return 0.1
    if isinstance(rule, IntRule):
        low = 0 if rule.low is None else rule.low
        return min(max(low, 10), rule.high if rule.high is not None else 10)
    if isinstance(rule, RealRule):
        low = rule.low if rule.low is not None else 0.0
        high = rule.high if rule.high is not None else low + 1.0
        return low + (min(high, low + 1.0) - low) / 2
    if isinstance(rule, ChoiceRule):
        return rule.choices[0]
    if isinstance(rule, FlagRule):
        return False
    if isinstance(rule, IntListRule):
        # Two milestones beside three schedules or three values: the shapes the relations between them want.
        return [max(rule.low, 1) * 10, max(rule.low, 1) * 20]
    if isinstance(rule, FunctionRule):
        return TENSOR_LAMBDAS[0] if _takes_tensor(cls, name) else HOST_LAMBDAS[0]
    if isinstance(rule, LrTableRule):
        return [0.3, 0.2, 0.1]
    if isinstance(rule, ScheduleRule):
        return ms_lr.StepLR(0.1, 7, 0.5)
    if isinstance(rule, ScheduleOrLrRule):
        return ms_lr.CosineAnnealingLR(0.1, 20)
    if isinstance(rule, ScheduleListRule):
        # A plain lr among them where the list takes one.
        return [ms_lr.StepLR(0.1, 7, 0.5), ms_lr.CosineAnnealingLR(0.05, 30), 0.02 if rule.lrs else
                ms_lr.ConstantLR(0.1)] + [ms_lr.ConstantLR(0.1)] * max(rule.minimum - 3, 0)
    raise TypeError(f"no canonical value for {rule!r} ({cls.__name__}.{name})")


def example(cls):
    """One valid instance: each argument at its default, or at a canonical value of its rule; if that combination is
    refused (an optional argument such as total_steps needed after all), optional arguments at canonical values."""
    signature = inspect.signature(inspect.unwrap(cls.__init__))
    kwargs = {name: _canonical(rule, cls, name, 0) for name, rule in cls._rules.items()
              if signature.parameters[name].default is inspect.Parameter.empty}
    try:
        return cls(**kwargs)
    except (TypeError, ValueError):
        filled = {name: _canonical(rule.inner, cls, name, 0) for name, rule in cls._rules.items()
                  if isinstance(rule, OptionalRule) and "ratio" not in name}
        return cls(**{**kwargs, **filled})


# --- random valid values ----------------------------------------------------------------------------------------------

def lrs(extremes=True):
    """0, ordinary lrs, and now and then the extremes float32 holds (not inside compositions: a child's value
    below float32's normal range is 0 before another schedule in a product, or a factor that cannot be multiplied
    into its lrs, lifts it back, as documented there)."""
    ordinary = st.one_of(st.just(0.0), st.floats(1e-8, 10.0), st.floats(1e-30, 1e-8), st.floats(10.0, 1e30))
    return st.one_of(ordinary, st.sampled_from([FLOAT32_TINY, 3e38])) if extremes else ordinary


def _ints(rule):
    low = -(2**31) if rule.low is None else rule.low
    high = INT32_MAX if rule.high is None else rule.high
    small = st.integers(low, min(high, max(low, 0) + 1000))
    return st.one_of(small, st.integers(low, high))


def _reals(rule):
    low = -1e6 if rule.low is None else rule.low
    high = max(low + 1e6, 1e6) if rule.high is None else rule.high
    return st.floats(low, high, allow_nan=False, allow_infinity=False, exclude_min=rule.low_open,
                     exclude_max=rule.high_open)


def value_strategy(rule, cls, name, depth):
    """Random valid values for one argument."""
    if isinstance(rule, OptionalRule):
        return st.one_of(st.none(), value_strategy(rule.inner, cls, name, depth))
    if isinstance(rule, MomentumRule):
        # As lrs: float32's smallest normal only at the top (inside a composition a fraction of it is subnormal
        # before a factor lifts it back).
        return st.one_of(st.just(0.0), st.just(1.0), st.floats(FLOAT32_TINY if depth == 0 else 1e-20, 1.0))
    if isinstance(rule, Float32Rule):
        return lrs(extremes=depth == 0)
    if isinstance(rule, IntRule):
        return _ints(rule)
    if isinstance(rule, RealRule):
        return _reals(rule)
    if isinstance(rule, ChoiceRule):
        return st.sampled_from(rule.choices)
    if isinstance(rule, FlagRule):
        return st.booleans()
    if isinstance(rule, IntListRule):
        items = st.lists(st.integers(max(rule.low, 0), 10**6), min_size=1, max_size=5)
        return items.map(sorted).filter(lambda v: not rule.strictly_increasing or len(set(v)) == len(v))
    if isinstance(rule, FunctionRule):
        return st.sampled_from(TENSOR_LAMBDAS if _takes_tensor(cls, name) else HOST_LAMBDAS)
    if isinstance(rule, LrTableRule):
        return st.lists(st.floats(0.0, 10.0), min_size=1, max_size=50)
    if isinstance(rule, ScheduleRule):
        return schedules(depth + 1)
    if isinstance(rule, ScheduleOrLrRule):
        return st.one_of(lrs(extremes=depth == 0), schedules(depth + 1))
    if isinstance(rule, ScheduleListRule):
        part = st.one_of(lrs(extremes=False), schedules(depth + 1)) if rule.lrs else schedules(depth + 1)
        return st.lists(part, min_size=rule.minimum, max_size=rule.minimum + 1)
    raise TypeError(f"no strategy for {rule!r} ({cls.__name__}.{name})")


def valid_configs(cls, depth=0):
    """Random keyword arguments for ``cls``, each valid on its own; an optional argument is sometimes left out."""
    signature = inspect.signature(inspect.unwrap(cls.__init__))
    fields = {}
    for name, rule in cls._rules.items():
        strategy = value_strategy(rule, cls, name, depth)
        if signature.parameters[name].default is not inspect.Parameter.empty:
            strategy = st.one_of(st.just(inspect.Parameter.empty), strategy)
        fields[name] = strategy
    return st.fixed_dictionaries(fields).map(
        lambda kwargs: {k: v for k, v in kwargs.items() if v is not inspect.Parameter.empty})


def _build_or_none(cls, kwargs):
    try:
        return cls(**kwargs)
    except (TypeError, ValueError):
        return None


def schedules(depth=0):
    """Random valid schedules of any configurable type, nested two levels at most (host tables kept short)."""
    classes = schedule_classes()
    if depth >= 2:
        classes = [c for c in classes if not any(isinstance(r, (ScheduleRule, ScheduleOrLrRule, ScheduleListRule))
                                                 for r in c._rules.values())]
    return st.sampled_from(classes).flatmap(
        lambda cls: valid_configs(cls, depth).map(lambda kwargs: _build_or_none(cls, short_tables(cls, kwargs)))
    ).filter(lambda s: s is not None)


def short_tables(cls, kwargs):
    """Host tabulations cost a Python call per step: keep nested ones short."""
    if isinstance(kwargs.get("total_steps"), int) and any(isinstance(r, FunctionRule) for r in cls._rules.values()):
        kwargs = dict(kwargs, total_steps=min(kwargs["total_steps"], 5000))
    return kwargs


# --- invalid values: one argument broken -----------------------------------------------------------------------------

def _broken(rule):
    """(bad value, expected error type) pairs for a rule."""
    if isinstance(rule, OptionalRule):
        return [(value, error) for value, error in _broken(rule.inner) if value is not None]
    if isinstance(rule, MomentumRule):
        return [(-1e-3, ValueError), (1.5, ValueError), (float("nan"), ValueError), (1e-39, ValueError),
                ("0.9", TypeError), (True, TypeError)]
    if isinstance(rule, Float32Rule):
        return [(-1e-3, ValueError), (float("nan"), ValueError), (float("inf"), ValueError), (1e39, ValueError),
                (1e-39, ValueError),
                ("0.1", TypeError), (True, TypeError), ([0.1], TypeError)]
    if isinstance(rule, IntRule):
        bad = [(2.5, TypeError), (True, TypeError), ("3", TypeError), (None, TypeError)]
        if rule.low is not None:
            bad.append((rule.low - 1, ValueError))
        if rule.high is not None:
            bad.append((rule.high + 1, ValueError))
        return bad
    if isinstance(rule, RealRule):
        bad = [(float("nan"), ValueError), ("x", TypeError), (False, TypeError), (10**400, ValueError)]
        if rule.low is not None:
            bad.append((rule.low if rule.low_open else rule.low - 1.0, ValueError))
        if rule.high is not None:
            bad.append((rule.high if rule.high_open else rule.high + 1.0, ValueError))
        return bad
    if isinstance(rule, ChoiceRule):
        return [("no-such-mode", ValueError), (1, ValueError)]
    if isinstance(rule, FlagRule):
        return [(1, TypeError), ("yes", TypeError)]
    if isinstance(rule, IntListRule):
        return [([], ValueError), ([5, 3], ValueError), ([1.5], TypeError), (7, TypeError),
                ([rule.low - 1], ValueError)]
    if isinstance(rule, FunctionRule):
        return [(0.5, TypeError), ("f", TypeError)]
    if isinstance(rule, LrTableRule):
        return [([], ValueError), (["0.1"], TypeError), ([0.1, -1.0], ValueError), ("0.1", TypeError),
                ([0.1, float("nan")], ValueError), ([True], TypeError)]
    if isinstance(rule, ScheduleRule):
        return [(0.1, TypeError), ("StepLR", TypeError), (lambda k: k, TypeError)]
    if isinstance(rule, ScheduleOrLrRule):
        return [("cosine", TypeError), (-0.1, ValueError), (True, TypeError)]
    if isinstance(rule, ScheduleListRule):
        # A list that takes plain lrs refuses a string among them; one of schedules only, a plain lr.
        return [(ms_lr.StepLR(0.1, 3), TypeError), (["0.1"] * max(rule.minimum, 1) if rule.lrs else
                                                    [0.1] * max(rule.minimum, 1), TypeError),
                ([ms_lr.StepLR(0.1, 3)] * (rule.minimum - 1), ValueError) if rule.minimum > 1 else ([], ValueError)]
    raise TypeError(f"no broken values for {rule!r}")


def invalid_arguments(cls):
    """(name, bad value, expected error type) for every argument of ``cls`` and every way it can be wrong."""
    return [(name, value, error) for name, rule in cls._rules.items() for value, error in _broken(rule)]


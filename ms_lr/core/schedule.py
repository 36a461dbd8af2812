"""Schedule: the ``LearningRateSchedule`` every ms_lr schedule derives from, and the registry of schedule types.

A schedule declares itself once, on its class::

    class StepLR(Schedule, reference=reference.step_decay):
        def __init__(self, base_lr: Lr, step_size: PositiveSteps, gamma: Decay = 0.1): ...
        def value(self, step): ...

Everything else follows from that declaration:

- the arguments are checked from their type hints (:mod:`ms_lr.core.arguments`) before the constructor body runs,
  and any ``TypeError``/``ValueError`` from the constructor names the class (``For 'StepLR', step_size must ...``);
- the checked arguments are the config: ``get_config()``, ``to_dict()``, ``repr`` and :func:`build` read them;
- ``reference(steps)`` calls the declared float64 function with the same arguments (a nested schedule is passed as
  its own ``reference``), so the function's parameters must be the constructor's;
- the class is declared by name (:func:`declared_types`), which is where :mod:`ms_lr.config` finds the types a
  config may name, and the command line and the contract tests find every schedule;
- its docstring gets the Inputs/Outputs and Supported Platforms sections every schedule shares, and a Raises line
  for the wrong types its argument rules refuse.

``abstract=True`` declares a base that is not a schedule itself; ``registered=False`` keeps a concrete schedule
(a test's, a private one) out of the declared types. ``operator="schedule * schedule"`` (or ``"schedule * number"``)
declares the class that the ``*`` operator builds, so this module names no composition class.
"""
import collections.abc
import functools
import inspect
import numbers
import typing
from types import TracebackType
from typing import Any, Callable, Dict, List, Literal, Optional, Tuple, Union

import mindspore.ops as ops
import numpy as np
from mindspore import Tensor
from mindspore.nn import Cell
from mindspore.nn.learning_rate_schedule import LearningRateSchedule

from ms_lr.core.arguments import (
    FLOAT32_MAX,
    FLOAT32_TINY,
    INT32_MAX,
    ChoiceRule,
    FlagRule,
    FunctionRule,
    LrRule,
    LrTableRule,
    OptionalRule,
    Rule,
)
from ms_lr.core.blocks import OutOfTreeBlocks
from ms_lr.core.docs import readable, with_shared_sections
from ms_lr.core.habits import ATTRIBUTE_HABITS, attribute_habit, refuse_torch_habits, renamed_arguments
from ms_lr.core.settled import Repeats, settled_table
from ms_lr.core.steps import step_tensor, to_step
from ms_lr.core.unshared import warn_if_held_per_parameter

__all__ = ["Schedule", "ScheduleRule", "ScheduleOrLrRule", "ScheduleListRule", "evaluate", "declared_types",
           "arguments", "rule_for", "named_errors", "OPERATORS"]

#: The smallest lr a factor below 1 may be multiplied into (:meth:`Schedule.scaled_by`): 2**32 times float32's
#: smallest normal number, so that a formula's intermediate values (the lr over a step count up to 2**31, times a
#: weight) stay normal. Below it the factor is multiplied after the schedule, in the graph, whose float32 product
#: can only lose what is under that smallest normal number.
SMALLEST_SCALED_LR = FLOAT32_TINY * 2.0**32

# Every public concrete schedule class, by name, in the order of declaration.
_DECLARED: Dict[str, type] = {}
#: What ``*`` builds, by operand kinds; filled by the class statements that declare ``operator=``.
OPERATORS = ("schedule * schedule", "schedule * number")
_OPERATOR_CLASSES: Dict[str, type] = {}


class named_errors:
    """Context manager: a ``TypeError``/``ValueError`` raised inside is re-raised, same type and traceback, with
    ``For '<owner>', `` in front (once: an error already naming a schedule keeps its own prefix)."""

    def __init__(self, owner: str):
        self.owner = owner

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Optional[type], error: Optional[BaseException], traceback: Optional[TracebackType]
                 ) -> bool:
        if error is None or not isinstance(error, (TypeError, ValueError)) or str(error).startswith("For '"):
            return False
        try:
            renamed = type(error)(f"For '{self.owner}', {error}")
        except Exception:   # an exception type with its own constructor arguments: leave it as it is
            return False
        raise renamed.with_traceback(traceback) from None


class Schedule(OutOfTreeBlocks, LearningRateSchedule):
    r"""Base class of all ms_lr schedules: a graph-compiled function of the optimizer step.

    A schedule maps the optimizer's ``global_step`` to the learning rate of that update. Pass an instance straight to
    a ``mindspore.nn`` optimizer as ``learning_rate``, as a group's ``'lr'`` or as ``weight_decay``; the optimizer
    evaluates it from its own step counter inside the compiled training graph.

    A subclass implements :meth:`value` on a clamped int32 step and declares its float64 reference function in the
    class statement (see the module docstring); its constructor arguments carry their checks as type hints.

    Inputs:
        - **global_step** (Tensor) - The step(s), any shape and any integer or floating-point dtype; Python ints
          and NumPy arrays are accepted too. Steps are floored and saturated to ``[0, 2**31 - 1]``.

    Outputs:
        Tensor of float32, the same shape as `global_step`.

    Supported Platforms:
        ``Ascend`` ``GPU`` ``CPU``
    """

    _rules: Dict[str, Rule] = {}
    _reference_function: Optional[Callable] = None
    #: The matching class in ``torch.optim`` (``"lr_scheduler.StepLR"``), whose arguments are this class's (less
    #: the base lr, which torch takes from the optimizer); ``None`` if there is none.
    torch_counterpart: Optional[str] = None

    #: Whether the class statement made it a public schedule type (``registered=True``, the default).
    declared_public: bool = False
    #: Whether the graph gathers the schedule's values from a table (it settles or repeats near:
    #: :mod:`ms_lr.core.settled`).
    tabulated: bool = False
    #: The schedule's lr as one table of linear and cosine phases (:class:`ms_lr.graph.phases.PhaseLr`), where
    #: :meth:`value` is that table's; ``None`` for other formulas.
    phase_lr: Any = None
    #: Whether the compiled graph gives every negative int32 step the value at step 0 by itself (a phase table with
    #: a phase for them, a constant), so that :meth:`construct` passes an optimizer's int32 ``global_step`` without
    #: clamping it.
    takes_negative_steps: bool = False

    def __init_subclass__(cls, reference: Optional[Callable] = None, abstract: bool = False, registered: bool = True,
                          torch: Optional[str] = None, operator: Optional[str] = None,
                          renamed: Optional[Dict[str, str]] = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "__init__" in cls.__dict__:
            _declare_arguments(cls, renamed or {})
        cls.declared_public = False
        if abstract:
            return
        if reference is None:
            raise TypeError(f"{cls.__name__} must declare its float64 reference: "
                            f"class {cls.__name__}(..., reference=<function of steps and the constructor's arguments>)")
        cls._reference_function = staticmethod(reference)
        cls.torch_counterpart = torch
        cls.__doc__ = with_shared_sections(cls.__name__, cls.__doc__, cls._rules)
        if registered:
            _declare(cls)
        if operator is not None:
            if operator not in OPERATORS:
                raise TypeError(f"{cls.__name__}: operator must be one of {OPERATORS}, got {operator!r}")
            _OPERATOR_CLASSES[operator] = cls

    def __init__(self) -> None:
        super().__init__()
        self._config: Dict[str, Any] = {}

    @property
    def compile_phase(self) -> Any:
        return self._compile_phase

    @compile_phase.setter
    def compile_phase(self, value: Any) -> None:
        # MindSpore sets this on every cell of the tree before each launch; the first time, a schedule held once
        # per parameter (a grouped nn optimizer without share_schedules) says so.
        if not self.__dict__.get("_placement_checked", False):
            object.__setattr__(self, "_placement_checked", True)
            warn_if_held_per_parameter(self)
        Cell.compile_phase.fset(self, value)

    def __getattr__(self, name: str) -> Any:
        # torch's scheduler methods (step, get_last_lr, state_dict, ...): say what ms_lr does instead.
        if name in ATTRIBUTE_HABITS:
            raise AttributeError(attribute_habit(type(self).__name__, name))
        return super().__getattr__(name)

    def __call__(self, global_step: Any, *args: Any, **kwargs: Any) -> Tensor:
        # Python ints and NumPy arrays become tensors here, before MindSpore sees them.
        return super().__call__(step_tensor(global_step), *args, **kwargs)

    def construct(self, global_step: Tensor) -> Tensor:
        return self.at(to_step(global_step, self.takes_negative_steps))

    def value(self, step: Tensor) -> Tensor:
        """The learning rate at ``step``, an int32 tensor already clamped to ``[0, 2**31 - 1]`` (any int32 step where
        :meth:`holds_negative_steps`): the formula."""
        raise NotImplementedError

    def at(self, step: Tensor) -> Tensor:
        """The learning rate at a clamped int32 ``step`` as the graph computes it: :meth:`value`, or a lookup in the
        table of its values where the schedule settles or repeats near (a schedule holding another calls its
        ``at``)."""
        if not self.tabulated:
            return self.value(step)
        start, period = self.lookup_repeats
        if self.lookup_plateau is not None:
            # The constant stretch first .. last is held once, at entry first (exact int32).
            first, last = self.lookup_plateau
            index = ops.minimum(step, first) + ops.minimum(ops.maximum(step - last, 0), start - last)
        elif period == 1:
            index = ops.minimum(step, start)
        elif start == 0:
            index = ops.floor_mod(step, period)
        elif self.lookup_fold is not None:
            # The table holds twice the fold M (a multiple of the period past the prefix): steps below 2M index
            # themselves, later ones fall back by whole multiples of M into [M, 2M) (exact int32).
            index = ops.minimum(step, ops.floor_mod(step, self.lookup_fold) + self.lookup_fold)
        else:
            # Steps before start index themselves; later ones fall back by whole periods (exact int32).
            index = ops.minimum(step, start) + ops.floor_mod(ops.maximum(step - start, 0), period)
        return ops.gather(self.lookup_values, index, 0)

    def holds_negative_steps(self) -> bool:
        """Whether :meth:`value` gives every negative int32 step the value at step 0 by itself (a phase table with a
        phase for them, a constant); then, untabulated, the schedule does not clamp an int32 step first."""
        return self.phase_lr is not None and self.phase_lr.takes_negative_steps

    def repeats(self) -> Optional[Repeats]:
        """Where the values start repeating: ``Repeats(start, period)`` if from step ``start`` on the value at
        ``step + period`` is the value at ``step`` (through ``2**31 - 1``; ``period == 1``: the schedule settles
        there), else ``None`` (it keeps changing, or it is not known). A schedule whose ``start + period`` is within
        ``settled_tables``' limit (``2**20`` steps by default) is compiled as a lookup of its own values
        (:mod:`ms_lr.core.settled`)."""
        return None

    def plateau(self) -> Optional[Tuple[int, int]]:
        """``(first, last)``: steps ``first < last`` between which the formula gives one float32 value, the value at
        ``first`` (a warmup-stable-decay's stable phase), or ``None``. A settled schedule too long for
        ``settled_tables``' limit is still tabulated where its steps less that stretch fit."""
        return None

    def phases(self) -> Optional[List[Any]]:
        """Its lr as linear and cosine phases from step 0 (a list of :class:`ms_lr.graph.phases.Phase`), or
        ``None``: a warmup in front of a schedule that has them joins them in one table, one search and one weight
        for all."""
        return None

    def settles_at(self) -> Optional[int]:
        """The first step from which the value never changes again (through ``2**31 - 1``), or ``None`` where it
        keeps changing (a periodic schedule) or it is not known: ``repeats()`` with a period of 1."""
        repeats = self.repeats()
        return repeats.start if repeats is not None and repeats.period == 1 else None

    def reference(self, steps: Any) -> np.ndarray:
        """Float64 NumPy values at ``steps``, from the independent formula declared with the class."""
        arguments = {name: _as_reference(value) for name, value in self._config.items()}
        return np.asarray(type(self)._reference_function(np.asarray(steps), **arguments), dtype=np.float64)

    def boundaries(self, last: int) -> List[int]:
        """Steps in ``(0, last]`` where the schedule restarts or changes phase (marked by ``python -m ms_lr plot``);
        none for a schedule without phases or for ``last < 1``."""
        return []

    def upper_bound(self) -> Optional[float]:
        """An upper bound of every value the schedule takes (``None`` where it cannot be known, as for a user
        function). The default is the largest lr among the arguments, nested schedules' bounds included; a schedule
        that can exceed its arguments (a growing factor, a product) overrides it."""
        bounds = [0.0]
        for name, rule in type(self)._rules.items():
            value = self._config.get(name)
            for item in (value if isinstance(value, (list, tuple)) else [value]):
                if isinstance(item, Schedule):
                    bound = item.upper_bound()
                    if bound is None:
                        return None
                    bounds.append(bound)
                elif item is not None and _is_lr_rule(rule) and isinstance(item, numbers.Real):
                    bounds.append(float(item))
        return max(bounds)

    def holds_parameters(self) -> bool:
        """Whether a Parameter is anywhere in its tree (``ReducibleLR``'s plateau factor): its values change while
        training, so it is neither tabulated nor rebuilt with its lrs scaled (the callback writes the one it holds)."""
        return any(True for _ in self.get_parameters())

    def scaled_by(self, factor: float) -> Optional["Schedule"]:
        """The same schedule with every lr ``factor`` times larger, built from its arguments with each lr, lr table
        and nested schedule scaled (every lr a schedule takes is a sum of its lr arguments weighted by its shape);
        ``None`` where that is not the schedule times ``factor`` or cannot be built: no lr argument (a momentum
        curve), a Parameter held (a plateau factor a callback writes), or a scaled lr outside float32's normal
        range, or a factor below 1 would take an lr under ``SMALLEST_SCALED_LR`` (5e-29). :class:`~ms_lr.Scaled` and
        :class:`~ms_lr.Product` compute with it: a factor multiplied into the lrs before the graph runs costs no
        kernel, and a value lifted back by a factor never passes through float32's subnormal range, where it would
        be 0."""
        if self.holds_parameters():
            return None
        if factor == 1.0:
            return self
        arguments, scaled = {}, False
        for name, value in self._config.items():
            rule = _unwrap(type(self)._rules[name])
            if value is None or not isinstance(rule, (LrRule, LrTableRule, ScheduleRule, ScheduleOrLrRule,
                                                      ScheduleListRule)):
                arguments[name] = value
                continue
            items = [_scaled_item(item, factor) for item in (value if isinstance(value, list) else [value])]
            if any(item is None for item in items):
                return None
            arguments[name] = items if isinstance(value, list) else items[0]
            scaled = True
        if not scaled:
            return None
        try:
            return type(self)(**arguments)
        except (TypeError, ValueError):
            return None

    @classmethod
    def configurable(cls) -> bool:
        """Whether the schedule's arguments are data (a JSON/YAML config can hold them): no Python functions."""
        return not any(isinstance(_unwrap(rule), FunctionRule) for rule in cls._rules.values())

    def get_config(self) -> Dict[str, Any]:
        """The constructor arguments as a JSON-serialisable dict; nested schedules as ``{"type": ..., ...}``."""
        if not self.configurable():
            raise TypeError(f"{type(self).__name__} holds a Python function and has no JSON config; build it in code")
        return {key: _config_value(value) for key, value in self._config.items()}

    def to_dict(self) -> Dict[str, Any]:
        """``{"type": ClassName, **get_config()}``: the form :func:`ms_lr.build` reads back."""
        return {"type": type(self).__name__, **self.get_config()}

    def __mul__(self, other: Any) -> "Schedule":
        """``schedule * other``: a :class:`~ms_lr.Product` with a schedule, or :class:`~ms_lr.Scaled` by a number
        (the classes declared with ``operator=``)."""
        if isinstance(other, Schedule) and OPERATORS[0] in _OPERATOR_CLASSES:
            return _OPERATOR_CLASSES[OPERATORS[0]]([self, other])
        if isinstance(other, numbers.Real) and not isinstance(other, (bool, np.bool_)) and \
                OPERATORS[1] in _OPERATOR_CLASSES:
            return _OPERATOR_CLASSES[OPERATORS[1]](self, other)
        return NotImplemented

    __rmul__ = __mul__

    def __repr__(self) -> str:
        args = ", ".join(f"{key}={_short_repr(val)}" for key, val in self._config.items())
        return f"{type(self).__name__}({args})"


class ScheduleRule(Rule):
    """An ms_lr schedule (from a schedule-typed annotation)."""

    expects = "an ms_lr schedule"

    def check(self, name: str, value: Any) -> Schedule:
        if not isinstance(value, Schedule):
            raise TypeError(f"{name} must be an ms_lr schedule, got {value!r} ({type(value).__name__})")
        return value

    def __repr__(self) -> str:
        return "ScheduleRule()"


class ScheduleOrLrRule(Rule):
    """A schedule, or a constant learning rate (returned as a float)."""

    expects = "an ms_lr schedule or a real number"

    def check(self, name: str, value: Any) -> Union[Schedule, float]:
        if isinstance(value, Schedule):
            return value
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
            raise TypeError(f"{name} must be an ms_lr schedule or a float lr, got {value!r} ({type(value).__name__})")
        return LrRule().check(name, value)

    def __repr__(self) -> str:
        return "ScheduleOrLrRule()"


class ScheduleListRule(Rule):
    """A list of at least ``minimum`` schedules; with ``lrs``, plain lrs too (kept as floats, for the schedule to
    hold as constants)."""

    def __init__(self, minimum: int = 1, lrs: bool = False):
        self.minimum = minimum
        self.lrs = lrs
        self.expects = "a list of ms_lr schedules" + (" or lrs" if lrs else "")

    def check(self, name: str, value: Any) -> List[Union[Schedule, float]]:
        if not isinstance(value, (list, tuple)):
            raise TypeError(f"{name} must be {self.expects}, got {value!r} ({type(value).__name__})")
        if len(value) < self.minimum:
            raise ValueError(f"{name} must hold at least {self.minimum} schedules, got {len(value)}")
        item = ScheduleOrLrRule() if self.lrs else ScheduleRule()
        return [item.check(f"{name}[{i}]", part) for i, part in enumerate(value)]

    def __repr__(self) -> str:
        return f"ScheduleListRule(minimum={self.minimum}, lrs={self.lrs})"


def rule_for(hint: Any, where: str) -> Rule:
    """The rule an annotation declares: ``Annotated[type, rule]``, or one implied by a plain type."""
    origin = typing.get_origin(hint)
    if origin is typing.Annotated:
        rule = next((m for m in hint.__metadata__ if isinstance(m, Rule)), None)
        if rule is not None:
            return rule
        hint = typing.get_args(hint)[0]
        origin = typing.get_origin(hint)
    if hint is bool:
        return FlagRule()
    if origin is Literal:
        return ChoiceRule(typing.get_args(hint))
    if origin is Union:
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(options) < len(typing.get_args(hint)):
            return OptionalRule(rule_for(options[0] if len(options) == 1 else Union[tuple(options)], where))
        if any(_is_schedule_type(a) for a in options) and any(a is float for a in options):
            return ScheduleOrLrRule()
    if _is_schedule_type(hint):
        return ScheduleRule()
    if origin in (list, collections.abc.Sequence) and typing.get_args(hint) and \
            _is_schedule_type(typing.get_args(hint)[0]):
        return ScheduleListRule()
    if hint is collections.abc.Callable or origin is collections.abc.Callable:
        return FunctionRule()
    raise TypeError(f"{where}: no argument rule for the type hint {hint!r}; annotate it as Annotated[type, rule]")


def arguments(cls: type) -> List[str]:
    """The constructor argument names of a schedule class, in order."""
    return list(cls._rules)


def declared_types() -> List[type]:
    """The public schedule classes declared so far, in the order of declaration (``import ms_lr`` declares every
    built-in one; :mod:`ms_lr.config` turns them into the names a config may give)."""
    return list(_DECLARED.values())


def evaluate(schedule: Schedule, steps: Any) -> np.ndarray:
    """Values of ``schedule`` at many steps in one call of the cell, as a float32 NumPy array of ``steps``' shape.

    >>> import ms_lr
    >>> ms_lr.evaluate(ms_lr.CosineAnnealingLR(0.1, T_max=4), [0, 2, 4]).astype(float).round(6).tolist()
    [0.1, 0.05, 0.0]
    """
    array = np.clip(np.asarray(steps, dtype=np.int64), 0, INT32_MAX).astype(np.int32)
    return schedule(Tensor(array)).asnumpy()


def _declare_arguments(cls: type, renamed: Dict[str, str]) -> None:
    """Read the constructor's type hints into rules and wrap the constructor so they run first (after the torch
    habits' checks and the renamed arguments' mapping, :mod:`ms_lr.core.habits`)."""
    init = cls.__dict__["__init__"]
    signature = inspect.signature(init)
    hints = typing.get_type_hints(init, include_extras=True)
    rules = {}
    for name, parameter in list(signature.parameters.items())[1:]:
        if parameter.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
            raise TypeError(f"{cls.__name__}.__init__ must name its arguments (no *args/**kwargs): a config's "
                            f"unknown key must be an error, not swallowed")
        if name not in hints:
            raise TypeError(f"{cls.__name__}.__init__: argument {name!r} needs a type hint (its check)")
        rules[name] = rule_for(hints[name], f"{cls.__name__}.{name}")
    cls._rules = rules

    @functools.wraps(init)
    def checked_init(self: Schedule, *args: Any, **kwargs: Any) -> None:
        owner = type(self).__name__
        kwargs = renamed_arguments(owner, renamed, kwargs)
        refuse_torch_habits(owner, list(rules), args, kwargs)
        try:
            bound = signature.bind(self, *args, **kwargs)
        except TypeError as error:
            raise TypeError(f"For '{owner}', {error}") from None
        bound.apply_defaults()
        # A subclass's constructor calls its base's: only the outermost one tabulates, once the object is whole.
        outermost = not self.__dict__.get("_constructing", False)
        object.__setattr__(self, "_constructing", True)
        try:
            with named_errors(owner):
                checked = {name: rules[name].check(name, value)
                           for name, value in list(bound.arguments.items())[1:]}
                init(self, **checked)
        finally:
            if outermost:
                object.__setattr__(self, "_constructing", False)
        if not outermost:
            return
        self._config = checked
        bound_value = self.upper_bound()
        if bound_value is not None and not bound_value <= FLOAT32_MAX:
            raise ValueError(f"For '{owner}', the lr can reach {bound_value:.4g}, beyond float32's largest value "
                             f"{FLOAT32_MAX:.4g}")
        table = settled_table(self)
        if table is not None:
            self.lookup_values, self.lookup_repeats, self.lookup_fold, self.lookup_plateau = table
            self.tabulated = True
        elif self.holds_negative_steps():
            self.takes_negative_steps = True

    # help() and inspect.signature show what each argument is (``base_lr: float >= 0``), not the rule objects.
    checked_init.__signature__ = signature.replace(parameters=[
        p if p.name not in rules else p.replace(annotation=readable(rules[p.name]))
        for p in signature.parameters.values()])
    cls.__init__ = checked_init


def _declare(cls: type) -> None:
    existing = _DECLARED.get(cls.__name__)
    if existing is not None and (existing.__module__, existing.__qualname__) != (cls.__module__, cls.__qualname__):
        raise TypeError(f"a schedule type named {cls.__name__} is already registered (from {existing.__module__}); "
                        f"rename the class or declare it with registered=False")
    _DECLARED[cls.__name__] = cls
    cls.declared_public = True


def _is_schedule_type(hint: Any) -> bool:
    return isinstance(hint, type) and issubclass(hint, Schedule)


def _unwrap(rule: Rule) -> Rule:
    return rule.inner if isinstance(rule, OptionalRule) else rule


def _is_lr_rule(rule: Rule) -> bool:
    rule = _unwrap(rule)
    return isinstance(rule, (LrRule, ScheduleOrLrRule)) or (isinstance(rule, ScheduleListRule) and rule.lrs)


def _scaled_item(item: Any, factor: float) -> Any:
    """One lr-valued argument (an lr, an lr table, a schedule) ``factor`` times larger; ``None`` where a schedule
    cannot be scaled, or a factor below 1 takes an lr under ``SMALLEST_SCALED_LR``."""
    if isinstance(item, Schedule):
        return item.scaled_by(factor)
    scaled = item * factor if isinstance(item, np.ndarray) else float(item) * factor
    smallest = np.min(scaled[scaled > 0.0], initial=np.inf) if isinstance(scaled, np.ndarray) else scaled or np.inf
    return None if factor < 1.0 and smallest < SMALLEST_SCALED_LR else scaled


def _as_reference(value: Any) -> Any:
    if isinstance(value, Schedule):
        return value.reference
    if isinstance(value, (list, tuple)) and any(isinstance(v, Schedule) for v in value):
        return [_as_reference(v) for v in value]
    return value


def _config_value(value: Any) -> Any:
    if isinstance(value, Schedule):
        return value.to_dict()
    if isinstance(value, (list, tuple)):
        return [_config_value(item) for item in value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value


def _short_repr(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return repr(value.tolist()) if value.size <= 8 else f"<{value.size} values>"
    return repr(value)

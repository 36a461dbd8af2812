"""The contract every registered schedule keeps, checked over the registry (no hand-kept list of classes).

A new schedule type joins these tests by being declared: its reference's signature, its docstring, its config round
trip, its boundaries, its argument errors, and its place in the CLI's list and the README's table.
"""
import doctest
import inspect
import json
import sys

import numpy as np
import pytest

import ms_lr
from ms_lr.core.arguments import Lr
from ms_lr.core.docs import SECTIONS
from ms_lr.core.schedule import Schedule, arguments
from ms_lr.tools.catalogue import markdown_table
from ms_lr.tools.cli import main

from accuracy import assert_same_lrs
from strategies import example, invalid_arguments, schedule_classes

CLASSES = schedule_classes()
CONFIGURABLE = schedule_classes(configurable_only=True)
ids = [cls.__name__ for cls in CLASSES]
no_docstrings = pytest.mark.skipif(sys.flags.optimize >= 2, reason="python -OO strips docstrings")


@pytest.mark.parametrize("cls", CLASSES, ids=ids)
def test_reference_takes_the_constructors_arguments_without_defaults(cls):
    parameters = list(inspect.signature(cls._reference_function).parameters.values())
    assert parameters[0].name == "steps"
    assert [p.name for p in parameters[1:]] == arguments(cls)
    assert all(p.default is inspect.Parameter.empty for p in parameters), "a default here could drift from the class"
    assert cls._reference_function.__module__.startswith("ms_lr.reference.")


@no_docstrings
@pytest.mark.parametrize("cls", CLASSES, ids=ids)
def test_docstring_has_formula_sections_in_mindspore_order_and_an_executed_example(cls):
    doc = cls.__doc__
    assert ".. math::" in doc, "the formula"
    positions = [doc.find(f"\n    {section}\n") for section in SECTIONS]
    assert all(p > 0 for p in positions), dict(zip(SECTIONS, positions))
    assert positions == sorted(positions), "MindSpore's order: Args, Inputs, Outputs, Raises, Platforms, Examples"
    args_section = doc[positions[0]:positions[1]]
    for name in arguments(cls):
        assert f"\n        {name} (" in args_section, f"Args documents {name}"
    examples = doctest.DocTestFinder().find(cls, cls.__name__, globs={})[0].examples
    assert examples and any(example.want.strip() for example in examples), "an example with its printed output"


@pytest.mark.parametrize("cls", CONFIGURABLE, ids=[c.__name__ for c in CONFIGURABLE])
def test_config_round_trips_through_json_and_build(cls):
    schedule = example(cls)
    config = schedule.to_dict()
    rebuilt = ms_lr.build(json.loads(json.dumps(config)))
    again = cls.from_config(schedule.get_config())
    steps = np.arange(300)
    for copy in (rebuilt, again):
        assert type(copy) is cls and copy.get_config() == schedule.get_config()
        assert_same_lrs(ms_lr.evaluate(copy, steps), ms_lr.evaluate(schedule, steps))
    assert repr(schedule).startswith(f"{cls.__name__}(")


@pytest.mark.parametrize("cls", [c for c in CLASSES if not c.configurable()],
                         ids=[c.__name__ for c in CLASSES if not c.configurable()])
def test_schedules_of_python_functions_say_they_have_no_config(cls):
    with pytest.raises(TypeError, match="Python function"):
        example(cls).get_config()
    with pytest.raises(ValueError, match="Python function"):
        ms_lr.build({"type": cls.__name__})


@pytest.mark.parametrize("cls", CLASSES, ids=ids)
def test_boundaries_for_any_last_step_negative_included(cls):
    schedule = example(cls)
    for last in (-10, -1, 0, 1, 37, 5000):
        marks = schedule.boundaries(last)
        assert marks == sorted(set(marks)) and all(isinstance(m, int) and 0 < m <= last for m in marks), (last, marks)


@pytest.mark.parametrize("cls", CLASSES, ids=ids)
def test_every_argument_error_names_the_class_and_the_argument(cls):
    for name, value, error in invalid_arguments(cls):
        kwargs = {**{n: v for n, v in _required(cls).items()}, name: value}
        with pytest.raises(error) as info:
            cls(**kwargs)
        message = str(info.value)
        assert message.startswith(f"For '{cls.__name__}', ") and name in message, (name, value, message)


def _required(cls):
    """The example's arguments, as keywords."""
    return example(cls)._config


@pytest.mark.parametrize("cls", CLASSES, ids=ids)
def test_is_a_mindspore_learning_rate_schedule_exported_flat(cls):
    from mindspore.nn.learning_rate_schedule import LearningRateSchedule
    assert issubclass(cls, LearningRateSchedule) and issubclass(cls, Schedule)
    assert getattr(ms_lr, cls.__name__) is cls and cls.__name__ in ms_lr.__all__


def test_every_type_is_in_the_cli_list_and_the_readme_table(capsys):
    main(["list"])
    listed = capsys.readouterr().out
    readme = open("README.md", encoding="utf-8").read() if _at_root() else None
    for cls in CLASSES:
        assert f"{cls.__name__}(" in listed
    if readme is not None:
        assert markdown_table() in readme, "README's schedule table is stale: run `make readme`"


def _at_root():
    import os
    return os.path.isfile("README.md") and os.path.isdir("ms_lr")


def test_declaring_a_schedule_without_its_reference_or_type_hints_fails_at_the_class_statement():
    with pytest.raises(TypeError, match="reference"):
        class NoReference(Schedule):
            def __init__(self, base_lr: Lr):
                super().__init__()
    with pytest.raises(TypeError, match="type hint"):
        class NoHint(Schedule, reference=lambda steps, base_lr: steps, registered=False):
            def __init__(self, base_lr):
                super().__init__()
    with pytest.raises(TypeError, match="already registered"):
        class StepLR(Schedule, reference=lambda steps: steps):   # noqa: F811 - the clash is the point
            def __init__(self):
                super().__init__()

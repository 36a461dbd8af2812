"""The contract every registered schedule keeps, checked over the registry (no hand-kept list of classes).

A new schedule type joins these tests by being declared: its reference's signature and its *values* (the cell
against the reference around its boundaries and at random steps up to 2**31 - 1), its docstring and its executed
example, its config round trip, its boundaries, its argument errors, its place in the CLI's list and the schedules
guide's table, and every name a config may give it. A schedule class in a module that ``import ms_lr`` does not
import fails here too, as does a guide's table gone stale, from whatever directory pytest is started.
"""
import doctest
import inspect
import json
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from mindspore import Tensor

import ms_lr
import ms_lr.schedules
from ms_lr.config.names import table
from ms_lr.core.arguments import INT32_MAX, Lr
from ms_lr.core.docs import SECTIONS
from ms_lr.core.schedule import Schedule, arguments
from ms_lr.tools.catalogue import markdown_table
from ms_lr.tools.cli import main
from tests.support.accuracy import assert_close, assert_same_lrs
from tests.support.holder import ScheduleHolder
from tests.support.strategies import example, invalid_arguments, schedule_classes

CLASSES = schedule_classes()
CONFIGURABLE = schedule_classes(configurable_only=True)
ids = [cls.__name__ for cls in CLASSES]
no_docstrings = pytest.mark.skipif(sys.flags.optimize >= 2, reason="python -OO strips docstrings")
ROOT = Path(__file__).resolve().parents[1]
SCHEDULES_GUIDE = ROOT / "docs" / "guides" / "schedules.md"
PERFORMANCE_GUIDE = ROOT / "docs" / "guides" / "performance.md"
# Boundaries are checked +-3 steps around each one up to here (a periodic schedule has ~10**8 of them below 2**31;
# its late boundaries are covered by the random steps and the top of the range, and by make bench's precision run).
BOUNDARY_HORIZON = 1 << 20


@pytest.mark.parametrize("cls", CLASSES, ids=ids)
def test_reference_takes_the_constructors_arguments_without_defaults(cls):
    parameters = list(inspect.signature(cls._reference_function).parameters.values())
    assert parameters[0].name == "steps"
    assert [p.name for p in parameters[1:]] == arguments(cls)
    assert all(p.default is inspect.Parameter.empty for p in parameters), "a default here could drift from the class"
    assert cls._reference_function.__module__.startswith("ms_lr.reference.")


def _contract_steps(schedule, seed):
    """Every step +-3 around each boundary up to 2**20, 4000 random steps in [0, 2**31 - 1], the first 300 steps
    and the top 300 of the int32 range."""
    marks = schedule.boundaries(BOUNDARY_HORIZON)
    near = {m + d for m in marks for d in range(-3, 4) if 0 <= m + d <= INT32_MAX}
    rng = np.random.default_rng(seed)
    random = rng.integers(0, INT32_MAX, size=4000, endpoint=True).tolist()
    return np.array(sorted(near | set(random) | set(range(300)) | set(range(INT32_MAX - 299, INT32_MAX + 1))))


@pytest.mark.parametrize("cls", CLASSES, ids=ids)
def test_cell_matches_its_reference_around_every_boundary_and_at_random_steps_up_to_2_31(cls):
    schedule = example(cls)
    steps = _contract_steps(schedule, seed=sum(map(ord, cls.__name__)))
    values = ms_lr.evaluate(schedule, steps)
    reference = schedule.reference(steps)
    bound = schedule.upper_bound()
    peak = bound if bound else float(np.abs(reference).max())
    assert_close(values, reference, peak=max(peak, 1e-30),
                 context=f"{schedule!r}: the cell and its float64 reference disagree (a wrong formula in one of them)")


@pytest.mark.parametrize("cls", CLASSES, ids=ids)
def test_inside_another_graph_a_schedule_computes_what_it_computes_alone(cls):
    # An optimizer's graph holds the schedule as a sub-cell. MindSpore parses a sub-cell as the method its
    # __parse_method__ names, which ms.jit of one of the cell's own methods leaves set: LambdaLR's trial compile
    # did, and every optimizer's graph left out its construct (the step's clamp and conversion).
    # (The canonical example's factor is a step function, on which that went unseen: tests/test_lambdas.py has one
    # that sees it.)
    schedule = example(cls)
    for dtype, steps in ((np.int32, [-5, 0, 7, INT32_MAX]), (np.float32, [-2.5, 2.7, 1e10])):
        holder = ScheduleHolder(schedule, dtype)
        for step in steps:
            alone = schedule(Tensor(np.array([step], dtype))).asnumpy()
            assert holder.at(step).tolist() == alone.tolist(), f"{schedule!r} at the {dtype.__name__} step {step}"


@no_docstrings
@pytest.mark.parametrize("cls", CLASSES, ids=ids)
def test_docstring_has_formula_sections_in_mindspore_order_and_its_example_prints_what_it_shows(cls):
    doc = cls.__doc__
    assert ".. math::" in doc, "the formula"
    positions = [doc.find(f"\n    {section}\n") for section in SECTIONS]
    assert all(p > 0 for p in positions), dict(zip(SECTIONS, positions))
    assert positions == sorted(positions), "MindSpore's order: Args, Inputs, Outputs, Raises, Platforms, Examples"
    args_section = doc[positions[0]:positions[1]]
    for name in arguments(cls):
        assert f"\n        {name} (" in args_section, f"Args documents {name}"
    # Run as --doctest-modules runs it: in a copy of the defining module's globals.
    tests = doctest.DocTestFinder(recurse=False).find(cls, cls.__name__,
                                                      globs=dict(vars(sys.modules[cls.__module__])))
    assert tests and any(e.want.strip() for e in tests[0].examples), "an example with its printed output"
    report = []
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in tests:
        runner.run(test, out=report.append)
    assert runner.failures == 0, f"{cls.__name__}'s docstring example prints something else:\n" + "".join(report)


@pytest.mark.parametrize("cls", CONFIGURABLE, ids=[c.__name__ for c in CONFIGURABLE])
def test_config_round_trips_through_json_and_build(cls):
    schedule = example(cls)
    config = schedule.to_dict()
    rebuilt = ms_lr.build(json.loads(json.dumps(config)))
    steps = np.arange(300)
    assert type(rebuilt) is cls and rebuilt.get_config() == schedule.get_config()
    assert_same_lrs(ms_lr.evaluate(rebuilt, steps), ms_lr.evaluate(schedule, steps))
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
        kwargs = {**example(cls)._config, name: value}
        with pytest.raises(error) as info:
            cls(**kwargs)
        message = str(info.value)
        assert message.startswith(f"For '{cls.__name__}', ") and name in message, (name, value, message)


@pytest.mark.parametrize("cls", CLASSES, ids=ids)
def test_is_a_mindspore_learning_rate_schedule_exported_flat(cls):
    from mindspore.nn.learning_rate_schedule import LearningRateSchedule
    assert issubclass(cls, LearningRateSchedule) and issubclass(cls, Schedule)
    assert getattr(ms_lr, cls.__name__) is cls and cls.__name__ in ms_lr.__all__


def _public_schedule_classes_in_the_package():
    """``{module: [class names]}``: every concrete public Schedule subclass defined in a module of ms_lr.schedules,
    found by walking the package (which imports every module, listed in ORDER or not)."""
    found = {}
    for info in pkgutil.iter_modules(ms_lr.schedules.__path__):
        module = __import__(f"ms_lr.schedules.{info.name}", fromlist=["_"])
        names = [obj.__name__ for obj in vars(module).values()
                 if isinstance(obj, type) and issubclass(obj, Schedule) and obj.__module__ == module.__name__
                 and obj._reference_function is not None and not obj.__name__.startswith("_")]
        if names:
            found[info.name] = names
    return found


def test_every_schedule_class_in_the_package_is_registered_by_import_ms_lr_alone():
    # A fresh interpreter: in this one the walk below has imported every module already.
    fresh = subprocess.run([sys.executable, "-c", "import ms_lr; print(' '.join(ms_lr.registered()))"],
                           capture_output=True, text=True, check=True, cwd=str(ROOT))
    registered = set(fresh.stdout.split())
    for module, names in _public_schedule_classes_in_the_package().items():
        missing = [name for name in names if name not in registered and
                   getattr(getattr(ms_lr.schedules, module), name).declared_public]
        assert not missing, (f"ms_lr/schedules/{module}.py declares {missing}, which `import ms_lr` does not "
                             f"register: add {module!r} to ms_lr.schedules.ORDER (or declare the class with "
                             f"registered=False, or name it with a leading underscore, if it is private)")
    assert set(ms_lr.schedules.ORDER) == set(_public_schedule_classes_in_the_package()), \
        "ms_lr.schedules.ORDER must name exactly the modules that declare public schedules"


def test_every_type_is_in_the_cli_list_and_the_guides_table_from_any_directory(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)      # the check must not depend on where pytest was started
    main(["list"])
    listed = capsys.readouterr().out
    for cls in CLASSES:
        assert f"{cls.__name__}(" in listed
    assert SCHEDULES_GUIDE.is_file(), f"the schedules guide is not at {SCHEDULES_GUIDE}"
    assert markdown_table() in SCHEDULES_GUIDE.read_text(encoding="utf-8"), \
        "the schedules guide's table is stale: run `make tables`"


def test_the_performance_guides_figures_are_the_benchs_output():
    bench = (ROOT / "scripts" / "bench.py").read_text(encoding="utf-8")
    readme = PERFORMANCE_GUIDE.read_text(encoding="utf-8")
    begin = "<!-- performance figures: written by `make bench`"
    assert begin in bench and begin in readme and "<!-- end of performance figures -->" in readme
    block = readme[readme.index(begin):readme.index("<!-- end of performance figures -->")]
    header = re.search(r"ms_lr benchmark, (\d{4}-\d{2}-\d{2}): (.+), MindSpore ([\d.]+), (\d+) runs x", block)
    assert header, "the figures carry the bench's header: date, machine, MindSpore, runs (run `make bench`)"
    assert int(header.group(4)) >= 3, "the guide's figures come from a run with a spread (>= 3 repeats)"


# --- names: every accepted name builds; near misses are answered --------------------------------------------------

NAMES = table()


def _name_example(entry):
    if entry.example is not None:
        return entry.example
    config = example(entry.target).get_config()
    assert set(config) <= set(entry.keys), f"{entry.name} needs an example config in its Name entry"
    return config


@pytest.mark.parametrize("name", sorted(NAMES))
def test_every_accepted_name_builds_its_schedule(name):
    entry = NAMES[name]
    schedule = ms_lr.build({"type": name, **_name_example(entry)}, total_steps=100)
    assert isinstance(schedule, entry.target)
    values = ms_lr.evaluate(schedule, np.arange(120))
    assert np.isfinite(values).all() and (values >= 0).all()


def test_the_unknown_type_error_lists_exactly_the_accepted_names():
    with pytest.raises(ValueError) as info:
        ms_lr.build({"type": "NoSuchSchedule"})
    listed = str(info.value).split("accepted types: ")[1].split(", ")
    assert sorted(listed) == sorted(ms_lr.accepted_names()) == sorted(NAMES)
    assert not {cls.__name__ for cls in CLASSES if not cls.configurable()} & set(listed), "no function types"
    assert {"cosine", "polynomial", "WarmUpStableDecayLR"} <= set(listed), "aliases included"


@pytest.mark.parametrize("name", sorted(NAMES))
def test_a_near_miss_of_any_name_gets_a_did_you_mean(name):
    misses = {name[:-1], name.swapcase(), name[0] + name[2:]} - set(NAMES)
    for miss in misses:
        with pytest.raises(ValueError, match=f"did you mean [^?]*'{name}'"):
            ms_lr.build({"type": miss})


def _case_twins():
    return [(a, b) for a in sorted(NAMES) for b in sorted(NAMES)
            if a != b and a.casefold() == b.casefold() and NAMES[a].keys != NAMES[b].keys]


@pytest.mark.parametrize("name, twin", _case_twins())
def test_names_that_differ_only_in_case_name_each_other_when_the_arguments_are_the_others(name, twin):
    config = _name_example(NAMES[twin])
    with pytest.raises(ValueError) as info:
        ms_lr.build({"type": name, **config}, total_steps=100)
    message = str(info.value)
    assert f"Did you mean type '{twin}'" in message and ", ".join(NAMES[twin].keys) in message, message


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


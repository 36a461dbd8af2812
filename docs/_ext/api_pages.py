"""The API reference, generated when Sphinx starts: one page per public name of ``ms_lr`` (``ms_lr.__all__``), from
its docstring, and for every registered schedule a plot of its curve (the cell over its float64 reference, its
boundaries marked) drawn from the instance its docstring's example builds, with its counterparts in other libraries.

Nothing here names a schedule: a new public name or a newly declared schedule gets its page by being exported.
"""
import ast
import inspect
import linecache
import os
import sys
import types
from typing import Any, Dict, List, Optional, Tuple

API = "api"
PLOTS = os.path.join(API, "plots")
# The page groups of the public names that are not schedules, in the index's order.
GROUPS = (
    ("Training", ("share_schedules", "UnsharedScheduleWarning", "LRScheduler", "LRMonitor", "ReduceLROnPlateau",
                  "grouped_lr_schedule", "lr_find", "LRFinderResult")),
    ("Configuration and other libraries' front doors", ("build", "load", "dump", "accepted_names", "registered",
                                                        "get_scheduler", "create_scheduler_v2", "create_scheduler")),
    ("Evaluating schedules", ("Schedule", "evaluate", "settled_tables", "momentum_schedule")),
)
TORCH_DOCS = "https://pytorch.org/docs/stable/generated/torch.optim.{}.html"
MINDSPORE_DOCS = "https://www.mindspore.cn/docs/en/master/api_python/nn/mindspore.nn.{}.html"
MINDFORMERS_SOURCE = "https://github.com/mindspore-lab/mindformers/blob/dev/mindformers/core/lr/lr_schedule.py"


def example_instance(cls: type) -> Any:
    """The schedule the class docstring's example builds: its ``>>>`` statements run in order, and the first
    expression in them whose value is an instance of ``cls`` (a call, or an operator such as ``schedule * 0.5``) is
    the one drawn (an example that builds none is an error: every schedule shows how to construct it). Built in
    GRAPH_MODE, where the docstring examples run."""
    import mindspore as ms

    import ms_lr
    lines = [line.strip()[4:] for line in inspect.getdoc(cls).splitlines()
             if line.strip().startswith((">>> ", "... "))]
    # A module of its own (MindSpore's compiler imports the module of a function it compiles: LambdaLR's lambda).
    module = types.ModuleType(f"ms_lr_docs_example_{cls.__name__}")
    sys.modules[module.__name__] = module
    namespace: Dict[str, object] = module.__dict__
    namespace["ms_lr"] = ms_lr
    source, filename = "\n".join(lines) + "\n", f"<{cls.__name__} example>"
    # MindSpore reads a function's source to compile it (LambdaLR's lambda): the example's lines are its file.
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    mode = ms.get_context("mode")
    ms.set_context(mode=ms.GRAPH_MODE)
    try:
        for statement in ast.parse(source).body:
            for node in ast.walk(statement):
                if isinstance(node, (ast.Call, ast.BinOp)):
                    try:
                        value = eval(compile(ast.Expression(node), filename, "eval"), namespace)
                    except Exception:       # a part that needs names bound later in the statement
                        continue
                    if isinstance(value, cls):
                        return value
            exec(compile(ast.Module([statement], []), filename, "exec"), namespace)
    finally:
        ms.set_context(mode=mode)
    raise ValueError(f"{cls.__name__}'s docstring example builds no {cls.__name__} to plot")


def horizon(schedule: Any) -> int:
    """Steps drawn: a quarter past the sixth boundary (or the last, if fewer: a periodic schedule shows a few
    cycles), or 60 for a schedule without one."""
    marks = [b for b in schedule.boundaries(10**6) if b > 0][:6]
    return max(20, int(marks[-1] * 1.25) + 2) if marks else 60


def counterparts(cls: type) -> List[str]:
    """Markdown lines naming the same schedule elsewhere: torch's class, MindSpore's or MindFormers' class of the same
    name, and every config name (of any library) that builds this class."""
    from ms_lr.config.names import table
    found = []
    if cls.torch_counterpart:
        found.append(f"- torch: [`torch.optim.{cls.torch_counterpart}`]({TORCH_DOCS.format(cls.torch_counterpart)})")
    module = cls.__module__.rsplit(".", 1)[-1]
    if module == "from_mindspore":
        found.append(f"- MindSpore: [`mindspore.nn.{cls.__name__}`]({MINDSPORE_DOCS.format(cls.__name__)})")
    if module == "from_mindformers":
        found.append(f"- MindFormers: [`mindformers.core.lr.{cls.__name__}`]({MINDFORMERS_SOURCE})")
    names = []
    for name, entry in sorted(table().items()):
        entries = entry.options or (entry,)
        for option in entries:
            if option.target is cls and name != cls.__name__:
                names.append(f"`{name}`" + (f" ({option.origin})" if option.origin else ""))
    if names:
        found.append("- config names (`ms_lr.build`, `ms_lr.load`): " + ", ".join(sorted(set(names))))
    return found


def schedule_families() -> List[Tuple[str, List[type]]]:
    """The registered schedules by family, in the catalogue's order."""
    from ms_lr import schedules
    from ms_lr.core.schedule import declared_types
    rank = {module: i for i, module in enumerate(schedules.ORDER)}
    families: Dict[str, List[type]] = {}
    for cls in sorted(declared_types(), key=lambda c: rank.get(c.__module__.rsplit(".", 1)[-1], len(rank))):
        family = getattr(sys.modules[cls.__module__], "FAMILY", cls.__module__.rsplit(".", 1)[-1])
        families.setdefault(family, []).append(cls)
    return list(families.items())


def page(name: str, plot: Optional[str]) -> str:
    import ms_lr
    obj = getattr(ms_lr, name)
    directive = "autoclass" if inspect.isclass(obj) else "autofunction"
    options = ""
    if inspect.isclass(obj) and not _is_schedule(obj):
        options = "\n   :members:\n   :exclude-members: __init__"
    parts = [f"# {name}", ""]
    if plot is not None:
        parts += [f"![{name}: the cell over its float64 reference](plots/{plot})", ""]
    parts += ["```{eval-rst}", f".. {directive}:: ms_lr.{name}{options}", "```", ""]
    if _is_schedule(obj) and obj.__name__ == name:
        lines = counterparts(obj)
        if lines:
            parts += ["## Counterparts", ""] + lines + [""]
    return "\n".join(parts)


def _is_schedule(obj: Any) -> bool:
    from ms_lr.core.schedule import Schedule
    return inspect.isclass(obj) and issubclass(obj, Schedule) and obj is not Schedule


def index(schedule_names: List[Tuple[str, List[str]]]) -> str:
    import ms_lr
    parts = ["# API reference", "",
             "Every public name of `ms_lr`, one page each, generated from the docstrings. Each schedule's page draws "
             "the instance its example builds: the float32 cell, its float64 reference, its boundaries.", ""]
    listed = set()
    for family, names in schedule_names:
        parts += [f"## Schedules: {family}", "", "```{toctree}", ":maxdepth: 1", ""] + names + ["```", ""]
        listed.update(names)
    for title, names in GROUPS:
        present = [n for n in names if n in ms_lr.__all__]
        parts += [f"## {title}", "", "```{toctree}", ":maxdepth: 1", ""] + present + ["```", ""]
        listed.update(present)
    rest = [n for n in ms_lr.__all__ if n not in listed]
    if rest:
        parts += ["## Other names", "", "```{toctree}", ":maxdepth: 1", ""] + rest + ["```", ""]
    return "\n".join(parts)


def generate(source: str, plots: bool = True) -> List[str]:
    """Write the API pages (and, with ``plots``, the schedules' figures) under ``source``; returns the names."""
    import mindspore as ms

    import ms_lr
    from ms_lr.tools.plot import plot as draw
    ms.set_context(mode=ms.PYNATIVE_MODE)        # op by op: no graph compile per figure
    os.makedirs(os.path.join(source, PLOTS), exist_ok=True)
    schedule_names = []
    drawn = {}
    for family, classes in schedule_families():
        names = []
        for cls in classes:
            if cls.__name__ not in ms_lr.__all__:
                continue
            names.append(cls.__name__)
            figure = f"{cls.__name__}.png"
            if plots:
                schedule = example_instance(cls)
                draw(schedule, horizon(schedule), os.path.join(source, PLOTS, figure), points=2000,
                     title=_title(schedule))
            drawn[cls.__name__] = figure
        schedule_names.append((family, names))
    for name in ms_lr.__all__:
        _write(os.path.join(source, API, f"{name}.md"), page(name, drawn.get(name)))
    _write(os.path.join(source, API, "index.md"), index(schedule_names))
    return list(ms_lr.__all__)


def _title(schedule: Any) -> str:
    text = repr(schedule)
    return text if len(text) <= 90 else text[:87] + "..."


def _write(path: str, text: str) -> None:
    # Unchanged pages keep their time stamps, so Sphinx rebuilds only what changed.
    if os.path.exists(path) and open(path, encoding="utf-8").read() == text:
        return
    with open(path, "w", encoding="utf-8") as out:
        out.write(text)


def _on_builder_inited(app: Any) -> None:
    generate(app.srcdir)


def setup(app: Any) -> Dict[str, Any]:
    app.connect("builder-inited", _on_builder_inited)
    return {"parallel_read_safe": True, "version": "1"}


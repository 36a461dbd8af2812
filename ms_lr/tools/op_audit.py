"""Which MindSpore primitives a schedule's compiled graph runs, read from the IR MindSpore saves when it compiles
(not from a hand list), with their tensor dtypes, the platforms MindSpore's documentation gives for each, and where
Ascend runs each node by its dtypes (:mod:`ms_lr.tools.ascend_kernels`, for the graph built for Ascend).

    python -m ms_lr.tools.op_audit                      # the table for a representative set of schedules
    python -m ms_lr.tools.op_audit --page docs/guides/exactness.md   # and write it into that page

Run it in a process of its own: it compiles in GRAPH mode and turns MindSpore's graph saving on around each compile.
"""
import argparse
import glob
import os
import re
import sys
import tempfile
from typing import Dict, List, Mapping, NamedTuple, Optional, Sequence, Set, Tuple

import mindspore as ms
import mindspore.ops as ops
import mindspore.ops.operations as primitives
import numpy as np
from mindspore import Tensor

from ms_lr.graph.search import searching_for
from ms_lr.tools.ascend_kernels import AI_CPU, KERNELS, REJECTED, placement, placing_dtype
from ms_lr.tools.generated import rewrite_block

__all__ = ["GraphOps", "graph_primitives", "documented_platforms", "on_ascend", "audit", "markdown", "representative",
           "table", "WIDE", "TABLE_BEGIN", "TABLE_END"]

TABLE_BEGIN = "<!-- op table: written by `make tables` (python -m ms_lr.tools.op_audit --page ...); do not edit -->"
TABLE_END = "<!-- end of op table -->"

#: Dtypes Ascend runs on its AI CPU (slow) for elementwise math: a schedule using them says so in the table.
WIDE = {"Float64", "Int64"}
# A node applies a primitive (``PrimFunc_Sin(...)`` for those generated from op definitions, ``BitwiseAnd(...)``
# for older ones); a lower-case name is a call of a sub-graph, whose own nodes are in the same file. Only the node's
# own line, ``  %5(lr) = ...``: the source lines quoted in the comments under it (``# In file ...: lr = ADDCMUL(``)
# would count a primitive held in an upper-case name twice.
_NODE = re.compile(r"^\s*%\S+ = (?:PrimFunc_)?([A-Z][A-Za-z0-9]*)\(")
#: Graph-structure nodes, not kernels.
STRUCTURE = {"MakeTuple", "TupleGetItem", "Return", "Depend", "UpdateState", "Load", "MakeList", "ListGetItem",
             "Partial", "Switch", "StopGradient"}
#: A ``Reshape`` of another node's output (``%7``, not a Parameter such as ``%para1_global_step``): MindSpore's
#: backend gives its output the input's memory and launches nothing, a view (counted with MindSpore's profiler:
#: ``tests/test_op_audit.py``). A ``Reshape`` of a Parameter launches a kernel on the CPU and is counted.
_VIEW_OF_A_NODE = re.compile(r"^\s*%\S+ = (?:PrimFunc_)?Reshape\(%\d+[,)]")
_TENSOR = re.compile(r"Tensor\[(\w+)\]")
_ABSTRACT = re.compile(r"^\s*: \(")
_TENSOR_SHAPE = re.compile(r"Tensor\[\w+\], \(([^)]*)\)")


class GraphOps(NamedTuple):
    """What a compiled graph runs: each primitive with the tensor dtypes it takes or gives, and the number of
    primitive nodes (kernels launched per evaluation on a backend that does not fuse them, as MindSpore's CPU)."""

    primitives: Dict[str, Set[str]]
    kernels: int
    #: The primitive of every kernel, in the IR's order: two graphs with the same sequence launch the same kernels.
    sequence: Tuple[str, ...] = ()
    #: Every kernel as (primitive, its input tensor dtypes, its output tensor dtypes, its input tensor shapes), in
    #: the same order.
    nodes: Tuple[Tuple[str, Tuple[str, ...], Tuple[str, ...], Tuple[Tuple[int, ...], ...]], ...] = ()


def graph_primitives(schedule: ms.nn.Cell, folder: str, inputs: Optional[Tuple[Tensor, ...]] = None) -> GraphOps:
    """The primitives of ``schedule``'s graph, compiled for an int32 ``[1]`` step (as an optimizer passes it), read
    from the saved ``validate`` IR (the graph after MindSpore's optimisations, sub-graphs included), less the
    reshapes that launch nothing. Any other cell (a train step) is compiled for ``inputs``."""
    ms.set_context(mode=ms.GRAPH_MODE, save_graphs=True, save_graphs_path=folder)
    try:
        schedule(*(inputs if inputs is not None else (Tensor(np.array([3], dtype=np.int32)),)))
    finally:
        ms.set_context(save_graphs=False)
    files = sorted(glob.glob(os.path.join(folder, "**", "*validate*.ir"), recursive=True))
    if not files:
        raise RuntimeError(f"MindSpore saved no validate IR under {folder}")
    found: Dict[str, Set[str]] = {}
    nodes = []
    lines = open(files[-1], encoding="utf-8").read().splitlines()
    for i, line in enumerate(lines):
        node = _NODE.search(line)
        if node and node.group(1) not in STRUCTURE and not _VIEW_OF_A_NODE.match(line):
            # The line under a node gives its abstract, ``: (<Tensor[Int32], (3)>, ...) -> (<Tensor[Int32], (1)>)``
            # (a node printing a long constant wraps onto more lines first).
            signature = next((later for later in lines[i + 1:i + 8] if _ABSTRACT.match(later)), "")
            found.setdefault(node.group(1), set()).update(_TENSOR.findall(signature))
            inputs, _, outputs = signature.partition(" -> ")
            shapes = tuple(tuple(int(size) for size in shape.replace(",", " ").split())
                           for shape in _TENSOR_SHAPE.findall(inputs))
            nodes.append((node.group(1), tuple(_TENSOR.findall(inputs)), tuple(_TENSOR.findall(outputs)), shapes))
    return GraphOps(found, len(nodes), tuple(node[0] for node in nodes), tuple(nodes))


def documented_platforms(primitive: str) -> Optional[Set[str]]:
    """The platforms in the "Supported Platforms" section of the primitive's documentation (or of the function
    it refers to); ``None`` for a primitive MindSpore does not document (a graph-internal one)."""
    cls = getattr(primitives, primitive, None)
    doc = (cls.__doc__ or "") if cls is not None else ""
    refer = re.search(r"Refer to :func:`mindspore\.ops\.(\w+)`", doc)
    if refer and getattr(ops, refer.group(1), None) is not None:
        doc = getattr(ops, refer.group(1)).__doc__ or ""
    section = re.search(r"Supported Platforms:\s*\n\s*(.*)", doc)
    return set(re.findall(r"``(\w+)``", section.group(1))) if section else None


def on_ascend(nodes: Sequence[Tuple[str, Tuple[str, ...], Tuple[str, ...], Tuple[Tuple[int, ...], ...]]]
              ) -> Dict[str, List[str]]:
    """The nodes of a graph that Ascend runs on its AI CPU and those it rejects, each as ``Primitive(dtype)`` (the
    dtype that places it; ``Cast(source->target)``), and the primitives (or ``Primitive(dtype)``) not looked up
    (:mod:`ms_lr.tools.ascend_kernels`): sorted and distinct."""
    where: Dict[str, Set[str]] = {AI_CPU: set(), REJECTED: set(), "unknown": set()}
    for primitive, inputs, outputs, _ in nodes:
        place = placement(primitive, inputs, outputs)
        label = f"{primitive}({placing_dtype(primitive, inputs, outputs)})" if primitive in KERNELS else primitive
        if place is None:
            where["unknown"].add(label)
        elif place in (AI_CPU, REJECTED):
            where[place].add(label)
    return {place: sorted(labels) for place, labels in where.items()}


def audit(schedules: Mapping[str, ms.nn.Cell],
          for_ascend: Optional[Mapping[str, ms.nn.Cell]] = None) -> List[Dict[str, object]]:
    """One row per schedule: its primitives, those not documented for Ascend and GPU, its 64-bit dtypes, and the
    nodes Ascend runs on its AI CPU or rejects (``ascend_ai_cpu``, ``ascend_rejected``; ``ascend_unknown``: the
    primitives not looked up; ``ascend_searched``: the lengths of the tables its ``SearchSorted`` nodes search), read
    from ``for_ascend``'s schedule of the same name where given (the same schedule built inside
    ``searching_for("Ascend")``), else from the schedule's own graph."""
    rows = []
    with tempfile.TemporaryDirectory() as root:
        for i, (name, schedule) in enumerate(schedules.items()):
            found, kernels, _, nodes = graph_primitives(schedule, os.path.join(root, str(i)))
            undocumented = sorted(p for p in found if not {"Ascend", "GPU"} <= (documented_platforms(p) or set()))
            wide = sorted(set().union(*found.values()) & WIDE) if found else []
            if for_ascend is not None and name in for_ascend:
                nodes = graph_primitives(for_ascend[name], os.path.join(root, f"{i}-ascend")).nodes
            ascend = on_ascend(nodes)
            searched = sorted({shapes[0][0] for primitive, _, _, shapes in nodes if primitive == "SearchSorted"})
            rows.append({"schedule": name, "primitives": sorted(found), "undocumented": undocumented,
                         "wide": wide, "kernels": kernels, "ascend_ai_cpu": ascend[AI_CPU],
                         "ascend_rejected": ascend[REJECTED], "ascend_unknown": ascend["unknown"],
                         "ascend_searched": searched})
    return rows


def _grouped(labels: Sequence[str]) -> str:
    """``Primitive(dtype)`` labels as ``dtype: Primitive, ...`` groups."""
    groups: Dict[str, List[str]] = {}
    for label in labels:
        primitive, _, dtype = label.rstrip(")").partition("(")
        groups.setdefault(dtype, []).append(primitive)
    return "; ".join(f"{dtype}: {', '.join(names)}" for dtype, names in sorted(groups.items()))


def markdown(rows: List[Dict[str, object]]) -> str:
    lines = ["| schedule | kernels | primitives in its compiled graph | not documented for Ascend and GPU | "
             "64-bit dtypes | on Ascend's AI CPU (CANN) |", "|---|---|---|---|---|---|"]
    for row in rows:
        ascend = "; ".join(part for part in (
            _grouped(row["ascend_ai_cpu"]),
            f"rejected: {', '.join(row['ascend_rejected'])}" if row["ascend_rejected"] else "",
            f"not looked up: {', '.join(row['ascend_unknown'])}" if row["ascend_unknown"] else "") if part)
        lines.append(f"| {row['schedule']} | {row['kernels']} | {', '.join(row['primitives'])} | "
                     f"{', '.join(row['undocumented']) or 'none'} | {', '.join(row['wide']) or 'none'} | "
                     f"{ascend or 'none'} |")
    return "\n".join(lines)


def representative() -> Dict[str, ms.nn.Cell]:
    """Every built-in schedule family in a configuration that takes its heaviest path: its formula (a schedule that
    settles or repeats within ``settled_tables``' limit compiles to a lookup instead, the table's last rows)."""
    from ms_lr.core.settled import settled_tables
    with settled_tables(0):
        schedules = _formulas()
    from ms_lr.schedules.cosine import CosineAnnealingLR
    from ms_lr.schedules.cyclic import OneCycleLR
    from ms_lr.schedules.decay import WarmupStableDecayLR
    from ms_lr.schedules.warmup import LinearWarmup
    schedules["any settled schedule, as its lookup (OneCycleLR)"] = OneCycleLR(0.1, 10_000, cycle_momentum=False)
    schedules["any periodic schedule after a prefix, as its lookup (LinearWarmup(cosine))"] = LinearWarmup(
        CosineAnnealingLR(0.1, 10_000, 1e-5), 500)
    schedules["a settled schedule with a long stable phase, as its lookup (WarmupStableDecayLR, 10M steps)"] = \
        WarmupStableDecayLR(0.1, 2000, 8_998_000, 1_000_000, decay="1-sqrt")
    return schedules


def _formulas() -> Dict[str, ms.nn.Cell]:
    from ms_lr.schedules.compose import CooldownLR, SequentialLR
    from ms_lr.schedules.cosine import CosineAnnealingLR, CosineAnnealingWarmRestarts, CosineAnnealingWarmupRestarts
    from ms_lr.schedules.cycles import CosineCyclesLR, PolyCyclesLR, TanhCyclesLR
    from ms_lr.schedules.cyclic import CyclicLR, CyclicMomentum, OneCycleLR, OneCycleMomentum
    from ms_lr.schedules.decay import (
        ExponentialLR,
        InverseSqrtLR,
        LinearLR,
        MultiStepLR,
        PolynomialLR,
        StepLR,
        WarmupStableDecayLR,
    )
    from ms_lr.schedules.lambdas import TabulatedLR
    from ms_lr.schedules.noise import NoisyLR
    from ms_lr.schedules.swa import SWALR
    from ms_lr.schedules.warmup import LinearWarmup
    cosine = CosineAnnealingLR(0.1, 10_000, 1e-5)
    return {
        "MindSpore's nn.CosineDecayLR (the anchor)": ms.nn.CosineDecayLR(1e-5, 0.1, 10_000),
        "CosineAnnealingLR": cosine,
        "CosineAnnealingWarmRestarts(T_mult=2)": CosineAnnealingWarmRestarts(0.1, 1000, 2),
        "CosineAnnealingWarmupRestarts": CosineAnnealingWarmupRestarts(1000, 1.5, 0.1, 1e-4, 100, 0.9),
        "CosineCyclesLR(cycle_mul=1.5, k_decay=2)": CosineCyclesLR(0.1, 1000, 1e-5, 1.5, 0.5, 4, 2.0),
        # Cycles of one length are scaled waves (as CyclicLR's); growing ones keep the shape's formula.
        "TanhCyclesLR(cycle_mul=2)": TanhCyclesLR(0.1, 1000, cycle_mul=2.0, cycle_limit=3),
        "PolyCyclesLR(cycle_mul=2)": PolyCyclesLR(0.1, 1000, cycle_mul=2.0, power=2.0, cycle_limit=3),
        "LinearWarmup(cosine)": LinearWarmup(cosine, 500),
        "StepLR": StepLR(0.1, 1000, 0.5),
        "MultiStepLR": MultiStepLR(0.1, [3000, 6000, 9000], 0.1),
        "ExponentialLR": ExponentialLR(0.1, 0.9999),
        "PolynomialLR": PolynomialLR(0.1, 10_000, 2.0),
        "WarmupStableDecayLR(1-sqrt)": WarmupStableDecayLR(0.1, 500, 5000, 4500, decay="1-sqrt"),
        "WarmupStableDecayLR(rsqrt, exp)": WarmupStableDecayLR(0.1, 500, 5000, 4500, decay="exp", stable="rsqrt"),
        "InverseSqrtLR": InverseSqrtLR(0.1, 4000),
        "CyclicLR(exp_range)": CyclicLR(0.001, 0.1, 2000, 1000, "exp_range", 0.9999, cycle_momentum=False),
        "OneCycleLR": OneCycleLR(0.1, 10_000, cycle_momentum=False),
        "OneCycleMomentum": OneCycleMomentum(10_000),
        "CyclicMomentum": CyclicMomentum(0.8, 0.9, 2000),
        "SWALR": SWALR(0.1, 0.01, 1000),
        "SequentialLR(linear, 1e-5)": SequentialLR([LinearLR(0.1, 0.1, 1.0, 500), 1e-5], [500]),
        "CooldownLR(cosine)": CooldownLR(cosine, 8000, 2000),
        "NoisyLR(cosine)": NoisyLR(cosine, 100, 9000),
        "TabulatedLR": TabulatedLR(np.linspace(0.1, 0.0, 1000).tolist()),
    }


def table() -> str:
    """The exactness guide's op table: ``representative()`` audited, its last column from the same schedules built
    for Ascend."""
    with searching_for("Ascend"):
        for_ascend = representative()
    return (f"Compiled by MindSpore {ms.__version__} for the CPU; the last column from the same schedules built for "
            f"Ascend, each node placed by CANN's operator sources (`ms_lr.tools.ascend_kernels`).\n\n" +
            markdown(audit(representative(), for_ascend)))


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ms_lr.tools.op_audit", description=__doc__.split("\n")[0])
    parser.add_argument("--page", help="write the table into this page, between the op table markers")
    args = parser.parse_args(argv)
    text = table()
    print(text)
    if args.page:
        rewrite_block(args.page, TABLE_BEGIN, TABLE_END, lambda: text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

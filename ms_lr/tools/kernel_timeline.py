"""What kernels a compiled cell launches and what each costs, read from MindSpore's profiler (CPU).

MindSpore's saved IR says which nodes a graph holds; the profiler says which kernels ran. The two differ where the
backend leaves a node out (a ``Reshape`` of another node's output is a view), so a claim about launched kernels is
checked here, by the profiler's records. Run it in a process of its own: the profiler is global to a process and
leaves its files behind.
"""
import glob
import os
from typing import Callable, Dict, List, Tuple

import mindspore as ms
import numpy as np

__all__ = ["profile", "read"]


def profile(step: Callable, inputs: Tuple, folder: str, warm: int = 50, steps: int = 200) -> None:
    """Run ``step(*inputs)`` ``warm`` times, then ``steps`` times under MindSpore's profiler writing into
    ``folder``; each call waited for."""
    for _ in range(warm):
        step(*inputs).asnumpy()
    profiler = ms.Profiler(output_path=folder)
    for _ in range(steps):
        step(*inputs).asnumpy()
    profiler.stop()
    profiler.analyse()


def read(folder: str, scope: str) -> Dict[str, object]:
    """The profiler's CPU records under ``folder``, per step: ``kernels`` (launched per step), ``threads``,
    ``span_us`` (median over the steps of the first kernel's start to the last one's end), ``per_kernel_us`` (the
    median over every kernel of every step of its cost: from the end of the kernel before it to its own end, the
    runtime's dispatch and the run), ``kernel_us`` (each kernel's median cost, by its full name), and for the kernels
    whose full name holds ``scope`` (a cell's name scope): ``schedule_kernels`` (their primitives, in launch order),
    ``schedule_us`` (their median costs, summed).

    ``kernel_us`` finds a cell's kernels where MindSpore files some outside its scope (it expands ``Muls`` and ``Divs``
    into scopes of their own): those whose names a profile of the same graph without the cell lacks."""
    files = glob.glob(os.path.join(folder, "**", "cpu_op_execute_timestamp_*.txt"), recursive=True)
    if not files:
        raise RuntimeError(f"MindSpore's profiler wrote no CPU timestamps under {folder} (a CPU run reads them)")
    kernels: Dict[str, List[Tuple[float, ...]]] = {}
    with open(files[0]) as handle:
        for line in handle:
            full_name, _, events = line.strip().split(";", 2)
            # start (ns), duration (ms), thread
            kernels[full_name] = [tuple(float(v) for v in event.split(",")) for event in events.split()]
    steps = {len(events) for events in kernels.values()}
    if len(steps) != 1:
        raise RuntimeError(f"the kernels ran unequal numbers of times ({sorted(steps)}): not one launch each per step")
    spans, costs, threads = [], [], set()
    per_name: Dict[str, List[float]] = {name: [] for name in kernels}
    first_order: List[str] = []
    for i in range(steps.pop()):
        order = sorted((events[i][0] / 1e3, events[i][1] * 1e3, events[i][2], name)
                       for name, events in kernels.items())          # start us, duration us, thread, name
        first_order = first_order or [name for _, _, _, name in order]
        threads.update(thread for _, _, thread, _ in order)
        spans.append(order[-1][0] + order[-1][1] - order[0][0])
        for before, (start, duration, _, name) in zip(order, order[1:]):
            cost = start + duration - (before[0] + before[1])
            costs.append(cost)
            per_name[name].append(cost)
    scoped = [name for name in first_order if scope in name]
    # A step's first kernel has no kernel before it, so no cost.
    kernel_us = {name: float(np.median(per_name[name])) for name in first_order if per_name[name]}
    return {"kernels": len(kernels), "threads": len(threads), "span_us": float(np.median(spans)),
            "per_kernel_us": float(np.median(costs)), "kernel_us": kernel_us,
            # A full name ends in the primitive and its index: .../Addcmul-op0.
            "schedule_kernels": [name.rsplit("/", 1)[-1].rsplit("-op", 1)[0] for name in scoped],
            "schedule_us": float(sum(kernel_us[name] for name in scoped if name in kernel_us))}

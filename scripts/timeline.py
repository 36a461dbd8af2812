"""Where a train step's time goes, kernel by kernel, read from MindSpore's profiler (CPU): how many kernels a step
launches, on how many threads, and what each costs from the end of the kernel before it to its own end (the
runtime's dispatch and the kernel's run).

    python scripts/timeline.py CosineAnnealingWarmupRestarts 49           # a bench schedule, grouped and shared
    python scripts/timeline.py "constant lr" 2                            # the constant lr, the same step
    python scripts/timeline.py "nn.CosineDecayLR (MindSpore)" 49          # MindSpore's anchor

It prints one JSON object: ``kernels`` (launched per step, counted from the profiler's records, not from the IR),
``threads``, ``span_us`` (median over the steps of the first kernel's start to the last one's end), ``per_kernel_us``
(the median over every kernel of every step of its dispatch and run), and ``schedule_us`` (the summed median cost of
the kernels under the schedule's name scope, where MindSpore kept it). On MindSpore's CPU backend a step's kernels
run one after another on one thread, so the span is the sum of what they cost: a schedule adds its kernel count
times the per-kernel cost of the graph it is in.
"""
import glob
import json
import os
import sys
import tempfile

import mindspore as ms
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402

WARM_STEPS = 50
PROFILED_STEPS = 200


def learning_rate(name):
    """The bench's lr of that name (``bench.anchored()``), or a constant 0.1 for ``"constant lr"``."""
    return 0.1 if name == "constant lr" else bench.anchored()[name]()


def profile(name, parameters, folder):
    """Run the grouped, shared SGD step of the bench's Dense stack with ``name``'s lr under MindSpore's profiler;
    returns the lr's class name (the name scope of its kernels)."""
    lr = learning_rate(name)
    step, inputs = bench.nn_step(lambda: bench.dense_stack(parameters), lr, grouped=True, shared=True)
    for _ in range(WARM_STEPS):
        step(*inputs).asnumpy()
    profiler = ms.Profiler(output_path=folder)
    for _ in range(PROFILED_STEPS):
        step(*inputs).asnumpy()
    profiler.stop()
    profiler.analyse()
    return type(lr).__name__


def read(folder, scope):
    """The figures of the module docstring from the profiler's CPU timestamps under ``folder``."""
    files = glob.glob(os.path.join(folder, "**", "cpu_op_execute_timestamp_*.txt"), recursive=True)
    if not files:
        raise RuntimeError(f"MindSpore's profiler wrote no CPU timestamps under {folder} (a CPU run reads them)")
    kernels = {}
    with open(files[0]) as handle:
        for line in handle:
            full_name, _, events = line.strip().split(";", 2)
            # start (ns), duration (ms), thread
            kernels[full_name] = [tuple(float(v) for v in event.split(",")) for event in events.split()]
    steps = {len(events) for events in kernels.values()}
    if len(steps) != 1:
        raise RuntimeError(f"the kernels ran unequal numbers of times ({sorted(steps)}): not one launch each per step")
    spans, costs, threads = [], [], set()
    per_name = {name: [] for name in kernels}
    for i in range(steps.pop()):
        order = sorted((events[i][0] / 1e3, events[i][1] * 1e3, events[i][2], name)
                       for name, events in kernels.items())          # start us, duration us, thread, name
        threads.update(thread for _, _, thread, _ in order)
        spans.append(order[-1][0] + order[-1][1] - order[0][0])
        for before, (start, duration, _, name) in zip(order, order[1:]):
            cost = start + duration - (before[0] + before[1])
            costs.append(cost)
            per_name[name].append(cost)
    scoped = [name for name in kernels if scope in name]
    return {"kernels": len(kernels), "threads": len(threads), "span_us": float(np.median(spans)),
            "per_kernel_us": float(np.median(costs)),
            "schedule_kernels": len(scoped),
            "schedule_us": float(sum(np.median(per_name[name]) for name in scoped if per_name[name]))}


def main():
    name, parameters = sys.argv[1], int(sys.argv[2])
    ms.set_context(mode=ms.GRAPH_MODE)
    with tempfile.TemporaryDirectory() as folder:
        scope = profile(name, parameters, folder)
        print(json.dumps(read(folder, scope)))


if __name__ == "__main__":
    main()

"""Where a train step's time goes, kernel by kernel, read from MindSpore's profiler (CPU): how many kernels a step
launches, on how many threads, and what each costs from the end of the kernel before it to its own end (the
runtime's dispatch and the kernel's run).

    python scripts/timeline.py CosineAnnealingWarmupRestarts 49           # a bench schedule, grouped and shared
    python scripts/timeline.py "constant lr" 2                            # the constant lr, the same step
    python scripts/timeline.py "nn.CosineDecayLR (MindSpore)" 49          # MindSpore's anchor
    python scripts/timeline.py InverseSqrtLR conv                         # the conv net's step, plain

It prints one JSON object: ``kernels`` (launched per step, counted from the profiler's records, not from the IR),
``threads``, ``span_us`` (median over the steps of the first kernel's start to the last one's end), ``per_kernel_us``
(the median over every kernel of every step of its dispatch and run), ``schedule_kernels`` and ``schedule_us`` (the
number and the summed median cost of the kernels under the schedule's name scope, where MindSpore kept it), read by
:mod:`ms_lr.tools.kernel_timeline`, and ``kernel_us``, every kernel's median cost by its full name. ``conv`` in
place of a parameter count profiles the bench's conv net (``nn.SGD`` with the lr as its ``learning_rate``) over
fewer steps, each tens of milliseconds. On MindSpore's CPU backend a step's kernels run one after another on one
thread, so the span is the sum of what they cost: a schedule adds its kernel count times the per-kernel cost of the
graph it is in.
"""
import json
import os
import sys
import tempfile

import mindspore as ms

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import bench  # noqa: E402

from ms_lr.tools.kernel_timeline import profile, read  # noqa: E402

WARM_STEPS = 50
PROFILED_STEPS = 200


def learning_rate(name):
    """The bench's lr of that name (``bench.anchored()``), or a constant 0.1 for ``"constant lr"``."""
    return 0.1 if name == "constant lr" else bench.anchored()[name]()


def main():
    name, network = sys.argv[1], sys.argv[2]
    ms.set_context(mode=ms.GRAPH_MODE)
    lr = learning_rate(name)
    if network == "conv":
        (step, inputs), warm, steps = bench.nn_step(bench.conv_net, lr), bench.CONV_WARM_STEPS, \
            bench.CONV_PROFILED_STEPS
    else:
        step, inputs = bench.nn_step(lambda: bench.dense_stack(int(network)), lr, grouped=True, shared=True)
        warm, steps = WARM_STEPS, PROFILED_STEPS
    with tempfile.TemporaryDirectory() as folder:
        profile(step, inputs, folder, warm, steps)
        figures = read(folder, type(lr).__name__)
    figures["schedule_kernels"] = len(figures["schedule_kernels"])
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

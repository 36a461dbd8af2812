"""A minimal reproducer, MindSpore only, for an upstream report: in PYNATIVE mode, anything launched on the host
between two calls of an ``ms.jit`` train step costs the loop more than it costs alone. A torch-style scheduler
stepped on the host after each train step is such a launch, whatever it computes; so is a torch habit such as
summing the losses on the host (``total += loss``, one eager ``Add``). Reading the loss (``float(loss)``, a copy to
the host, no launch) is timed beside them.

    python scripts/graph_between_steps.py [--cycles 40] [--steps 5] [--repeats 3]

The train step is ``pynative_jit_branch.py``'s, on its fast path (MindSpore's own scheduler stepped inside it).
After each of its calls, each variant launches: nothing (a second build of the same step: the protocol's own
spread), a jit function whose graph is one ``AssignAdd`` on a Parameter of its own, that ``AssignAdd`` as an eager
op, an eager ``Add`` of the step's loss to a running total, or ``float(loss)``. Each run visits every variant
``--cycles`` times in a shuffled order, each visit next to a visit of the step with nothing between (before or
after it, at random); a visit runs one untimed step and ``--steps`` timed ones, the last waited for. The script
prints, per variant, the median over the runs of the median ratio of its visits to the base's visits next to them
(and the range over the runs), the microseconds that adds to the base's step, the CPU time it adds (every thread of
the process: above the wall time added, more than one thread was busy; well below it, threads waited on each
other), and what the launch costs alone (timed in a loop of its own, median over the runs). It checks that every
``AssignAdd`` ran.
"""
import argparse
import random
import time

import mindspore as ms
import numpy as np
from mindspore import Parameter, Tensor, ops
from pynative_jit_branch import train_step


def counting_graph(name):
    """``(a mindspore.jit function whose graph is one AssignAdd on a counter of its own, the counter)``: the
    bench's torch-style tables launch it between steps too."""
    count = Parameter(Tensor(np.int32(0)), name=name, requires_grad=False)
    one = Tensor(np.int32(1))

    def add_one():
        ops.assign_add(count, one)
        return True

    return ms.jit(add_one), count


def between():
    """What each variant launches after a train step, given its loss: ``{name: function of the loss, or None}``,
    the names of those that add 1 to ``count``, and ``count``."""
    graph, count = counting_graph("count_between_steps")
    one = Tensor(np.int32(1))
    total = [Tensor(np.float32(0.0))]

    def running_total(loss):
        total[0] = total[0] + loss

    launches = {"nothing (a second build)": None, "a jit graph of one AssignAdd": lambda loss: graph(),
                "one eager AssignAdd": lambda loss: ops.assign_add(count, one),
                "the loss summed on the host": running_total, "the loss read, float(loss)": float}
    return launches, ("a jit graph of one AssignAdd", "one eager AssignAdd"), count


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cycles", type=int, default=40, help="visits of every variant per run")
    parser.add_argument("--steps", type=int, default=5, help="timed steps per visit")
    parser.add_argument("--repeats", type=int, default=3, help="runs, for the spread")
    args = parser.parse_args()
    ms.set_context(mode=ms.PYNATIVE_MODE)
    rng = np.random.default_rng(0)
    x = Tensor(rng.normal(size=(16, 3, 8, 8)).astype(np.float32))
    y = Tensor(rng.normal(size=(16, 4)).astype(np.float32))
    launches, counting, count = between()
    base = train_step("scheduler")
    steps = {name: train_step("scheduler") for name in launches}

    def visit(step, launch):
        """(wall seconds, CPU seconds of every thread of the process) per step."""
        step(x, y).asnumpy()                        # the first step after another graph ran pays the switch
        start, cpu = time.perf_counter(), time.process_time()
        for _ in range(args.steps):
            loss = step(x, y)
            if launch is not None:
                launch(loss)
        loss.asnumpy()
        return np.array([time.perf_counter() - start, time.process_time() - cpu]) / args.steps

    for name, launch in launches.items():
        visit(steps[name], launch)
    visit(base, None)
    loss = base(x, y)                               # the loss each launch timed alone is given
    before = int(count.asnumpy())
    order = random.Random(0)
    ratios = {name: [] for name in launches}
    added = {name: [] for name in launches}
    added_cpu = {name: [] for name in launches}
    alone = {name: [] for name in launches if launches[name] is not None}
    base_ms = []
    for _ in range(args.repeats):
        pairs = {name: [] for name in launches}
        for _ in range(args.cycles):
            names = list(launches)
            order.shuffle(names)
            for name in names:
                if order.random() < 0.5:
                    mine, theirs = visit(steps[name], launches[name]), visit(base, None)
                else:
                    theirs, mine = visit(base, None), visit(steps[name], launches[name])
                pairs[name].append((mine, theirs))
        for name, timed in pairs.items():
            timed = np.array(timed)                 # visit, (variant, base), (wall, CPU)
            ratios[name].append(float(np.median(timed[:, 0, 0] / timed[:, 1, 0])))
            added[name].append(1e6 * float(np.median(timed[:, 0, 0] - timed[:, 1, 0])))
            added_cpu[name].append(1e6 * float(np.median(timed[:, 0, 1] - timed[:, 1, 1])))
            base_ms.append(1e3 * float(np.median(timed[:, 1, 0])))
        for name in alone:
            start = time.perf_counter()
            for _ in range(1000):
                launches[name](loss)
            ms.runtime.synchronize()
            alone[name].append(1e6 * (time.perf_counter() - start) / 1000)
    calls = int(count.asnumpy()) - before
    expected = (args.repeats * args.cycles * args.steps + 1000 * args.repeats) * len(counting)
    if calls != expected:
        raise RuntimeError(f"the launches ran {calls} times, not {expected}: a launch did not run")
    print(f"MindSpore {ms.__version__}, PYNATIVE, ms.jit train step of experimental.optim.SGD with its scheduler "
          f"stepped inside (median {np.median(base_ms):.2f} ms), {args.repeats} runs x {args.cycles} cycles x "
          f"{args.steps} steps")
    for name in launches:
        cost = f"   alone {np.median(alone[name]):5.0f} us" if name in alone else ""
        print(f"{name:30s} x{np.median(ratios[name]):.3f} ({min(ratios[name]):.3f} to {max(ratios[name]):.3f})   "
              f"{np.median(added[name]):+5.0f} us per step (CPU time {np.median(added_cpu[name]):+5.0f} us){cost}")


if __name__ == "__main__":
    main()

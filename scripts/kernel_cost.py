"""What a schedule costs per step as the network grows, MindSpore only plus the bench's timing: lrs of known shape
on plain ``nn.SGD`` over Dense stacks of 2, 49 and 201 parameters, each timed next to a constant lr (the bench's
adjacent pairs, ``scripts/bench.py``).

    python scripts/kernel_cost.py fan-out     # a 1-kernel lr, MindSpore's nn.CosineDecayLR (9), a 3-kernel lookup
    python scripts/kernel_cost.py depth       # two 9-kernel lrs: a serial chain, and 8 independent Muls + AddN

``fan-out`` asks whether the cost is the computed lr reaching every parameter's update (a 1-kernel lr has the same
fan-out as any other); ``depth`` whether it is the schedule's serial depth (queued behind the net's kernels) or its
kernel count. Each prints the added us per step, the median of 3 runs and their range.
"""
import os
import sys
import types

import mindspore as ms
import numpy as np
from mindspore import Parameter, Tensor, nn, ops
from mindspore.nn.learning_rate_schedule import LearningRateSchedule

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import bench  # noqa: E402

import ms_lr  # noqa: E402


class OneKernel(LearningRateSchedule):
    """A Parameter times 1: one kernel, a computed lr like any schedule's."""

    def __init__(self):
        super().__init__()
        self.lr = Parameter(Tensor(np.float32(0.1)), name="lr_one", requires_grad=False)

    def construct(self, global_step):
        return self.lr * 1.0


class Chain(LearningRateSchedule):
    """Nine Muls, each on the one before: depth 9."""

    def __init__(self):
        super().__init__()
        self.lr = Parameter(Tensor(np.float32(0.1)), name="lr_chain", requires_grad=False)

    def construct(self, global_step):
        x = self.lr
        for _ in range(9):
            x = x * 1.0
        return x


class Wide(LearningRateSchedule):
    """Eight independent Muls joined by one AddN: nine kernels, depth 2."""

    def __init__(self):
        super().__init__()
        self.lr = Parameter(Tensor(np.float32(0.1)), name="lr_wide", requires_grad=False)

    def construct(self, global_step):
        return ops.addn([self.lr * (0.125 + 0.001 * i) for i in range(8)])


def variants(part):
    if part == "fan-out":
        return {"one kernel (Parameter * 1)": OneKernel,
                "nn.CosineDecayLR (9 kernels)": lambda: nn.CosineDecayLR(1e-5, 0.1, 10_000),
                "ms_lr.CosineAnnealingLR (3-kernel lookup)": lambda: ms_lr.CosineAnnealingLR(0.1, 10_000, 1e-5)}
    return {"chain of 9": Chain, "8 wide + AddN": Wide}


def main():
    part = sys.argv[1] if len(sys.argv) > 1 else "fan-out"
    if part not in ("fan-out", "depth"):
        raise SystemExit(f"usage: python scripts/kernel_cost.py fan-out|depth (got {part!r})")
    ms.set_context(mode=ms.GRAPH_MODE)
    args = types.SimpleNamespace(repeats=3, cycles=60, steps=2)
    for parameters in ((2, 49, 201) if part == "fan-out" else (2, 201)):
        def network(parameters=parameters):
            return bench.dense_stack(parameters)
        builders = {"constant": lambda: bench.nn_step(network, 0.1)}
        for name, make in variants(part).items():
            builders[name] = lambda make=make: bench.nn_step(network, make())
        result, base = bench.added(builders, "constant", args)
        cells = ", ".join(f"{name} {bench.spread(result[name])}" for name in builders if name != "constant")
        print(f"{parameters} parameters (constant-lr step {base:.0f} us): {cells}", flush=True)


if __name__ == "__main__":
    main()

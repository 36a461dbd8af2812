"""What a schedule costs per step as the network grows, MindSpore only plus the bench's timing: lrs of known shape
on plain ``nn.SGD`` over Dense stacks of 2, 49 and 201 parameters, each timed next to a constant lr (the bench's
adjacent pairs, ``scripts/bench.py``).

    python scripts/kernel_cost.py fan-out     # a 1-kernel lr, MindSpore's nn.CosineDecayLR (9), a 3-kernel lookup
    python scripts/kernel_cost.py depth       # two 9-kernel lrs: a serial chain, and 8 independent Muls + AddN
    python scripts/kernel_cost.py kinds       # chains of 24 kernels of one primitive each, on 2 parameters

``fan-out`` asks whether the cost is the computed lr reaching every parameter's update (a 1-kernel lr has the same
fan-out as any other); ``depth`` whether it is the schedule's serial depth (queued behind the net's kernels) or its
kernel count; ``kinds`` whether kernels of different primitives cost alike (each chain's kernels counted from its saved
IR, its added time divided by its length). Each prints the added us per step, the median of 3 runs and their range.
"""
import os
import sys
import tempfile
import types

import mindspore as ms
import numpy as np
from mindspore import Parameter, Tensor, nn, ops
from mindspore.nn.learning_rate_schedule import LearningRateSchedule

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import bench  # noqa: E402

import ms_lr  # noqa: E402
from ms_lr.graph.cycles import addcmul  # noqa: E402
from ms_lr.tools.op_audit import graph_primitives  # noqa: E402

#: Kernels in each ``kinds`` chain.
LENGTH = 24
_TABLE_I = Tensor(np.arange(16, dtype=np.int32))
_SEARCH = ops.SearchSorted(dtype=ms.int32)
_CLAMP = ops.auto_generate.ClampScalar()
_ADDCMUL = ops.Addcmul()


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


class KindChain(LearningRateSchedule):
    """``length`` kernels of one primitive, each on the one before (distinct constants, so none is folded), beside
    the five every chain shares (the step clamped into the table, and a float lr from it)."""

    def __init__(self, kind, length):
        super().__init__()
        self.kind, self.length = kind, length
        self.floats = [Tensor(np.float32(1.0 + 1e-4 * (i + 1))) for i in range(length)]
        self.ints = [Tensor(np.int32(i + 1)) for i in range(length)]
        self.one = Tensor(np.float32(1.0))

    def construct(self, global_step):
        step = ops.minimum(ops.maximum(global_step, 0), 15)
        for i in range(self.length):
            if self.kind == "Maximum":
                step = ops.maximum(step, self.ints[i])
            elif self.kind == "ClampScalar":
                step = _CLAMP(step, i, 15 + i)
            elif self.kind == "Sub":
                step = step - self.ints[i]
            elif self.kind == "Gather":
                step = ops.gather(_TABLE_I, step, 0)
            elif self.kind == "SearchSorted":
                step = _SEARCH(_TABLE_I, step)
        lr = ops.cast(step, ms.float32) * 1e-3 + 0.1
        for i in range(self.length):
            if self.kind == "Sin":
                lr = ops.sin(lr)
            elif self.kind == "Add":
                lr = lr + self.floats[i]
            elif self.kind == "Addcmul":
                lr = addcmul(lr, lr, self.floats[i], self.one)
            elif self.kind == "Addcmul, shape [1]":
                lr = _ADDCMUL(lr, lr, self.floats[i], self.one)
        return lr


#: "Addcmul" as ms_lr launches it on one step (rank-0 operands, ms_lr.graph.cycles.addcmul), "Addcmul, shape [1]"
#: on the step's shape (MindSpore's broadcast path).
KINDS = ("Maximum", "ClampScalar", "Sub", "Gather", "SearchSorted", "Sin", "Add", "Addcmul", "Addcmul, shape [1]")


def kinds():
    """Per primitive, its chain's kernels (saved IR) and added us per kernel against the chain of none."""
    network = lambda: bench.dense_stack(2)  # noqa: E731
    builders = {"none": lambda: bench.nn_step(network, KindChain("Sin", 0))}
    counts = {}
    with tempfile.TemporaryDirectory() as folder:
        shared = graph_primitives(KindChain("Sin", 0), folder).kernels
    for kind in KINDS:
        with tempfile.TemporaryDirectory() as folder:
            counts[kind] = graph_primitives(KindChain(kind, LENGTH), folder).kernels - shared
        builders[kind] = lambda kind=kind: bench.nn_step(network, KindChain(kind, LENGTH))
    result, base = bench.added(builders, "none", types.SimpleNamespace(repeats=3, cycles=150, steps=2))
    print(f"2 parameters, the chain of none {base:.0f} us a step; per kernel of each chain:")
    for kind in KINDS:
        print(f"  {kind}: {counts[kind]} kernels, {bench.spread([v / counts[kind] for v in result[kind]], '.1f')} us",
              flush=True)


def variants(part):
    if part == "fan-out":
        return {"one kernel (Parameter * 1)": OneKernel,
                "nn.CosineDecayLR (9 kernels)": lambda: nn.CosineDecayLR(1e-5, 0.1, 10_000),
                "ms_lr.CosineAnnealingLR (3-kernel lookup)": lambda: ms_lr.CosineAnnealingLR(0.1, 10_000, 1e-5)}
    return {"chain of 9": Chain, "8 wide + AddN": Wide}


def main():
    part = sys.argv[1] if len(sys.argv) > 1 else "fan-out"
    if part not in ("fan-out", "depth", "kinds"):
        raise SystemExit(f"usage: python scripts/kernel_cost.py fan-out|depth|kinds (got {part!r})")
    ms.set_context(mode=ms.GRAPH_MODE)
    if part == "kinds":
        kinds()
        return
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

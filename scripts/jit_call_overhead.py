"""A minimal reproducer, MindSpore only, for an upstream report: calling a compiled ``ms.jit`` function costs
several times what running its graph does, when the graph is small. Each call runs MindSpore's Python front end
again (a new executor object, the compile key derived from the arguments, the compile-cache lookup, environment
reads) before it launches the graph it found in the cache. A scheduler stepped on the host between train steps is
such a call: a few kernels, and the front end is most of its time.

    python scripts/jit_call_overhead.py [--calls 3000] [--repeats 5]

It times one jit function that adds 1 to a Parameter, called as usual and launched directly (its compile phase named,
then ``_pynative_executor.grad_jit()``, which is what the usual call does last), interleaved, and prints the
median and the minimum microseconds per call over the repeats. It checks that both advance the Parameter by one a call.
"""
import argparse
import sys
import time

import mindspore as ms
import numpy as np
from mindspore import Parameter, Tensor, ops


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=3000, help="calls per timing")
    parser.add_argument("--repeats", type=int, default=5, help="timings of each way, interleaved")
    args = parser.parse_args()
    ms.set_context(mode=ms.PYNATIVE_MODE)
    jit_module = sys.modules[ms.jit.__module__]             # mindspore.graph.api (2.10) or mindspore.common.api (2.7)
    count = Parameter(Tensor(np.int32(0)), name="count", requires_grad=False)
    one = Tensor(np.int32(1))

    @ms.jit
    def add_one():
        ops.assign_add(count, one)
        return True

    before = set(jit_module.ms_compile_cache)
    add_one()
    (phase,) = set(jit_module.ms_compile_cache) - before
    executor = jit_module._pynative_executor

    def launch():
        if hasattr(executor, "set_jit_compile_phase"):
            executor.set_jit_compile_phase(phase)
        else:                                               # MindSpore 2.7
            executor.set_jit_compile_status(False, phase)
        return executor.grad_jit()

    ways = {"ms.jit call": add_one, "its graph launched directly": launch}
    for way in ways.values():
        start = int(count.asnumpy())
        for _ in range(100):
            way()
        assert int(count.asnumpy()) == start + 100, "each call adds one"
    times = {name: [] for name in ways}
    for _ in range(args.repeats):
        for name, way in ways.items():
            start = time.perf_counter()
            for _ in range(args.calls):
                way()
            count.asnumpy()
            times[name].append(1e6 * (time.perf_counter() - start) / args.calls)
    print(f"MindSpore {ms.__version__}, PYNATIVE, {args.repeats} x {args.calls} calls (us per call):")
    for name, values in times.items():
        print(f"  {name}: median {np.median(values):.1f}, minimum {min(values):.1f}")


if __name__ == "__main__":
    main()

"""A minimal reproducer, MindSpore only, for an upstream report: ``mindspore.jit`` of a Cell's own method (other
than ``construct``) leaves ``__parse_method__`` on the cell naming that method, and every graph that later holds the
cell as a sub-cell parses that method in place of ``construct``. Called alone, the cell resets the attribute and
runs ``construct``; held in another graph, it does not.

    python scripts/jit_method_parse.py

The cell clamps its step in ``construct`` and scales it in ``value``. It prints what the cell gives for a step of -5
held in a graph before and after one ``mindspore.jit(cell.value)`` call, and alone: -5 clamped is 0, so every line
should print 0; after the jit call, the held cell prints -0.5 (MindSpore 2.7.0 and 2.10.0, CPU). ms_lr's
``LambdaLR`` met this through its trial compile at construction and now compiles a plain function instead.
"""
import mindspore as ms
import numpy as np
from mindspore import Parameter, Tensor, nn, ops


class Clamped(nn.Cell):
    """``0.1 * max(step, 0)``: the clamp in ``construct``, the product in ``value``."""

    def construct(self, step):
        return self.value(ops.maximum(step, 0))

    def value(self, step):
        return ops.cast(step, ms.float32) * 0.1


class Holder(nn.Cell):
    """Another graph holding the cell, called on a step Parameter (as an optimizer calls its lr schedule)."""

    def __init__(self, cell):
        super().__init__()
        self.cell = cell
        self.step = Parameter(Tensor(np.array([-5], np.int32)), name="step")

    def construct(self):
        return self.cell(self.step)


def main():
    ms.set_context(mode=ms.GRAPH_MODE)
    step = Tensor(np.array([-5], np.int32))
    before = Clamped()
    print("held, no jit call before:", Holder(before)().asnumpy())
    after = Clamped()
    ms.jit(after.value)(step)
    print("held, after mindspore.jit(cell.value):", Holder(after)().asnumpy(),
          f"(__parse_method__ = {getattr(after, '__parse_method__', None)!r})")
    print("alone, after it:", after(step).asnumpy())


if __name__ == "__main__":
    main()

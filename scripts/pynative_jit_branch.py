"""A minimal reproducer, MindSpore only, for an upstream report: in PYNATIVE mode, an ``ms.jit`` train step of a
torch-style optimizer runs several times slower, and erratically, unless its graph holds control flow (a branch on a
tensor). MindSpore's own ``experimental.optim.lr_scheduler`` classes branch on their step in ``get_lr``
(``if self.last_epoch == 0``), which is why a step that runs one of them inside the jit step is faster than the same
step without any scheduler.

    python scripts/pynative_jit_branch.py [--rounds 7] [--steps 20] [--repeats 3]

Each variant is built once; the rounds run the variants interleaved (A B C A B C ...), each round times ``--steps``
steps and synchronises once; the script prints, per variant, the median and the minimum of the per-step times, over
all rounds of all repeats.
"""
import argparse
import time

import mindspore as ms
import numpy as np
from mindspore import Parameter, Tensor, nn, ops
from mindspore.experimental import optim


class ConvNet(nn.Cell):
    """Two 3x3 convolutions with pooling and two Dense layers: a step of a few milliseconds on a CPU."""

    def __init__(self):
        super().__init__()
        self.c1, self.c2 = nn.Conv2d(3, 8, 3), nn.Conv2d(8, 8, 3)
        self.pool, self.relu, self.flat = nn.MaxPool2d(2, 2), nn.ReLU(), nn.Flatten()
        self.d1, self.d2 = nn.Dense(8 * 2 * 2, 16), nn.Dense(16, 4)

    def construct(self, x):
        x = self.pool(self.relu(self.c1(x)))
        x = self.pool(self.relu(self.c2(x)))
        return self.d2(self.relu(self.d1(self.flat(x))))


def train_step(variant):
    """A jit train step of experimental.optim.SGD; ``variant`` says what else its graph holds."""
    net = ConvNet()
    optimizer = optim.SGD(net.trainable_params(), lr=0.1)
    scheduler = optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=10_000) if variant == "scheduler" else None
    counter = Parameter(Tensor(np.int32(0)), name=f"counter_{variant}", requires_grad=False)
    one = Tensor(np.int32(1))
    loss_fn = nn.MSELoss()

    def forward(x, y):
        return loss_fn(net(x), y)

    grad_fn = ms.value_and_grad(forward, None, optimizer.parameters)

    def step(x, y):
        loss, grads = grad_fn(x, y)
        optimizer(grads)
        if variant == "scheduler":          # MindSpore's scheduler, whose get_lr branches on a tensor
            scheduler.step()
        elif variant == "branch":           # nothing but a branch on a tensor that never runs
            ops.assign_add(counter, one)
            if counter == 0:
                ops.assign(optimizer.lrs[0], optimizer.lrs[0] * 1.0)
        elif variant == "no branch":        # the same side effect without the branch
            ops.assign_add(counter, one)
        return loss

    return ms.jit(step)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    ms.set_context(mode=ms.PYNATIVE_MODE)
    rng = np.random.default_rng(0)
    x = Tensor(rng.normal(size=(16, 3, 8, 8)).astype(np.float32))
    y = Tensor(rng.normal(size=(16, 4)).astype(np.float32))
    variants = ["none", "no branch", "branch", "scheduler"]
    steps = {name: train_step(name) for name in variants}
    for step in steps.values():
        for _ in range(3):
            step(x, y).asnumpy()
    times = {name: [] for name in variants}
    for _ in range(args.repeats):
        for _ in range(args.rounds):
            for name, step in steps.items():
                start = time.perf_counter()
                for _ in range(args.steps):
                    loss = step(x, y)
                loss.asnumpy()
                times[name].append((time.perf_counter() - start) / args.steps * 1e3)
    print(f"MindSpore {ms.__version__}, PYNATIVE, ms.jit train step of experimental.optim.SGD, "
          f"{args.repeats} x {args.rounds} rounds of {args.steps} steps")
    for name in variants:
        print(f"{name:10s} median {np.median(times[name]):7.2f} ms/step   min {min(times[name]):6.2f}")


if __name__ == "__main__":
    main()

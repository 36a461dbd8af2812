"""ms_lr demo: train seed 001's two-moons classifier with a warmup + cosine-restarts schedule, in GRAPH_MODE.

The schedule is passed straight to nn.Adam and runs inside the compiled training step, driven by the optimizer's
global_step. Prints a per-epoch table (loss, accuracy, lr) and writes lr_curve.png (the cell and the NumPy reference
overlaid) and loss_curve.png.

    python scripts/demo.py [--epochs 40] [--out-dir .]
"""
import argparse
import os
import time

import numpy as np
import mindspore as ms
from mindspore import Tensor, nn, ops

import ms_lr


def make_moons(n, noise, rng):
    """Two interleaving half circles (as sklearn's make_moons), labels 0 and 1, generated with NumPy."""
    half = n // 2
    angle_out = np.linspace(0, np.pi, half)
    angle_in = np.linspace(0, np.pi, n - half)
    outer = np.stack([np.cos(angle_out), np.sin(angle_out)], axis=1)
    inner = np.stack([1 - np.cos(angle_in), 1 - np.sin(angle_in) - 0.5], axis=1)
    x = np.concatenate([outer, inner]) + rng.normal(scale=noise, size=(n, 2))
    y = np.concatenate([np.zeros(half), np.ones(n - half)])
    order = rng.permutation(n)
    return x[order].astype(np.float32), y[order].astype(np.int32)


class LogicNet(nn.Cell):
    """Seed 001's classifier: Dense 2 -> 3, tanh, Dense 3 -> 2."""

    def __init__(self):
        super().__init__()
        self.hidden = nn.Dense(2, 3)
        self.out = nn.Dense(3, 2)

    def construct(self, x):
        return self.out(ops.tanh(self.hidden(x)))


def build_schedule(steps_per_epoch):
    """A short linear warmup into cosine restarts whose peak decays each cycle (seed 000's scheduler)."""
    restarts = ms_lr.CosineAnnealingWarmupRestarts(first_cycle_steps=10 * steps_per_epoch, cycle_mult=2.0,
                                                   max_lr=0.2, min_lr=0.002, warmup_steps=steps_per_epoch,
                                                   gamma=0.7)
    return ms_lr.LinearWarmup(restarts, warmup_steps=2 * steps_per_epoch, start_lr=0.0, end_lr=0.002)


def plot(out_dir, schedule, total_steps, losses, steps_per_epoch):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    steps = np.arange(total_steps)
    fig, ax = plt.subplots(figsize=(8, 3.5))
    ax.plot(steps, ms_lr.evaluate(schedule, steps), lw=2.5, label="ms_lr cell (float32, graph)")
    ax.plot(steps, schedule.reference(steps), "--", lw=1.2, color="k", label="NumPy reference (float64)")
    ax.set(xlabel="optimizer step", ylabel="learning rate",
           title="LinearWarmup -> CosineAnnealingWarmupRestarts (cycle_mult=2, gamma=0.7)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(out_dir, "lr_curve.png"), dpi=110)

    fig, ax = plt.subplots(figsize=(8, 3.5))
    ax.plot(np.arange(len(losses)) / steps_per_epoch, losses, lw=1)
    ax.set(xlabel="epoch", ylabel="training loss (per step)", yscale="log", title="two moons, 2-3-2 MLP, Adam")
    fig.tight_layout()
    fig.savefig(os.path.join(out_dir, "loss_curve.png"), dpi=110)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--batch-size", type=int, default=20)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--out-dir", default=".")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    start = time.time()
    ms.set_context(mode=ms.GRAPH_MODE)
    ms.set_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    x, y = make_moons(args.samples, noise=0.2, rng=rng)
    steps_per_epoch = args.samples // args.batch_size

    net = LogicNet()
    schedule = build_schedule(steps_per_epoch)
    optimizer = nn.Adam(net.trainable_params(), learning_rate=schedule)
    train_step = nn.TrainOneStepCell(nn.WithLossCell(net, nn.SoftmaxCrossEntropyWithLogits(sparse=True,
                                                                                          reduction="mean")),
                                     optimizer)
    print(f"schedule: {schedule!r}\n")
    print(f"{'epoch':>5} {'loss':>9} {'accuracy':>9} {'lr (last step)':>15}")
    losses = []
    x_all, y_all = Tensor(x), y
    for epoch in range(args.epochs):
        order = rng.permutation(args.samples)
        for b in range(steps_per_epoch):
            idx = order[b * args.batch_size:(b + 1) * args.batch_size]
            losses.append(float(train_step(Tensor(x[idx]), Tensor(y[idx])).asnumpy()))
        step = int(optimizer.global_step.asnumpy()[0])
        accuracy = float((net(x_all).asnumpy().argmax(axis=1) == y_all).mean())
        epoch_loss = float(np.mean(losses[-steps_per_epoch:]))
        lr = float(ms_lr.evaluate(schedule, [step - 1])[0])
        print(f"{epoch + 1:>5} {epoch_loss:>9.4f} {accuracy:>9.3f} {lr:>15.6f}")

    total = args.epochs * steps_per_epoch
    plot(args.out_dir, schedule, total, losses, steps_per_epoch)
    print(f"\nfinal loss {np.mean(losses[-steps_per_epoch:]):.4f}, accuracy {accuracy:.3f} "
          f"after {total} steps in {time.time() - start:.1f} s")
    print(f"wrote {os.path.join(args.out_dir, 'lr_curve.png')} and {os.path.join(args.out_dir, 'loss_curve.png')}")


if __name__ == "__main__":
    main()

"""ms_lr demo: find the peak lr with the lr range test, then train a two-moons classifier with a warmup + cosine-
restarts schedule peaking there, in GRAPH_MODE.

ms_lr.lr_find trains the network for up to 100 steps with a rising lr and restores it exactly; its suggestion is the
schedule's max_lr (lr_find.png shows the test). The schedule is passed straight to nn.Adam and runs inside the
compiled training step, driven by the optimizer's global_step; Model.train runs it with an LRMonitor callback.
Prints a per-epoch table (loss, accuracy, lr) and writes lr_curve.png (the lr the optimizer applied, overlaid with
the NumPy reference), loss_curve.png, lr_monitor.csv, lr_find.png and lr_find.csv.

    python scripts/demo.py [--epochs 40] [--out-dir .]
"""
import argparse
import os
import time

import mindspore as ms
import mindspore.dataset as ds
import numpy as np
from mindspore import Tensor, nn, ops
from mindspore.train import Callback, Model

import ms_lr
from ms_lr import LRMonitor


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


def build_schedule(steps_per_epoch, max_lr):
    """A short linear warmup into cosine restarts whose peak decays each cycle (the scheduler of the
    cosine_annealing_warmup package)."""
    restarts = ms_lr.CosineAnnealingWarmupRestarts(first_cycle_steps=10 * steps_per_epoch, cycle_mult=2.0,
                                                   max_lr=max_lr, min_lr=0.002, warmup_steps=steps_per_epoch,
                                                   gamma=0.7)
    return ms_lr.LinearWarmup(restarts, warmup_steps=2 * steps_per_epoch, start_lr=0.0, end_lr=0.002)


class EpochTable(Callback):
    """Prints one row per epoch: mean training loss, accuracy on the whole set, and the lr of the epoch's last step."""

    def __init__(self, net, x, y, monitor):
        super().__init__()
        self.net, self.x, self.y, self.monitor = net, Tensor(x), y, monitor
        self.losses, self.epoch_losses = [], []
        self.accuracy = 0.0

    def on_train_step_end(self, run_context):
        self.losses.append(float(run_context.original_args().net_outputs.asnumpy()))

    def on_train_epoch_end(self, run_context):
        params = run_context.original_args()
        steps = params.batch_num
        self.accuracy = float((self.net(self.x).asnumpy().argmax(axis=1) == self.y).mean())
        self.epoch_losses.append(float(np.mean(self.losses[-steps:])))
        print(f"{params.cur_epoch_num:>5} {self.epoch_losses[-1]:>9.4f} {self.accuracy:>9.3f} "
              f"{self.monitor.lrs[-1, 0]:>15.6f}")


def plot(out_dir, schedule, monitor, losses, epoch_losses, steps_per_epoch):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    steps = monitor.steps
    fig, ax = plt.subplots(figsize=(8, 3.5))
    ax.plot(steps, monitor.lrs[:, 0], lw=2.5, label="lr applied by nn.Adam (LRMonitor, float32 graph)")
    ax.plot(steps, schedule.reference(steps), "--", lw=1.2, color="k", label="NumPy reference (float64)")
    ax.set(xlabel="optimizer step", ylabel="learning rate",
           title="LinearWarmup -> CosineAnnealingWarmupRestarts (cycle_mult=2, gamma=0.7)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(out_dir, "lr_curve.png"), dpi=110)

    fig, ax = plt.subplots(figsize=(8, 3.5))
    ax.plot(np.arange(len(losses)) / steps_per_epoch, losses, lw=0.8, alpha=0.35, label="per step")
    ax.plot(np.arange(1, len(epoch_losses) + 1), epoch_losses, lw=2.2, label="epoch mean")
    ax.legend()
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
    data = ds.NumpySlicesDataset({"x": x, "y": y}, shuffle=True).batch(args.batch_size, drop_remainder=True)
    steps_per_epoch = data.get_dataset_size()

    net = LogicNet()
    loss_fn = nn.SoftmaxCrossEntropyWithLogits(sparse=True, reduction="mean")
    # The range test on the optimizer the training uses (Adam, any lr: the test sets its own and restores it).
    finder = ms_lr.lr_find(nn.WithLossCell(net, loss_fn), nn.Adam(net.trainable_params(), learning_rate=1e-3),
                           data, start_lr=1e-5, end_lr=10.0, num_steps=100)
    finder.plot(os.path.join(args.out_dir, "lr_find.png"))
    finder.to_csv(os.path.join(args.out_dir, "lr_find.csv"))
    print(f"lr range test: {finder.reason}; suggestions "
          + ", ".join(f"{name} {lr:.3g}" for name, lr in finder.suggestions.items() if lr is not None)
          + f"; max_lr = {finder.suggestion:.3g}\n")

    schedule = build_schedule(steps_per_epoch, max_lr=finder.suggestion)
    optimizer = ms_lr.share_schedules(nn.Adam(net.trainable_params(), learning_rate=schedule))
    model = Model(net, loss_fn, optimizer)
    monitor = LRMonitor(csv_path=os.path.join(args.out_dir, "lr_monitor.csv"))
    table = EpochTable(net, x, y, monitor)
    print(f"schedule: {schedule!r}\n")
    print(f"{'epoch':>5} {'loss':>9} {'accuracy':>9} {'lr (last step)':>15}")
    model.train(args.epochs, data, callbacks=[monitor, table], dataset_sink_mode=False)

    total = int(optimizer.global_step.asnumpy()[0])
    plot(args.out_dir, schedule, monitor, table.losses, table.epoch_losses, steps_per_epoch)
    reference = schedule.reference(monitor.steps)
    error = np.abs(monitor.lrs[:, 0] - reference) / reference.clip(1e-30)
    print(f"\nfinal loss {table.epoch_losses[-1]:.4f}, accuracy {table.accuracy:.3f} after {total} steps "
          f"in {time.time() - start:.1f} s; max relative lr error vs the reference {error[1:].max():.2e}")
    print(f"wrote lr_curve.png, loss_curve.png, lr_monitor.csv, lr_find.png and lr_find.csv in "
          f"{os.path.abspath(args.out_dir)}")


if __name__ == "__main__":
    main()

"""Regenerate the README figures in docs/figures (make figures).

- precision.png: relative error over the last 2**20 steps of a 2**30-step cosine, for ms_lr's cell, MindSpore's
  own nn.CosineDecayLR cell, and the textbook 0.5 * (1 + cos) in float32, against float64.
- gallery.png: a grid of schedules, each the cell with its float64 reference and its restarts/phase boundaries.
- lr_find.png: the range test of the lr_find guide's example, drawn by running that example's code (the guide's
  first python block) in a scratch folder.
"""
import os
import re
import shutil
import sys
import tempfile

import mindspore as ms
import numpy as np
from mindspore import Tensor, nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import ms_lr  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "docs", "figures")


def precision(plt):
    T = 2**30
    left = np.unique(np.geomspace(1, 2**20, 400).astype(np.int64))
    steps = T - left
    exact = np.sin(np.pi / 2 * left / T) ** 2               # 0.5 * (1 + cos(pi k / T)) at k = T - left
    ours = ms_lr.evaluate(ms_lr.CosineAnnealingLR(1.0, T), steps).astype(np.float64)
    anchor = nn.CosineDecayLR(0.0, 1.0, T)
    theirs = np.array([float(anchor(Tensor(np.array([s], dtype=np.int32))).asnumpy()[0]) for s in steps])
    k32 = steps.astype(np.float32)
    textbook = (np.float32(0.5) * (np.float32(1) + np.cos(np.float32(np.pi) * k32 / np.float32(T)))).astype(
        np.float64)
    fig, ax = plt.subplots(figsize=(8, 3.8))
    for values, label, style in [(theirs, "MindSpore nn.CosineDecayLR", "-"),
                                 (textbook, "0.5 * (1 + cos(pi k / T)) in float32 (coincides)", ":"),
                                 (ours, "ms_lr.CosineAnnealingLR", "-")]:
        error = np.maximum(np.abs(values - exact) / exact, 1e-9)
        ax.plot(left, error, style, lw=2, label=label)
    ax.axhline(1e-6, color="tab:gray", lw=0.8)
    ax.set(xscale="log", yscale="log", xlabel="steps before the end of a T_max = 2**30 cosine",
           ylabel="relative error vs float64", title="The last steps of a long cosine (eta_min = 0)")
    ax.set_ylim(1e-9, 2)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(OUT, "precision.png"), dpi=100)


def gallery(plt):
    panels = [
        ("CosineAnnealingWarmRestarts(0.1, T_0=100, T_mult=2)", ms_lr.CosineAnnealingWarmRestarts(0.1, 100, 2), 1500),
        ("CosineAnnealingWarmupRestarts(200, 1.5, 0.1, 1e-3, 20, 0.8)",
         ms_lr.CosineAnnealingWarmupRestarts(200, 1.5, 0.1, 1e-3, 20, 0.8), 2000),
        ("OneCycleLR(0.1, 1000, three_phase=True)", ms_lr.OneCycleLR(0.1, 1000, three_phase=True), 1000),
        ("WarmupStableDecayLR(0.1, 100, 600, 300, decay='1-sqrt')",
         ms_lr.WarmupStableDecayLR(0.1, 100, 600, 300, decay="1-sqrt"), 1100),
        ("CyclicLR(0.01, 0.1, 25, 10)", ms_lr.CyclicLR(0.01, 0.1, 25, 10), 200),
        ("LinearWarmup(CosineAnnealingLR(0.1, 40, 1e-5), 10)",
         ms_lr.LinearWarmup(ms_lr.CosineAnnealingLR(0.1, 40, 1e-5), 10), 100),
    ]
    fig, axes = plt.subplots(3, 2, figsize=(11, 8.5))
    for ax, (title, schedule, total) in zip(axes.flat, panels):
        steps = np.arange(total)
        ax.plot(steps, ms_lr.evaluate(schedule, steps), lw=2.2, label="cell (float32)")
        ax.plot(steps, schedule.reference(steps), "--", lw=1, color="k", label="reference (float64)")
        for mark in schedule.boundaries(total - 1):
            ax.axvline(mark, color="tab:gray", lw=0.5, alpha=0.5)
        ax.set_title(title, fontsize=8.5)
        ax.tick_params(labelsize=7)
    axes.flat[0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(OUT, "gallery.png"), dpi=90)


def lr_find_figure():
    guide = os.path.join(OUT, "..", "guides", "lr-find.md")
    code = re.search(r"```python\n(.*?)```", open(guide, encoding="utf-8").read(), re.S).group(1)
    here = os.getcwd()
    with tempfile.TemporaryDirectory() as scratch:
        os.chdir(scratch)
        try:
            exec(compile(code, guide, "exec"), {"__name__": "lr_find_guide"})
        finally:
            os.chdir(here)
        shutil.copy(os.path.join(scratch, "lr_find.png"), os.path.join(OUT, "lr_find.png"))


def main():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ms.set_context(mode=ms.GRAPH_MODE)
    os.makedirs(OUT, exist_ok=True)
    precision(plt)
    gallery(plt)
    lr_find_figure()
    print(f"wrote precision.png, gallery.png and lr_find.png in {os.path.abspath(OUT)}")


if __name__ == "__main__":
    main()

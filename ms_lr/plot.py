"""Preview a schedule: evaluate the cell over many steps (in chunks, with progress), overlay the reference, mark its
restarts and phase boundaries, and optionally overlay the matching torch scheduler."""
import sys
import textwrap
import time

import numpy as np

from ms_lr.base import evaluate

# Above this many steps the cell is evaluated in chunks so progress can be shown; each chunk is one vector call.
CHUNK = 1 << 20
MAX_MARKS = 200


def sweep(schedule, steps, progress=None):
    """Cell values (float32) at ``steps``: one vector call per chunk of 2**20 steps, reporting progress."""
    steps = np.asarray(steps, dtype=np.int64)
    if steps.size <= CHUNK:
        return evaluate(schedule, steps)
    out = np.empty(steps.size, dtype=np.float32)
    started = time.time()
    for begin in range(0, steps.size, CHUNK):
        # Pad the last chunk to the full size so every call reuses one compiled graph.
        chunk = steps[begin:begin + CHUNK]
        padded = np.resize(chunk, CHUNK) if chunk.size < CHUNK else chunk
        out[begin:begin + chunk.size] = evaluate(schedule, padded)[:chunk.size]
        if progress:
            done = begin + chunk.size
            progress(f"\r  evaluated {done:,}/{steps.size:,} steps ({100 * done / steps.size:.0f}%, "
                     f"{time.time() - started:.1f} s)")
    if progress:
        progress("\n")
    return out


def sample_steps(total, points):
    """At most ``points`` steps spread over ``[0, total)``, always including every step when there are fewer."""
    if total <= points:
        return np.arange(total)
    return np.unique(np.linspace(0, total - 1, points).round().astype(np.int64))


def torch_values(schedule, total):
    """The matching torch scheduler's lr for ``total`` steps, or None when torch or a counterpart is missing."""
    try:
        import torch
        from torch.optim import lr_scheduler as torch_sched
        from torch.optim import swa_utils
    except ImportError:
        return None
    c = schedule.get_config()
    name = type(schedule).__name__
    makers = {
        "CosineAnnealingLR": (c.get("base_lr"), lambda o: torch_sched.CosineAnnealingLR(o, c["T_max"], c["eta_min"])),
        "CosineAnnealingWarmRestarts": (c.get("base_lr"), lambda o: torch_sched.CosineAnnealingWarmRestarts(
            o, c["T_0"], c["T_mult"], c["eta_min"])),
        "StepLR": (c.get("base_lr"), lambda o: torch_sched.StepLR(o, c["step_size"], c["gamma"])),
        "MultiStepLR": (c.get("base_lr"), lambda o: torch_sched.MultiStepLR(o, c["milestones"], c["gamma"])),
        "ExponentialLR": (c.get("base_lr"), lambda o: torch_sched.ExponentialLR(o, c["gamma"])),
        "ConstantLR": (c.get("base_lr"), lambda o: torch_sched.ConstantLR(o, c["factor"], c["total_iters"])),
        "LinearLR": (c.get("base_lr"), lambda o: torch_sched.LinearLR(o, c["start_factor"], c["end_factor"],
                                                                       c["total_iters"])),
        "PolynomialLR": (c.get("base_lr"), lambda o: torch_sched.PolynomialLR(o, c["total_iters"], c["power"])),
        "CyclicLR": (c.get("base_lr"), lambda o: torch_sched.CyclicLR(
            o, c["base_lr"], c["max_lr"], c["step_size_up"], c["step_size_down"], c["mode"], c["gamma"],
            cycle_momentum=False)),
        "OneCycleLR": (c.get("max_lr"), lambda o: torch_sched.OneCycleLR(
            o, c["max_lr"], c["total_steps"], pct_start=c["pct_start"], anneal_strategy=c["anneal_strategy"],
            div_factor=c["div_factor"], final_div_factor=c["final_div_factor"], three_phase=c["three_phase"],
            cycle_momentum=False)),
        "SWALR": (c.get("base_lr"), lambda o: swa_utils.SWALR(o, c["swa_lr"], c["anneal_epochs"],
                                                               c["anneal_strategy"])),
    }
    if name not in makers:
        return None
    base_lr, make = makers[name]
    if name == "OneCycleLR":
        total = min(total, c["total_steps"])      # torch raises past total_steps
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=base_lr)
    scheduler = make(optimizer)
    values = []
    for _ in range(total):
        values.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return np.array(values)


def plot(schedule, total_steps, path, points=4000, with_torch=False, title=None, log_scale=False, progress=None):
    """Write a PNG of ``schedule`` over ``[0, total_steps)``; return the figure's summary as a dict.

    The cell is evaluated at every step (so the plotted extremes are real), then drawn at ``points`` samples with
    the float64 reference overlaid, restarts/phase boundaries as vertical lines, and the torch scheduler if asked.
    """
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    steps = np.arange(total_steps)
    values = sweep(schedule, steps, progress)
    shown = sample_steps(total_steps, points)
    reference = schedule.reference(shown)
    fig, ax = plt.subplots(figsize=(9, 4))
    ax.plot(shown, values[shown], lw=2.4, label="ms_lr cell (float32)")
    ax.plot(shown, reference, "--", lw=1.1, color="k", label="NumPy reference (float64)")
    torch_lrs = torch_values(schedule, total_steps) if with_torch else None
    if torch_lrs is not None:
        ax.plot(np.arange(len(torch_lrs))[shown[shown < len(torch_lrs)]], torch_lrs[shown[shown < len(torch_lrs)]],
                ":", lw=1.6, color="tab:red", label=f"torch {type(schedule).__name__}")
    marks = schedule.boundaries(total_steps - 1)
    for mark in marks[:MAX_MARKS]:
        ax.axvline(mark, color="tab:gray", lw=0.6, alpha=0.5)
    ax.set(xlabel="optimizer step", ylabel="learning rate", title=title or textwrap.fill(repr(schedule), 130))
    ax.title.set_fontsize(9)
    if log_scale:
        ax.set_yscale("log")
    ax.legend(loc="best", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return {"steps": total_steps, "min": float(values.min()), "max": float(values.max()),
            "boundaries": len(marks), "torch": torch_lrs is not None}


def stderr_progress(message):
    sys.stderr.write(message)
    sys.stderr.flush()

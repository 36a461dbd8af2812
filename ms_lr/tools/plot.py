"""Preview a schedule: evaluate the cell over many steps (in chunks, with progress), overlay the reference, mark its
restarts and phase boundaries, and optionally overlay the matching torch scheduler."""
import textwrap
from typing import Any, Callable, Dict, Optional

import numpy as np

from ms_lr.core.progress import Progress
from ms_lr.core.schedule import Schedule, evaluate
from ms_lr.tools.torch_oracle import torch_values

__all__ = ["sweep", "sample_steps", "plot", "CHUNK"]

# Above this many steps the cell is evaluated in chunks so progress can be shown; each chunk is one vector call.
CHUNK = 1 << 20
MAX_MARKS = 200


def sweep(schedule: Schedule, steps: Any, progress: Optional[Callable[[str], None]] = None) -> np.ndarray:
    """Cell values (float32) at ``steps``: one vector call per chunk of 2**20 steps, reporting progress."""
    steps = np.asarray(steps, dtype=np.int64)
    if steps.size <= CHUNK:
        return evaluate(schedule, steps)
    out = np.empty(steps.size, dtype=np.float32)
    report = Progress("evaluated", steps.size, progress, interval=0.0)
    for begin in range(0, steps.size, CHUNK):
        # Pad the last chunk to the full size so every call reuses one compiled graph.
        chunk = steps[begin:begin + CHUNK]
        padded = np.resize(chunk, CHUNK) if chunk.size < CHUNK else chunk
        out[begin:begin + chunk.size] = evaluate(schedule, padded)[:chunk.size]
        report.update(begin + chunk.size)
    return out


def sample_steps(total: int, points: int) -> np.ndarray:
    """At most ``points`` steps spread over ``[0, total)``, always including every step when there are fewer."""
    if total <= points:
        return np.arange(total)
    return np.unique(np.linspace(0, total - 1, points).round().astype(np.int64))


def pyplot() -> Any:
    """``matplotlib.pyplot`` on the file-only backend, or an error naming the extra to install."""
    try:
        import matplotlib
    except ImportError:
        raise ImportError("plotting needs matplotlib: pip install 'ms_lr[plot]' (or matplotlib)") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def plot(schedule: Schedule, total_steps: int, path: str, points: int = 4000, with_torch: bool = False,
         title: Optional[str] = None, log_scale: bool = False,
         progress: Optional[Callable[[str], None]] = None) -> Dict[str, Any]:
    """Write a PNG of ``schedule`` over ``[0, total_steps)``; return the figure's summary as a dict.

    The cell is evaluated at every step (so the plotted extremes are real), then drawn at ``points`` samples with
    the float64 reference overlaid, restarts/phase boundaries as vertical lines, and the torch scheduler if asked.
    """
    plt = pyplot()
    steps = np.arange(total_steps)
    values = sweep(schedule, steps, progress)
    shown = sample_steps(total_steps, points)
    reference = schedule.reference(shown)
    fig, ax = plt.subplots(figsize=(9, 4))
    ax.plot(shown, values[shown], lw=2.4, label="ms_lr cell (float32)")
    ax.plot(shown, reference, "--", lw=1.1, color="k", label="NumPy reference (float64)")
    try:
        torch_lrs = torch_values(schedule, total_steps) if with_torch else None
    except ArithmeticError:       # torch's own failures, e.g. ConstantLR(factor=0) divides by the factor
        torch_lrs = None
    if torch_lrs is not None:
        visible = shown[shown < len(torch_lrs)]
        ax.plot(visible, torch_lrs[visible], ":", lw=1.6, color="tab:red", label=f"torch {type(schedule).__name__}")
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

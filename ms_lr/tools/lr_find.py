"""The lr range test (Leslie Smith, "Cyclical Learning Rates for Training Neural Networks", 2017): train a few
steps with an lr that grows from tiny to huge, watch the loss, and read off the peak lr to give a schedule.

``lr_find`` trains through the user's own network and optimizer, with the ramp as an ms_lr schedule evaluated in
the compiled step, and puts every weight and every optimizer Parameter back as it found them, bit for bit.
"""
import collections.abc
import csv
import itertools
import math
import sys
from typing import Any, Callable, Dict, Iterable, Iterator, List, Literal, Optional, Sequence, Tuple

import mindspore as ms
import numpy as np
from mindspore import Parameter, Tensor, nn, ops

from ms_lr.core.arguments import ChoiceRule, FlagRule, IntRule, LrRule, OptionalRule, RealRule
from ms_lr.core.schedule import Schedule, evaluate, named_errors
from ms_lr.schedules.lambdas import TabulatedLR
from ms_lr.training.torch_style import LRScheduler, TorchStyleOptimizer

__all__ = ["lr_find", "LRFinderResult", "SUGGESTIONS"]

#: How each suggestion is read from the smoothed loss (all on the steps before the test stopped).
SUGGESTIONS = {
    "steepest": "the lr where the smoothed loss falls fastest against log(lr) (the most negative "
                "d loss / d log lr), looked for before the smoothed loss's minimum",
    "valley": "fastai's valley: about halfway along the longest descending stretch of the smoothed loss (its "
              "longest decreasing subsequence, n points ending at step e, read as the steps e - n to e)",
    "minimum/10": "a tenth of the lr at the smoothed loss's minimum",
}
DEFAULT_SUGGESTION = "minimum/10"


class LRFinderResult:
    """What :func:`lr_find` measured: the lr and loss of every step it ran, and the suggestions read from them.

    Attributes:
        lrs (numpy.ndarray): The lr of each step (float32 values, as the optimizer used them).
        losses (numpy.ndarray): The raw loss of each step.
        smoothed_losses (numpy.ndarray): The exponential moving average of the losses, bias-corrected:
            ``a_k = beta a_{k-1} + (1 - beta) loss_k``, ``smoothed_k = a_k / (1 - beta**(k + 1))``.
        suggestions (dict): ``{"steepest": lr, "valley": lr, "minimum/10": lr}`` (rules in ``SUGGESTIONS``); a
            suggestion the losses cannot give (too few steps before the loss stopped falling) is ``None``.
        suggestion (float): ``suggestions["minimum/10"]`` (the most stable of the three on problems whose answer is
            known: see the guide "Choosing the peak lr"), or the first one that is not ``None``.
        stopped_early (bool): Whether the test stopped before ``num_steps`` (divergence or a non-finite loss).
        reason (str): Why it stopped.
    """

    def __init__(self, lrs: np.ndarray, losses: np.ndarray, smoothed: np.ndarray, stopped_early: bool,
                 reason: str):
        self.lrs, self.losses, self.smoothed_losses = lrs, losses, smoothed
        self.stopped_early, self.reason = stopped_early, reason
        self.suggestions: Dict[str, Optional[float]] = {
            "steepest": _steepest(lrs, smoothed), "valley": _valley(lrs, smoothed),
            "minimum/10": _minimum_over_ten(lrs, smoothed)}
        found = [self.suggestions[DEFAULT_SUGGESTION]] + list(self.suggestions.values())
        self.suggestion: Optional[float] = next((lr for lr in found if lr is not None), None)

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={lr:.3g}" if lr is not None else f"{name}=None"
                          for name, lr in self.suggestions.items())
        return f"LRFinderResult({len(self.lrs)} steps, {self.reason}; suggestion={self.suggestion!r}, {shown})"

    def to_csv(self, path: str) -> None:
        """Writes ``step,lr,loss,smoothed_loss``, one row per step."""
        with open(path, "w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["step", "lr", "loss", "smoothed_loss"])
            for k, (lr, loss, smooth) in enumerate(zip(self.lrs, self.losses, self.smoothed_losses)):
                writer.writerow([k, repr(float(lr)), repr(float(loss)), repr(float(smooth))])

    def plot(self, path: Optional[str] = None, ax: Any = None) -> Any:
        """Draws the loss against the lr on a log axis (raw faint, smoothed solid) with each suggestion marked;
        saves it to ``path`` if given. Returns the matplotlib Axes. Needs matplotlib (the ``plot`` extra)."""
        from ms_lr.tools.plot import pyplot
        plt = pyplot()
        figure = None
        if ax is None:
            figure, ax = plt.subplots(figsize=(7, 4.2))
        ax.plot(self.lrs, self.losses, color="0.75", linewidth=1, label="loss")
        ax.plot(self.lrs, self.smoothed_losses, color="C0", linewidth=2, label="smoothed loss")
        for (name, lr), color in zip(self.suggestions.items(), ("C3", "C2", "C1")):
            if lr is None:
                continue
            ax.axvline(lr, color=color, linestyle="--", linewidth=1)
            at = float(np.interp(np.log(lr), np.log(self.lrs), self.smoothed_losses))
            marker = "o" if name == DEFAULT_SUGGESTION else "s"
            ax.plot([lr], [at], marker, color=color, label=f"{name}: {lr:.2e}")
        ax.set_xscale("log")
        ax.set_xlabel("learning rate (log scale)")
        ax.set_ylabel("loss")
        finite = self.smoothed_losses[np.isfinite(self.smoothed_losses)]
        if finite.size:
            # Keep the diverged tail from squashing the curve: from below the minimum to above the start.
            raw = self.losses[np.isfinite(self.losses)]
            low, start = min(float(finite.min()), float(np.percentile(raw, 5))), float(finite[0])
            fall = start - low if start > low else abs(start) * 0.1 or 1.0
            ax.set_ylim(low - 0.15 * fall, start + 0.5 * fall)
        ax.set_title(f"lr range test: {len(self.lrs)} steps ({self.reason})")
        ax.legend(loc="best", fontsize="small")
        ax.grid(True, which="both", alpha=0.3)
        if figure is not None:
            figure.tight_layout()
            if path is not None:
                figure.savefig(path, dpi=110)
            plt.close(figure)
        return ax


def lr_find(network_with_loss: nn.Cell, optimizer: Any, dataset: Any, start_lr: float = 1e-7, end_lr: float = 10.0,
            num_steps: int = 100, mode: Literal["exponential", "linear"] = "exponential",
            beta: float = 0.98, divergence: float = 4.0, progress: Optional[bool] = None) -> LRFinderResult:
    r"""The lr range test: trains ``num_steps`` steps with an lr rising from ``start_lr`` to ``end_lr``, records the
    loss, suggests a peak lr, and restores the network and the optimizer exactly.

    The lr of step ``k`` is ``start * (end / start) ** (k / (N - 1))`` (``mode='exponential'``) or
    ``start + (end - start) k / (N - 1)`` (``'linear'``), a ``TabulatedLR`` of the float64 values, the same for
    every parameter group, evaluated in the compiled step from the optimizer's step counter (an ``nn`` optimizer)
    or written by an :class:`ms_lr.LRScheduler` (a torch-style one). Momentum, weight decay and every other setting
    stay as the user set them. The test stops early when the smoothed loss exceeds ``divergence`` times its best,
    or the loss is not finite.

    Afterwards every Parameter of the network (weights and buffers) and of the optimizer (moments, ``global_step``,
    its lr and schedules' Parameters) holds the bits it held before, and the network's training flag is back, so
    ``lr_find`` can run right before the training it tunes. (A dataset is not rewound: a shuffled one goes on
    with its next order.)

    .. math:: a_k = \beta a_{k-1} + (1 - \beta)\,\ell_k, \qquad \bar\ell_k = \frac{a_k}{1 - \beta^{k+1}},
        \qquad \text{stop if } \bar\ell_k > d \min_{j \le k} \bar\ell_j

    Args:
        network_with_loss (Cell): The network with its loss, returning a scalar loss from a batch's inputs
            (``nn.WithLossCell(net, loss_fn)``).
        optimizer (Optimizer): A ``mindspore.nn`` optimizer over the network's parameters (its lr may be a float,
            a schedule or per-group lrs: it is restored), or a ``mindspore.mint.optim`` /
            ``mindspore.experimental.optim`` one.
        dataset (Union[Dataset, Iterable]): A ``mindspore.dataset`` dataset or an iterable of input tuples
            (tensors or arrays), cycled when it has fewer batches than ``num_steps``.
        start_lr (float): The first step's lr, ``> 0``. Default: ``1e-7``.
        end_lr (float): The last step's lr, ``> start_lr``. Default: ``10.0``.
        num_steps (int): Steps of the ramp, ``>= 10``. Default: ``100``.
        mode (str): ``'exponential'`` or ``'linear'``. Default: ``'exponential'``.
        beta (float): The smoothing of the loss, in ``[0, 1)``. Default: ``0.98``.
        divergence (float): Stop when the smoothed loss exceeds this factor of its best, ``> 1``. Default: ``4.0``.
        progress (bool): Show a progress line. Default: ``None`` (when standard error is a terminal).

    Returns:
        LRFinderResult: the lrs, raw and smoothed losses, ``suggestion`` and ``suggestions``, ``plot`` and
        ``to_csv``.

    Raises:
        TypeError: If ``network_with_loss`` is not a Cell or ``optimizer`` is neither an ``nn`` nor a torch-style
            optimizer.
        ValueError: If ``start_lr <= 0``, ``end_lr <= start_lr``, ``num_steps < 10``, ``mode`` is unknown,
            ``beta`` is outside ``[0, 1)``, ``divergence <= 1`` or the dataset has no batch.

    Examples:
        >>> import numpy as np, ms_lr
        >>> from mindspore import nn
        >>> net = nn.Dense(4, 1)
        >>> optimizer = nn.SGD(net.trainable_params(), learning_rate=0.01)
        >>> x = np.random.default_rng(0).normal(size=(32, 4)).astype(np.float32)
        >>> y = x.sum(axis=1, keepdims=True)
        >>> result = ms_lr.lr_find(nn.WithLossCell(net, nn.MSELoss()), optimizer, [(x, y)], num_steps=40,
        ...                        progress=False)
        >>> 1e-4 < result.suggestion < 1.0
        True
        >>> schedule = ms_lr.OneCycleLR(max_lr=result.suggestion, total_steps=1000)
    """
    with named_errors("lr_find"):
        if not isinstance(network_with_loss, nn.Cell):
            raise TypeError(f"network_with_loss must be a Cell returning the loss (nn.WithLossCell(net, loss_fn)), "
                            f"got {type(network_with_loss).__name__}")
        start_lr = LrRule().check("start_lr", start_lr)
        if start_lr <= 0:
            raise ValueError(f"start_lr must be > 0, got {start_lr!r}")
        end_lr = LrRule().check("end_lr", end_lr)
        if end_lr <= start_lr:
            raise ValueError(f"end_lr must be > start_lr, got end_lr={end_lr!r} and start_lr={start_lr!r}")
        num_steps = IntRule(low=10).check("num_steps", num_steps)
        mode = ChoiceRule(("exponential", "linear")).check("mode", mode)
        beta = RealRule(0.0, 1.0, high_open=True).check("beta", beta)
        divergence = RealRule(1.0, low_open=True).check("divergence", divergence)
        progress = OptionalRule(FlagRule()).check("progress", progress)
        torch_style = TorchStyleOptimizer is not None and isinstance(optimizer, TorchStyleOptimizer)
        if not torch_style and not isinstance(optimizer, nn.Optimizer):
            raise TypeError(f"optimizer must be a mindspore.nn optimizer or a mindspore.mint.optim / "
                            f"mindspore.experimental.optim one, got {type(optimizer).__name__}")
        batches = _cycled(dataset)
    ramp = ramp_schedule(start_lr, end_lr, num_steps, mode)
    show = sys.stderr.isatty() if progress is None else progress
    saved = _Snapshot(network_with_loss, optimizer)
    try:
        step = _torch_style_step(network_with_loss, optimizer, ramp) if torch_style else \
            _nn_step(network_with_loss, optimizer, ramp)
        raw, smoothed, stopped, reason = _run(step, batches, num_steps, beta, divergence, show)
    finally:
        saved.restore()
    lrs = evaluate(ramp, range(len(raw))).astype(np.float64)
    return LRFinderResult(lrs, raw, smoothed, stopped, reason)


def ramp_schedule(start_lr: float, end_lr: float, num_steps: int, mode: str) -> Schedule:
    """The range test's lr: from ``start_lr`` at step 0 to ``end_lr`` at step ``num_steps - 1``."""
    # A table of the float64 formula rounded once to float32 (one gather in the graph; the last value holds after
    # it): more precise than any float32 formula, and an ExponentialLR would refuse to grow past float32 later on.
    fraction = np.arange(num_steps, dtype=np.float64) / (num_steps - 1)
    if mode == "exponential":
        values = start_lr * (end_lr / start_lr) ** fraction
    else:
        values = start_lr + (end_lr - start_lr) * fraction
    return TabulatedLR(values.tolist())


# --- running ----------------------------------------------------------------------------------------------------------

def _cycled(dataset: Any) -> Iterator[Tuple[Tensor, ...]]:
    """Batches as tuples of Tensors, starting over at the end; an empty dataset is refused here."""
    if isinstance(dataset, ms.dataset.Dataset):
        def one_pass() -> Iterable:
            return dataset.create_tuple_iterator(num_epochs=1)
    else:
        if not isinstance(dataset, collections.abc.Iterable):
            raise TypeError(f"dataset must be a mindspore.dataset Dataset or an iterable of input tuples, got "
                            f"{type(dataset).__name__}")
        if isinstance(dataset, collections.abc.Iterator):
            dataset = list(dataset)     # a generator runs once: keep its batches to cycle them

        def one_pass() -> Iterable:
            return iter(dataset)
    first = next(iter(one_pass()), None)
    if first is None:
        raise ValueError("dataset has no batch: lr_find needs at least one (it is cycled if shorter than num_steps)")

    def batches() -> Iterator[Tuple[Tensor, ...]]:
        while True:
            for batch in one_pass():
                items = batch if isinstance(batch, (tuple, list)) else (batch,)
                yield tuple(item if isinstance(item, Tensor) else Tensor(np.asarray(item)) for item in items)
    return batches()


def _run(step: Callable[..., Tensor], batches: Iterator, num_steps: int, beta: float, divergence: float,
         show: bool) -> Tuple[np.ndarray, np.ndarray, bool, str]:
    raw: List[float] = []
    smoothed: List[float] = []
    average, best = 0.0, math.inf
    reason = f"ran all {num_steps} steps"
    for k, inputs in zip(range(num_steps), batches):
        loss = float(np.asarray(step(*inputs).asnumpy(), dtype=np.float64).reshape(-1)[0])
        raw.append(loss)
        average = beta * average + (1.0 - beta) * loss
        smooth = average / (1.0 - beta ** (k + 1))
        smoothed.append(smooth)
        if show:
            _progress(k, num_steps, loss)
        if not math.isfinite(smooth):
            reason = f"stopped at step {k}: the loss is {loss}"
            break
        best = min(best, smooth)
        if smooth > divergence * best:
            reason = f"stopped at step {k}: the smoothed loss is over {divergence:g}x its best"
            break
    if show:
        sys.stderr.write("\n")
    return np.array(raw), np.array(smoothed), len(raw) < num_steps, reason


def _progress(k: int, num_steps: int, loss: float) -> None:
    done = (k + 1) * 30 // num_steps
    sys.stderr.write(f"\rlr_find [{'#' * done}{'.' * (30 - done)}] {k + 1}/{num_steps} loss {loss:.4g}")
    sys.stderr.flush()


class _RampedLr:
    """Mixed in before an nn optimizer's class for the test: its lr is the ramp at ``global_step``, for every
    parameter (its own lr, schedule or group lrs are left where they are, and unused)."""

    def get_lr(self) -> Any:
        lr = self.ms_lr_find_ramp(self.global_step).reshape(())
        if not self.is_group_lr:
            return lr
        lrs = ()
        for _ in range(self.ms_lr_find_count):
            lrs += (lr,)
        return lrs


def _nn_step(network_with_loss: nn.Cell, optimizer: nn.Optimizer, ramp: Schedule) -> Callable[..., Tensor]:
    original = type(optimizer)
    optimizer.__class__ = type(original.__name__, (_RampedLr, original), {"__module__": original.__module__})
    # Plain attributes, out of the cell tree: nothing of the test stays in the optimizer's checkpoint.
    object.__setattr__(optimizer, "ms_lr_find_ramp", ramp)
    object.__setattr__(optimizer, "ms_lr_find_count", len(optimizer.parameters))
    ops.assign(optimizer.global_step, Tensor(np.array([0], dtype=np.int32)))     # in place: see _Snapshot
    return nn.TrainOneStepCell(network_with_loss, optimizer)


def _torch_style_step(network_with_loss: nn.Cell, optimizer: Any, ramp: Schedule) -> Callable[..., Tensor]:
    scheduler = LRScheduler(optimizer, ramp)       # every group's lr is ramp(0) now
    grad_fn = ms.value_and_grad(network_with_loss, None, optimizer.parameters)

    @ms.jit
    def step(*inputs: Tensor) -> Tensor:
        loss, grads = grad_fn(*inputs)
        optimizer(grads)
        scheduler.step()
        return loss
    return step


class _Snapshot:
    """Every Parameter of the network and the optimizer (copied to the host), the optimizer's class and the
    network's training flags, put back by :meth:`restore`."""

    def __init__(self, network: nn.Cell, optimizer: Any):
        self.optimizer, self.network = optimizer, network
        self.optimizer_class = type(optimizer)
        self.optimizer_dict = set(vars(optimizer))
        self.flags = [(cell, cell.training, cell.requires_grad) for _, cell in network.cells_and_names()]
        parameters: Dict[int, Parameter] = {}
        for parameter in itertools.chain(network.get_parameters(), optimizer.get_parameters(),
                                         _group_parameters(optimizer)):
            parameters[id(parameter)] = parameter
        self.values = [(parameter, parameter.asnumpy().copy()) for parameter in parameters.values()]
        self.groups = [dict(group) for group in getattr(optimizer, "param_groups", [])]

    def restore(self) -> None:
        for parameter, value in self.values:
            # Written in place: in PYNATIVE, a Parameter given new data by set_data after training steps is no
            # longer the one later steps update (global_step stayed where it was set; MindSpore 2.10).
            ops.assign(parameter, Tensor(value))
        self.optimizer.__class__ = self.optimizer_class
        for name in set(vars(self.optimizer)) - self.optimizer_dict:
            object.__delattr__(self.optimizer, name)
        for group, saved in zip(getattr(self.optimizer, "param_groups", []), self.groups):
            group.clear()
            group.update(saved)
        for cell, training, requires_grad in self.flags:
            cell.training = training
            cell.requires_grad = requires_grad


def _group_parameters(optimizer: Any) -> Sequence[Parameter]:
    """The Parameters a torch-style optimizer keeps in its groups (each group's lr) and its ``lrs``."""
    found = [value for group in getattr(optimizer, "param_groups", []) for value in group.values()
             if isinstance(value, Parameter)]
    return found + [lr for lr in getattr(optimizer, "lrs", []) if isinstance(lr, Parameter)]


# --- suggestions ------------------------------------------------------------------------------------------------------

def _steepest(lrs: np.ndarray, smoothed: np.ndarray) -> Optional[float]:
    """The most negative slope of the smoothed loss against log(lr), up to the smoothed loss's minimum."""
    finite = _finite_prefix(smoothed)
    if finite < 3:
        return None
    lowest = int(np.argmin(smoothed[:finite]))
    if lowest < 2:
        return None
    slope = np.gradient(smoothed[:lowest + 1], np.log(lrs[:lowest + 1]))
    return float(lrs[int(np.argmin(slope))])


def _valley(lrs: np.ndarray, smoothed: np.ndarray) -> Optional[float]:
    """fastai's valley: the longest decreasing subsequence of the smoothed loss, of ``n`` points ending at step
    ``e``, read as the valley of steps ``[e - n, e]``; the suggestion is ``e - n + floor(n/3) + floor(n/6)`` steps in
    (about halfway, a little before)."""
    finite = _finite_prefix(smoothed)
    if finite < 3:
        return None
    values = smoothed[:finite]
    # longest[i]: the length of the longest strictly decreasing subsequence that ends at step i.
    longest = np.ones(finite, dtype=np.int64)
    for i in range(1, finite):
        higher = values[:i] > values[i]
        if higher.any():
            longest[i] = longest[:i][higher].max() + 1
    end = int(np.argmax(longest))
    span = int(longest[end])
    if span < 3:
        return None
    return float(lrs[end - span + span // 3 + span // 6])


def _minimum_over_ten(lrs: np.ndarray, smoothed: np.ndarray) -> Optional[float]:
    finite = _finite_prefix(smoothed)
    if finite < 1:
        return None
    return float(lrs[int(np.argmin(smoothed[:finite]))] / 10.0)


def _finite_prefix(values: np.ndarray) -> int:
    bad = np.flatnonzero(~np.isfinite(values))
    return int(bad[0]) if bad.size else int(values.size)

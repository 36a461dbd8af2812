"""Training callbacks: an lr monitor, and reduce-on-plateau for any schedule.

Both are standard ``mindspore.train.Callback`` objects for ``Model.train`` / ``Model.fit``, in normal and dataset
sink mode.
"""
import csv
import math
import warnings
from typing import Any, List, Literal, Optional, Sequence, Union

import numpy as np
from mindspore import Tensor
from mindspore.nn import Cell, Optimizer
from mindspore.train import Callback, RunContext

from ms_lr.core.arguments import ChoiceRule, IntRule, RealRule
from ms_lr.core.schedule import Schedule, evaluate, named_errors
from ms_lr.schedules.reducible import ReducibleLR
from ms_lr.training.sharing import scheduled_hyperparameters, scheduled_lrs

__all__ = ["LRMonitor", "ReduceLROnPlateau"]


def _group_lrs(optimizer: Optimizer) -> List[Any]:
    """The optimizer's distinct learning rates, in group order (with groups it holds one per parameter)."""
    distinct = []
    for lr in scheduled_lrs(optimizer):
        if not any(lr is seen for seen in distinct):
            distinct.append(lr)
    return distinct


def _global_step(optimizer: Optimizer) -> int:
    """The optimizer's step counter (an int32 Parameter of shape [1]) as a Python int."""
    return int(optimizer.global_step.asnumpy().reshape(-1)[0])


def _values(lr: Any, steps: np.ndarray) -> np.ndarray:
    """One lr at many steps: one vector call for an ms_lr schedule, a loop for other cells, or a constant."""
    if isinstance(lr, Schedule):
        return evaluate(lr, steps).astype(np.float64)
    if isinstance(lr, Cell):   # MindSpore's own schedules, and the cell it wraps constant group lrs in
        return np.array([float(lr(Tensor(np.array([s], dtype=np.int32))).asnumpy().reshape(-1)[0]) for s in steps])
    return np.full(len(steps), float(lr.asnumpy().reshape(-1)[0]))


class LRMonitor(Callback):
    """Records the lr applied at every step, for every parameter group; prints every ``print_every`` steps and
    writes a CSV at the end of training.

    The lr of step ``k`` is the schedule evaluated at ``k`` by the same cell the optimizer runs. At each step end
    the monitor reads the optimizer's ``global_step`` and evaluates every step since the last record in one vector
    call, so in dataset sink mode (one callback per ``sink_size`` steps) no step is missed. The hyperparameters
    :func:`ms_lr.share_schedules` drives (``momentum``, ``beta1``, ``beta2``) are recorded beside the lr, from their
    schedules at the same steps, and written as columns of their own.

    Args:
        print_every (int): Print the lr every this many steps; ``0`` never. Default: ``0``.
        csv_path (str): Where to write ``step,lr_group0,...`` at the end of training. Default: ``None``.
        optimizer (Optimizer): The optimizer to watch. Default: ``None``, the one ``Model`` trains with.

    Attributes:
        steps (numpy.ndarray): The global steps recorded.
        lrs (numpy.ndarray): Shape ``(steps, groups)``, the lr each group used at each step (one column per
            distinct lr of the optimizer, in group order).
        hyperparameters (dict): ``{"momentum": values, ...}``, each scheduled hyperparameter at each step.
    """

    def __init__(self, print_every: int = 0, csv_path: Optional[str] = None, optimizer: Optional[Any] = None):
        super().__init__()
        with named_errors(type(self).__name__):
            self.print_every = IntRule(low=0).check("print_every", print_every)
        self.csv_path = csv_path
        self.optimizer = optimizer
        self._steps, self._lrs = [], []
        self._hyper: dict = {}
        self._next = None

    @property
    def steps(self) -> np.ndarray:
        return np.concatenate(self._steps) if self._steps else np.zeros(0, dtype=np.int64)

    @property
    def lrs(self) -> np.ndarray:
        return np.concatenate(self._lrs) if self._lrs else np.zeros((0, 0))

    @property
    def hyperparameters(self) -> dict:
        return {name: np.concatenate(values) for name, values in self._hyper.items()}

    def on_train_begin(self, run_context: RunContext) -> None:
        self.optimizer = self.optimizer or run_context.original_args().optimizer
        self._next = _global_step(self.optimizer)

    def on_train_step_end(self, run_context: RunContext) -> None:
        self.record()

    def record(self) -> None:
        """Record every step the optimizer has taken since the last record (also usable without Model)."""
        if self._next is None:
            self._next = 0
        done = _global_step(self.optimizer)
        if done <= self._next:
            return
        steps = np.arange(self._next, done)
        lrs = np.stack([_values(lr, steps) for lr in _group_lrs(self.optimizer)], axis=1)
        self._steps.append(steps)
        self._lrs.append(lrs)
        for name, schedule in scheduled_hyperparameters(self.optimizer).items():
            self._hyper.setdefault(name, []).append(_values(schedule, steps))
        self._next = done
        if self.print_every:
            for step, row in zip(steps, lrs):
                if step % self.print_every == 0:
                    print(f"step {step}: lr " + ", ".join(f"{v:.6g}" for v in row))

    def on_train_end(self, run_context: RunContext) -> None:
        if self.csv_path:
            self.to_csv(self.csv_path)

    def to_csv(self, path: str) -> None:
        lrs, hyper = self.lrs, self.hyperparameters
        with open(path, "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["step"] + [f"lr_group{i}" for i in range(lrs.shape[1] if lrs.size else 0)] + list(hyper))
            for i, (step, row) in enumerate(zip(self.steps, lrs)):
                writer.writerow([int(step)] + [repr(float(v)) for v in row] +
                                [repr(float(values[i])) for values in hyper.values()])


class ReduceLROnPlateau(Callback):
    """Lowers the lr of :class:`ReducibleLR` schedules when a monitored value stops improving, with the arguments
    and rules of ``torch.optim.lr_scheduler.ReduceLROnPlateau``.

    After each epoch (or each step with ``interval='step'``), the monitored value is compared with the best so far;
    after more than ``patience`` checks without improvement, every schedule's lr is multiplied by ``factor``, but
    not below ``min_lr`` and only if it drops by more than ``eps``; then ``cooldown`` checks pass before counting
    again. The lr being reduced is the schedule's value at the current step: its factor becomes
    ``max(lr * factor, min_lr) / schedule(step)``, so the schedule keeps its shape underneath.

    ``monitor='loss'`` is the training loss of the last step; any other name is looked up in the evaluation results
    of ``Model.fit(..., valid_dataset=...)`` (e.g. ``'accuracy'``, with ``mode='max'``). A missing key or a NaN/inf
    value is reported with a warning and skipped: training continues and the factor is left as it was.

    Args:
        schedules (Union[ReducibleLR, list[ReducibleLR]]): The wrapped schedule(s), as passed to the optimizer.
        monitor (str): ``'loss'`` or an evaluation metric name. Default: ``'loss'``.
        mode (str): ``'min'`` or ``'max'``. Default: ``'min'``.
        factor (float): Multiplier per reduction, ``0 <= factor < 1``. Default: ``0.1``.
        patience (int): Checks without improvement before reducing. Default: ``10``.
        threshold (float): Improvement needed to count as better. Default: ``1e-4``.
        threshold_mode (str): ``'rel'`` or ``'abs'``. Default: ``'rel'``.
        cooldown (int): Checks to wait after a reduction. Default: ``0``.
        min_lr (Union[float, list[float]]): Lower bound(s) of the lr. Default: ``0``.
        eps (float): Reductions smaller than this are skipped. Default: ``1e-8``.
        interval (str): ``'epoch'`` or ``'step'``. Default: ``'epoch'``.
        verbose (bool): Print each reduction. Default: ``False``.

    Raises:
        TypeError: If ``schedules`` are not :class:`ReducibleLR` (the message says how to wrap them).
        ValueError: If an argument is out of range.
    """

    def __init__(self, schedules: Union[ReducibleLR, Sequence[ReducibleLR]], monitor: str = "loss",
                 mode: Literal["min", "max"] = "min", factor: float = 0.1, patience: int = 10,
                 threshold: float = 1e-4, threshold_mode: Literal["rel", "abs"] = "rel", cooldown: int = 0,
                 min_lr: Union[float, Sequence[float]] = 0.0, eps: float = 1e-8,
                 interval: Literal["epoch", "step"] = "epoch", verbose: bool = False):
        super().__init__()
        with named_errors(type(self).__name__):
            schedules = list(schedules) if isinstance(schedules, (list, tuple)) else [schedules]
            for i, schedule in enumerate(schedules):
                if not isinstance(schedule, ReducibleLR):
                    raise TypeError(
                        f"schedules[{i}] must be an ms_lr.ReducibleLR, got {type(schedule).__name__}: wrap the "
                        f"schedule as ms_lr.ReducibleLR(schedule) and give that wrapper to the optimizer")
            if not schedules:
                raise ValueError("schedules must not be empty")
            if not isinstance(monitor, str) or not monitor:
                raise TypeError(f"monitor must be a metric name, got {monitor!r}")
            self.schedules, self.monitor = schedules, monitor
            self.mode = ChoiceRule(("min", "max")).check("mode", mode)
            self.factor = RealRule(0.0, 1.0, high_open=True).check("factor", factor)
            self.patience = IntRule(low=0).check("patience", patience)
            self.threshold = RealRule(low=0.0).check("threshold", threshold)
            self.threshold_mode = ChoiceRule(("rel", "abs")).check("threshold_mode", threshold_mode)
            self.cooldown = IntRule(low=0).check("cooldown", cooldown)
            min_lrs = min_lr if isinstance(min_lr, (list, tuple)) else [min_lr] * len(schedules)
            if len(min_lrs) != len(schedules):
                raise ValueError(f"min_lr must be one float or one per schedule ({len(schedules)}), got {min_lr!r}")
            self.min_lrs = [RealRule(low=0.0).check(f"min_lr[{i}]", m) for i, m in enumerate(min_lrs)]
            self.eps = RealRule(low=0.0).check("eps", eps)
            self.interval = ChoiceRule(("epoch", "step")).check("interval", interval)
        self.verbose = bool(verbose)
        self.best = math.inf if self.mode == "min" else -math.inf
        self.num_bad = 0
        self.cooldown_counter = 0
        self._warned = set()

    def is_better(self, current: float) -> bool:
        if self.mode == "min" and self.threshold_mode == "rel":
            return current < self.best * (1.0 - self.threshold)
        if self.mode == "min":
            return current < self.best - self.threshold
        if self.threshold_mode == "rel":
            return current > self.best * (self.threshold + 1.0)
        return current > self.best + self.threshold

    def step(self, metric: float, global_step: int) -> bool:
        """Feed one value of the monitored metric observed at ``global_step``; returns True if the lr was reduced.

        Non-finite values are skipped with a warning, so one bad batch cannot corrupt the state.
        """
        current = float(metric)
        if not math.isfinite(current):
            warnings.warn(f"ReduceLROnPlateau: {self.monitor} is {current} at step {global_step}; skipped",
                          stacklevel=2)
            return False
        if self.is_better(current):
            self.best, self.num_bad = current, 0
        else:
            self.num_bad += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad = 0
        if self.num_bad <= self.patience:
            return False
        self._reduce(global_step)
        self.cooldown_counter, self.num_bad = self.cooldown, 0
        return True

    def _reduce(self, global_step: int) -> None:
        for schedule, min_lr in zip(self.schedules, self.min_lrs):
            base = float(evaluate(schedule.schedule, [global_step])[0])
            old_factor = schedule.get_factor()
            old_lr = base * old_factor
            new_lr = max(old_lr * self.factor, min_lr)
            if base > 0 and old_lr - new_lr > self.eps:
                schedule.set_factor(new_lr / base)
                if self.verbose:
                    print(f"ReduceLROnPlateau: step {global_step}: lr {old_lr:.6g} -> {new_lr:.6g}")

    def _observe(self, run_context: RunContext) -> None:
        params = run_context.original_args()
        if self.monitor == "loss":
            value = params.net_outputs
            value = value[0] if isinstance(value, (tuple, list)) else value
        else:
            results = params.get("eval_results") or params.get("metrics") or {}
            if self.monitor not in results:
                if self.monitor not in self._warned:
                    self._warned.add(self.monitor)
                    warnings.warn(f"ReduceLROnPlateau: no metric {self.monitor!r} this epoch (have: "
                                  f"{sorted(results) + ['loss']}); the lr is left unchanged", stacklevel=2)
                return
            value = results[self.monitor]
        if isinstance(value, Tensor):
            value = value.asnumpy()
        value = np.asarray(value, dtype=np.float64).reshape(-1)
        optimizer = params.optimizer
        step = _global_step(optimizer) if optimizer is not None else params.cur_step_num
        self.step(value.mean() if value.size else math.nan, step)

    def on_train_step_end(self, run_context: RunContext) -> None:
        if self.interval == "step":
            self._observe(run_context)

    def on_train_epoch_end(self, run_context: RunContext) -> None:
        if self.interval == "epoch":
            self._observe(run_context)


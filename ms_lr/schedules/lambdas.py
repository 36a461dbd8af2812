"""Schedules from user functions: compiled into the graph (LambdaLR), or tabulated on the host (escape hatch)."""
import contextlib
import numbers
import os
import tempfile
from typing import Annotated, Any, Callable, Dict, Iterator, List, Optional

import mindspore as ms
import numpy as np
from mindspore import Tensor, ops

from ms_lr.core.arguments import INT32_MAX, IntRule, Lr, LrTableRule
from ms_lr.core.inline_lambda import graph_readable
from ms_lr.core.progress import Progress
from ms_lr.core.schedule import Schedule
from ms_lr.graph.constants import f32
from ms_lr.reference.lambdas import host_lambda, lambda_factor, multiplicative, tabulated

__all__ = ["LambdaLR", "TabulatedLR", "HostLambdaLR", "MultiplicativeLR", "HOST_TABLE_LIMIT"]
#: The family the catalogue (the schedules guide's table, ``python -m ms_lr list``) shows this module's schedules under.
FAMILY = "user function"

_HOW_TO = ("Write lr_lambda with mindspore.ops (or Python operators) on the float32 step tensor k, branch-free: "
           "e.g. `lambda k: ops.where(k < 10, (k + 1) * 1e-3, 1e-2)` instead of `1e-3 * (k + 1) if k < 10 else "
           "1e-2`, and `ops.cos(k)` instead of `math.cos(k)`. For arbitrary Python (if/else, math, NumPy), use "
           "ms_lr.HostLambdaLR(base_lr, lr_lambda, total_steps), which tabulates it.")

# Host tables hold 8 bytes per step while they are built (float64) and 4 on the device (float32), and cost one
# Python call per step: 2**25 steps is about 400 MB and tens of seconds.
HOST_TABLE_LIMIT = 2**25
# Longer tabulations than this report their progress on stderr.
_PROGRESS_FROM = 2**20


@contextlib.contextmanager
def _compile_dumps_elsewhere() -> Iterator[None]:
    """MindSpore writes rank_0/om/analyze_fail.ir into the working directory when a graph fails to compile; a
    trial compile's failure is ours to report, so its dump goes to a temporary directory (unless MS_OM_PATH is
    set)."""
    if "MS_OM_PATH" in os.environ:
        yield
        return
    with tempfile.TemporaryDirectory(prefix="ms_lr_trial_") as scratch:
        os.environ["MS_OM_PATH"] = scratch
        try:
            yield
        finally:
            del os.environ["MS_OM_PATH"]


class LambdaLR(Schedule, reference=lambda_factor):
    r"""``base_lr`` times a factor computed in the graph by ``lr_lambda``, as ``torch.optim.lr_scheduler.LambdaLR``.

    .. math:: \eta_k = \eta_{base} \cdot \text{lr\_lambda}(k)

    ``lr_lambda`` receives the step as a **float32 tensor** (any shape) and must return a factor of that shape (or
    a scalar) using MindSpore ops or Python operators; it is compiled into the training graph. A lambda written
    inline, as torch users write it (``LambdaLR(0.1, lambda k: 0.95 ** k)``, also inside a list of parameter-group
    dicts), works: MindSpore's parser cannot read one from the line around it, so its own source is recovered and
    compiled (closure values as they are at construction). It is tried on a vector of steps at construction: if it
    does not compile (a Python ``if`` on the step, ``math`` functions), the error says how to rewrite it, or use
    :class:`HostLambdaLR` for arbitrary Python.
    ``reference()`` runs the same ``lr_lambda`` eagerly in float64; there is no separate formula for a user
    function, so the schedule declares no upper bound. The lambda's float32 precision is its own: ``ops.pow(0.99,
    k)`` carries 0.99's float32 rounding ``k`` times (2e-6 relative at ``k = 9000``); for decays, the exact
    schedules (:class:`ExponentialLR`, ...) keep ~2e-7 at any step.

    Args:
        base_lr (float): The lr the factor multiplies.
        lr_lambda (Callable[[Tensor], Tensor]): The factor as MindSpore ops on the float32 step.

    Raises:
        TypeError: If ``lr_lambda`` is not callable or does not compile into a graph.
        ValueError: If ``base_lr`` is negative or not finite, or ``lr_lambda`` gives a negative or non-finite
            factor on the trial steps.

    Examples:
        >>> import ms_lr
        >>> from mindspore import ops
        >>> sched = ms_lr.LambdaLR(0.1, lambda k: ops.where(k < 2, 0.5, 1.0))
        >>> ms_lr.evaluate(sched, range(4)).astype(float).round(5).tolist()
        [0.05, 0.05, 0.1, 0.1]
        >>> ms_lr.evaluate(ms_lr.LambdaLR(0.1, lambda k: 0.5 ** k), range(3)).astype(float).round(5).tolist()
        [0.1, 0.05, 0.025]
    """

    def __init__(self, base_lr: Lr, lr_lambda: Callable[[Tensor], Tensor]):
        super().__init__()
        self.lr_lambda = graph_readable(lr_lambda)
        self.base_lr = f32(base_lr)
        self._check_compiles()

    def _check_compiles(self) -> None:
        trial = Tensor(np.array([0, 1, 2, 10, 1000, INT32_MAX], dtype=np.int32))
        value = self.value

        # Not ms.jit(self.value): jitting a Cell's own method leaves MindSpore's ``__parse_method__`` on the cell
        # naming it, and every graph the cell is later part of (an optimizer's, a wrapper's) parses that method in
        # place of construct, which left out the step's clamp and conversion (a float step was not floored). A
        # plain function compiles the same ops and marks nothing.
        def trial_value(steps: Tensor) -> Tensor:
            return value(steps)

        try:
            with _compile_dumps_elsewhere():
                values = ms.jit(trial_value)(trial).asnumpy()
        except Exception as error:   # MindSpore raises many types from its graph parser
            raise TypeError(f"lr_lambda could not be compiled into a MindSpore graph "
                            f"({type(error).__name__}: {str(error).strip().splitlines()[0]}). {_HOW_TO}") from None
        if values.shape != trial.shape or not np.isfinite(values).all() or (values < 0).any():
            raise ValueError(f"lr_lambda must give a finite factor >= 0 of the step's shape; on steps "
                             f"{trial.asnumpy().tolist()} the lr was {values.tolist()}")

    def value(self, step: Tensor) -> Tensor:
        k = ops.cast(step, ms.float32)
        # Adding zeros gives the step's shape even when lr_lambda returns a constant.
        return ops.zeros_like(k) + self.base_lr * self.lr_lambda(k)

    def upper_bound(self) -> Optional[float]:
        return None


class _Table(Schedule, abstract=True):
    """An lr per step in a float32 table on the device, gathered with the step; the last value holds after it."""

    def _set_table(self, table: np.ndarray) -> None:
        self.table = table
        self.values = Tensor(table.astype(np.float32))
        self.last = table.size - 1

    def value(self, step: Tensor) -> Tensor:
        return ops.gather(self.values, ops.minimum(step, self.last), 0)

    def upper_bound(self) -> float:
        return float(self.table.max())

    def get_config(self) -> Dict[str, Any]:
        if not self.configurable():
            raise TypeError(f"{type(self).__name__} holds a Python function and has no JSON config; build it in "
                            f"code, or save its table as TabulatedLR(values=schedule.table.tolist())")
        return super().get_config()

    def boundaries(self, last: int) -> List[int]:
        return [self.last] if 0 < self.last <= last else []


class TabulatedLR(_Table, reference=tabulated):
    r"""An lr per step from a host-side table, gathered in the graph; the last value holds after the table.

    .. math:: \eta_k = \text{values}[\min(k, n - 1)]

    This is the escape hatch for schedules no formula covers. It costs **O(steps) memory**: 4 bytes per step on the
    device (1M steps = 4 MB), and the table is part of the compiled graph. :class:`HostLambdaLR` and
    :class:`MultiplicativeLR` build their tables from Python functions.

    Args:
        values (list[float]): The lr of steps ``0 .. n-1`` (real numbers, finite, ``>= 0``), ``n >= 1``.

    Raises:
        ValueError: If ``values`` is empty or holds a negative or non-finite lr.

    Examples:
        >>> import ms_lr
        >>> ms_lr.evaluate(ms_lr.TabulatedLR([0.3, 0.2, 0.1]), range(5)).astype(float).round(5).tolist()
        [0.3, 0.2, 0.1, 0.1, 0.1]
    """

    def __init__(self, values: Annotated[List[float], LrTableRule()]):
        super().__init__()
        self._set_table(values)


class TableStepsRule(IntRule):
    """Steps of a host table: ``1 <= n <= 2**25``; past the cap the error says what the table would cost."""

    def __init__(self) -> None:
        super().__init__(low=1, high=HOST_TABLE_LIMIT)

    def check(self, name: str, value: Any) -> int:
        if isinstance(value, numbers.Integral) and not isinstance(value, bool) and int(value) > HOST_TABLE_LIMIT:
            n = int(value)
            raise ValueError(
                f"{name}={n:,} would call lr_lambda {n:,} times and hold {n * 12 / 2**30:.1f} GiB of tables "
                f"(8 bytes a step on the host while building, 4 on the device); the limit is 2**25 = "
                f"{HOST_TABLE_LIMIT:,} steps. For longer runs write lr_lambda with MindSpore ops (LambdaLR), or "
                f"tabulate it per epoch: PerEpoch(HostLambdaLR(base_lr, f, epochs), steps_per_epoch)")
        return super().check(name, value)


TableSteps = Annotated[int, TableStepsRule()]


def _tabulate(name: str, total_steps: int, rows: Iterator[float]) -> np.ndarray:
    """The table of ``total_steps`` lrs from ``rows``, with progress on stderr for long ones."""
    progress = Progress(f"{name}: tabulated", total_steps) if total_steps >= _PROGRESS_FROM else None
    table = np.empty(total_steps, dtype=np.float64)
    for k, lr in enumerate(rows):
        table[k] = lr
        if progress is not None and k % 65536 == 65535:
            progress.update(k + 1)
    if progress is not None:
        progress.update(total_steps)
    LrTableRule().check("the lr from lr_lambda", table)
    return table


def _call(lr_lambda: Callable[[int], Any], k: int) -> float:
    """lr_lambda(k) as a float; whatever it raises is re-raised as a ValueError that names the step."""
    try:
        return float(lr_lambda(k))
    except Exception as error:   # the user's function may raise anything
        raise ValueError(f"lr_lambda raised {type(error).__name__} at step {k}: {error}") from error


class HostLambdaLR(_Table, reference=host_lambda):
    r"""torch's ``LambdaLR`` for any Python ``lr_lambda`` (``if``/``else``, ``math``, NumPy), tabulated on the host.

    .. math:: \eta_k = \eta_{base} \cdot \text{lr\_lambda}(\min(k, n - 1))

    ``lr_lambda(k)`` is called with Python ints ``k = 0 .. total_steps - 1`` at construction; from ``total_steps``
    on, the last value holds. Memory is O(steps), so ``total_steps`` is capped at ``2**25`` (33,554,432 steps,
    about 400 MB while building); tabulations of over a million steps report their progress on stderr. For longer
    runs write the lambda with MindSpore ops (:class:`LambdaLR`), or tabulate it per epoch inside
    :class:`PerEpoch`.

    Args:
        base_lr (float): The lr the factor multiplies.
        lr_lambda (Callable[[int], float]): The factor at step ``k``.
        total_steps (int): Steps to tabulate, ``1 <= total_steps <= 2**25``.

    Raises:
        ValueError: If ``total_steps`` is out of range, or ``lr_lambda`` raises or gives a negative or non-finite
            lr (the step is named).

    Examples:
        >>> import ms_lr
        >>> sched = ms_lr.HostLambdaLR(1.0, lambda k: 0.1 if k < 2 else 1.0, total_steps=4)
        >>> ms_lr.evaluate(sched, range(6)).astype(float).round(5).tolist()
        [0.1, 0.1, 1.0, 1.0, 1.0, 1.0]
    """

    def __init__(self, base_lr: Lr, lr_lambda: Callable[[int], float], total_steps: TableSteps):
        super().__init__()
        rows = (base_lr * _call(lr_lambda, k) for k in range(total_steps))
        self._set_table(_tabulate(type(self).__name__, total_steps, rows))


class MultiplicativeLR(_Table, reference=multiplicative):
    r"""Multiplies the lr by ``lr_lambda(k)`` at every step ``k >= 1``, as torch's ``MultiplicativeLR``, tabulated.

    .. math:: \eta_0 = \eta_{base}, \qquad \eta_k = \eta_{k-1} \cdot \text{lr\_lambda}(k)

    For per-group lambdas (torch's ``MultiplicativeLR(opt, [lambda_base, lambda_fc])``), build one per group and pass
    each as that group's ``'lr'``. The products are taken in float64 on the host; from ``total_steps`` on the last lr
    holds.
    Memory is O(steps), capped as for :class:`HostLambdaLR`.

    Args:
        base_lr (float): The lr at step 0.
        lr_lambda (Callable[[int], float]): The factor applied at step ``k``.
        total_steps (int): Steps to tabulate, ``1 <= total_steps <= 2**25``.

    Raises:
        ValueError: If ``total_steps`` is out of range, or ``lr_lambda`` raises or the lr becomes negative or
            non-finite (the step is named).

    Examples:
        >>> import ms_lr
        >>> sched = ms_lr.MultiplicativeLR(1.0, lambda k: 0.5 if k % 2 == 0 else 1.0, total_steps=5)
        >>> ms_lr.evaluate(sched, range(5)).astype(float).round(5).tolist()
        [1.0, 1.0, 0.5, 0.5, 0.25]
    """

    def __init__(self, base_lr: Lr, lr_lambda: Callable[[int], float], total_steps: TableSteps):
        super().__init__()

        def rows() -> Iterator[float]:
            lr = base_lr
            yield lr
            for k in range(1, total_steps):
                lr *= _call(lr_lambda, k)
                yield lr

        self._set_table(_tabulate(type(self).__name__, total_steps, rows()))

"""Schedules from user functions: compiled into the graph (LambdaLR), or tabulated on the host (escape hatch)."""
import numpy as np
import mindspore as ms
from mindspore import Tensor, ops

from ms_lr import reference
from ms_lr._graph import f32
from ms_lr.base import INT32_MAX, Schedule, check_int, check_lr, documented

_HOW_TO = ("Define lr_lambda with `def` or as `name = lambda k: ...` on a line of its own (MindSpore's parser "
           "cannot read a lambda written inside a call), and write it with mindspore.ops on the float32 step "
           "tensor k, branch-free: e.g. `lambda k: ops.where(k < 10, (k + 1) * 1e-3, 1e-2)` instead of "
           "`1e-3 * (k + 1) if k < 10 else 1e-2`, "
           "`lambda k: ops.pow(0.95, k)` instead of `0.95 ** k` with math functions. For arbitrary Python "
           "(if/else, math, NumPy), use ms_lr.HostLambdaLR(base_lr, lr_lambda, total_steps), which tabulates it.")


@documented
class LambdaLR(Schedule):
    r"""``base_lr`` times a factor computed in the graph by ``lr_lambda``, as ``torch.optim.lr_scheduler.LambdaLR``.

    .. math:: \eta_k = \eta_{base} \cdot \text{lr\_lambda}(k)

    ``lr_lambda`` receives the step as a **float32 tensor** (any shape) and must return a factor of that shape (or
    a scalar) using MindSpore ops; it is compiled into the training graph. MindSpore's parser reads it from its
    source, so define it with ``def`` or as ``name = lambda k: ...`` on a line of its own, not inline in a call.
    It is tried on a vector of steps at construction: if it does not compile (Python ``if`` on the step, ``math``
    functions), the error says how to rewrite it, or use :class:`HostLambdaLR` for arbitrary Python.
    ``reference()`` runs the same ``lr_lambda`` eagerly in float64; there is no separate formula for a user
    function.

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
        >>> half_first = lambda k: ops.where(k < 2, 0.5, 1.0)
        >>> sched = ms_lr.LambdaLR(0.1, half_first)
        >>> ms_lr.evaluate(sched, range(4)).astype(float).round(5).tolist()
        [0.05, 0.05, 0.1, 0.1]
    """

    def __init__(self, base_lr, lr_lambda):
        super().__init__()
        base_lr = check_lr("base_lr", base_lr)
        if not callable(lr_lambda):
            raise TypeError(f"lr_lambda must be callable, got {lr_lambda!r}")
        self._remember(base_lr=base_lr, lr_lambda=lr_lambda)
        self.lr_lambda = lr_lambda
        self.base_lr = f32(base_lr)
        self._check_compiles()

    def _check_compiles(self):
        trial = Tensor(np.array([0, 1, 2, 10, 1000, INT32_MAX], dtype=np.int32))
        try:
            values = ms.jit(self.value)(trial).asnumpy()
        except Exception as error:   # MindSpore raises many types from its graph parser
            raise TypeError(f"lr_lambda could not be compiled into a MindSpore graph "
                            f"({type(error).__name__}: {str(error).strip().splitlines()[0]}). {_HOW_TO}") from None
        if values.shape != trial.shape or not np.isfinite(values).all() or (values < 0).any():
            raise ValueError(f"lr_lambda must give a finite factor >= 0 of the step's shape; on steps "
                             f"{trial.asnumpy().tolist()} the lr was {values.tolist()}")

    def value(self, step):
        k = ops.cast(step, ms.float32)
        # Adding zeros gives the step's shape even when lr_lambda returns a constant.
        return ops.zeros_like(k) + self.base_lr * self.lr_lambda(k)

    def get_config(self):
        raise TypeError("LambdaLR holds a Python function and has no JSON config; build it in code")

    def reference(self, steps):
        k = np.maximum(np.asarray(steps, dtype=np.int64), 0).astype(np.float64)
        factor = self.lr_lambda(Tensor(k))
        factor = factor.asnumpy() if isinstance(factor, Tensor) else np.asarray(factor, dtype=np.float64)
        return self._config["base_lr"] * np.broadcast_to(factor, k.shape).astype(np.float64)


@documented
class TabulatedLR(Schedule):
    r"""An lr per step from a host-side table, gathered in the graph; the last value holds after the table.

    .. math:: \eta_k = \text{values}[\min(k, n - 1)]

    This is the escape hatch for schedules no formula covers. It costs **O(steps) memory**: 4 bytes per step on the
    device (1M steps = 4 MB), and the table is part of the compiled graph. :class:`HostLambdaLR` and
    :class:`MultiplicativeLR` build their tables from Python functions.

    Args:
        values (list[float]): The lr of steps ``0 .. n-1`` (finite, ``>= 0``), ``1 <= n <= 2**31 - 1``.

    Raises:
        TypeError: If ``values`` is not a sequence of numbers.
        ValueError: If ``values`` is empty or holds a negative or non-finite lr.

    Examples:
        >>> import ms_lr
        >>> ms_lr.evaluate(ms_lr.TabulatedLR([0.3, 0.2, 0.1]), range(5)).astype(float).round(5).tolist()
        [0.3, 0.2, 0.1, 0.1, 0.1]
    """

    def __init__(self, values):
        super().__init__()
        self._set_table(values, "values")
        self._remember(values=self.table.tolist())

    def _set_table(self, values, name):
        try:
            table = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"{name} must be a sequence of numbers, got {type(values).__name__}") from None
        if table.ndim != 1 or table.size == 0:
            raise ValueError(f"{name} must be a non-empty 1-D sequence, got shape {table.shape}")
        bad = np.flatnonzero(~np.isfinite(table) | (table < 0) | (table > np.finfo(np.float32).max))
        if bad.size:
            raise ValueError(f"{name} must be finite lrs >= 0; step {bad[0]} has {table[bad[0]]}")
        self.table = table
        self.values = Tensor(table.astype(np.float32))
        self.last = table.size - 1

    def value(self, step):
        return ops.gather(self.values, ops.minimum(step, self.last), 0)

    def reference(self, steps):
        return reference.tabulated(steps, self.table)

    def boundaries(self, last):
        return [self.last] if 0 < self.last <= last else []


def _reporting_step(lr_lambda):
    """lr_lambda, with any exception it raises re-raised as a ValueError that names the step."""
    def call(k):
        try:
            return float(lr_lambda(k))
        except Exception as error:   # the user's function may raise anything
            raise ValueError(f"lr_lambda raised {type(error).__name__} at step {k}: {error}") from error
    return call


class _HostFunction(TabulatedLR):
    """A table built by calling a Python function on the host for steps 0 .. total_steps - 1."""

    def __init__(self, base_lr, lr_lambda, total_steps):
        Schedule.__init__(self)
        base_lr = check_lr("base_lr", base_lr)
        if not callable(lr_lambda):
            raise TypeError(f"lr_lambda must be callable, got {lr_lambda!r}")
        total_steps = check_int("total_steps", total_steps, low=1)
        self._remember(base_lr=base_lr, lr_lambda=lr_lambda, total_steps=total_steps)
        self._set_table(self._tabulate(base_lr, _reporting_step(lr_lambda), total_steps), "the lr from lr_lambda")

    def get_config(self):
        raise TypeError(f"{type(self).__name__} holds a Python function and has no JSON config; build it in code, "
                        f"or save its table as TabulatedLR(values=schedule.table.tolist())")


@documented
class HostLambdaLR(_HostFunction):
    r"""torch's ``LambdaLR`` for any Python ``lr_lambda`` (``if``/``else``, ``math``, NumPy), tabulated on the host.

    .. math:: \eta_k = \eta_{base} \cdot \text{lr\_lambda}(\min(k, n - 1))

    ``lr_lambda(k)`` is called with Python ints ``k = 0 .. total_steps - 1`` at construction; from ``total_steps``
    on, the last value holds. Memory is O(steps): see :class:`TabulatedLR`.

    Args:
        base_lr (float): The lr the factor multiplies.
        lr_lambda (Callable[[int], float]): The factor at step ``k``.
        total_steps (int): Steps to tabulate, ``>= 1``.

    Raises:
        TypeError: If ``lr_lambda`` is not callable or ``total_steps`` not an int.
        ValueError: If ``total_steps < 1``, or ``lr_lambda`` raises or gives a negative or non-finite lr (the step is
            named).

    Examples:
        >>> import ms_lr
        >>> sched = ms_lr.HostLambdaLR(1.0, lambda k: 0.1 if k < 2 else 1.0, total_steps=4)
        >>> ms_lr.evaluate(sched, range(6)).astype(float).round(5).tolist()
        [0.1, 0.1, 1.0, 1.0, 1.0, 1.0]
    """

    @staticmethod
    def _tabulate(base_lr, lr_lambda, total_steps):
        return [base_lr * lr_lambda(k) for k in range(total_steps)]


@documented
class MultiplicativeLR(_HostFunction):
    r"""Multiplies the lr by ``lr_lambda(k)`` at every step ``k >= 1``, as torch's ``MultiplicativeLR``, tabulated.

    .. math:: \eta_0 = \eta_{base}, \qquad \eta_k = \eta_{k-1} \cdot \text{lr\_lambda}(k)

    For per-group lambdas (seed 003: ``[lambda_base, lambda_fc]``), build one per group and pass each as that
    group's ``'lr'``. The products are taken in float64 on the host; from ``total_steps`` on the last lr holds.
    Memory is O(steps): see :class:`TabulatedLR`.

    Args:
        base_lr (float): The lr at step 0.
        lr_lambda (Callable[[int], float]): The factor applied at step ``k``.
        total_steps (int): Steps to tabulate, ``>= 1``.

    Raises:
        TypeError: If ``lr_lambda`` is not callable or ``total_steps`` not an int.
        ValueError: If ``total_steps < 1``, or ``lr_lambda`` raises or the lr becomes negative or non-finite (the
            step is named).

    Examples:
        >>> import ms_lr
        >>> sched = ms_lr.MultiplicativeLR(1.0, lambda k: 0.5 if k % 2 == 0 else 1.0, total_steps=5)
        >>> ms_lr.evaluate(sched, range(5)).astype(float).round(5).tolist()
        [1.0, 1.0, 0.5, 0.5, 0.25]
    """

    @staticmethod
    def _tabulate(base_lr, lr_lambda, total_steps):
        table = [base_lr]
        for k in range(1, total_steps):
            table.append(table[-1] * lr_lambda(k))
        return table

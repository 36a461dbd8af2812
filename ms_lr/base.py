"""The base class every ms_lr schedule derives from, and the argument checks they share."""
import math
import numbers

import numpy as np
import mindspore as ms
from mindspore import Tensor, ops
from mindspore.nn.learning_rate_schedule import LearningRateSchedule

INT32_MAX = 2**31 - 1


class Schedule(LearningRateSchedule):
    r"""Base class of all ms_lr schedules: a graph-compiled function of the optimizer step.

    A schedule maps the optimizer's ``global_step`` to the learning rate of that update. Pass an instance straight to
    a ``mindspore.nn`` optimizer as ``learning_rate``, as a group's ``'lr'`` or as ``weight_decay``; the optimizer
    evaluates it from its own step counter inside the compiled training graph.

    Subclasses implement :meth:`value` on a clamped int32 step and store their constructor arguments with
    :meth:`_remember` so :meth:`get_config`, :meth:`reference` and ``repr`` work.

    Inputs:
        - **global_step** (Tensor) - int32 or int64 steps of any shape: a scalar, ``[1]`` as optimizers pass it, or a
          vector of many steps. Steps below 0 behave as step 0; int64 steps above ``2**31 - 1`` behave as that step.

    Outputs:
        Tensor of float32, the same shape as `global_step`.

    Supported Platforms:
        ``Ascend`` ``GPU`` ``CPU``
    """

    def __init__(self):
        super().__init__()
        self._config = {}

    def _remember(self, **config):
        """Record the constructor arguments (after validation) for get_config, reference and repr."""
        self._config = dict(config)

    def construct(self, global_step):
        return self.value(to_step(global_step))

    def value(self, step):
        """The learning rate at ``step``, an int32 tensor already clamped to ``[0, 2**31 - 1]``."""
        raise NotImplementedError

    def reference(self, steps):
        """Float64 NumPy values at ``steps``, from the independent formulas in :mod:`ms_lr.reference`."""
        raise NotImplementedError

    def boundaries(self, last):
        """Steps in ``(0, last]`` where the schedule restarts or changes phase (marked by ``python -m ms_lr plot``);
        none for a schedule without phases."""
        return []

    def get_config(self):
        """The constructor arguments as a JSON-serialisable dict; nested schedules as ``{"type": ..., ...}``."""
        return {key: _config_value(val) for key, val in self._config.items()}

    def to_dict(self):
        """``{"type": ClassName, **get_config()}``: the form :func:`ms_lr.build` reads back."""
        return {"type": type(self).__name__, **self.get_config()}

    @classmethod
    def from_config(cls, config):
        """Rebuild a schedule from :meth:`get_config` output (nested schedules built by :func:`ms_lr.build`)."""
        from ms_lr.config import build_arguments
        return cls(**build_arguments(cls, config))

    def __mul__(self, other):
        """``schedule * other``: a :class:`~ms_lr.Product` with a schedule, or :class:`~ms_lr.Scaled` by a number."""
        from ms_lr.compose import multiply
        return multiply(self, other)

    __rmul__ = __mul__

    def __repr__(self):
        args = ", ".join(f"{key}={val!r}" for key, val in self._config.items())
        return f"{type(self).__name__}({args})"


_INPUTS_OUTPUTS = """    Inputs:
        - **global_step** (Tensor) - int32/int64 step(s) of any shape.

    Outputs:
        Tensor of float32, the same shape as `global_step`.

"""
_PLATFORMS = """    Supported Platforms:
        ``Ascend`` ``GPU`` ``CPU``

"""


def documented(cls):
    """Add the Inputs/Outputs and Supported Platforms sections every schedule shares to a class docstring, in
    MindSpore's order: Inputs and Outputs before Raises, Supported Platforms before Examples."""
    doc = cls.__doc__
    if "\n    Raises:\n" not in doc or "\n    Examples:\n" not in doc:
        raise TypeError(f"{cls.__name__}'s docstring needs Raises and Examples sections")
    doc = doc.replace("\n    Raises:\n", "\n" + _INPUTS_OUTPUTS + "    Raises:\n", 1)
    cls.__doc__ = doc.replace("\n    Examples:\n", "\n" + _PLATFORMS + "    Examples:\n", 1)
    return cls


def _config_value(value):
    if isinstance(value, Schedule):
        return value.to_dict()
    if isinstance(value, (list, tuple)):
        return [_config_value(item) for item in value]
    return value


def to_step(global_step):
    """Clamp a step tensor of any integer dtype to int32 ``[0, 2**31 - 1]`` (branch-free; dtype is static)."""
    if global_step.dtype == ms.int32:
        return ops.maximum(global_step, 0)
    # Clamp before the cast so int64 steps past the int32 range saturate instead of wrapping negative
    # (clip_by_value is no good here: it rounds the bound through float32, to 2**31).
    return ops.cast(ops.minimum(ops.maximum(global_step, 0), INT32_MAX), ms.int32)


def evaluate(schedule, steps):
    """Values of ``schedule`` at many steps in one call of the cell, as a float32 NumPy array of ``steps``' shape.

    >>> import ms_lr
    >>> ms_lr.evaluate(ms_lr.CosineAnnealingLR(0.1, T_max=4), [0, 2, 4]).astype(float).round(6).tolist()
    [0.1, 0.05, 0.0]
    """
    array = np.clip(np.asarray(steps, dtype=np.int64), 0, INT32_MAX).astype(np.int32)
    return schedule(Tensor(array)).asnumpy()


def constant_value(schedule_or_lr, steps):
    """Reference values of a schedule, or a constant lr broadcast over ``steps`` (float64)."""
    if isinstance(schedule_or_lr, Schedule):
        return schedule_or_lr.reference(steps)
    return np.full(np.shape(steps), float(schedule_or_lr))


# Argument checks. Each raises TypeError for a wrong type and ValueError for a wrong value, naming the argument.

def check_int(name, value, low=None, high=INT32_MAX):
    """An integer (Python or NumPy, never bool) in ``[low, high]``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {value!r} ({type(value).__name__})")
    value = int(value)
    if low is not None and value < low:
        raise ValueError(f"{name} must be >= {low}, got {value}")
    if high is not None and value > high:
        raise ValueError(f"{name} must be <= {high}, got {value}")
    return value


def check_float(name, value, low=None, high=None, low_open=False, high_open=False):
    """A finite real number (never bool) in the given interval; returns a Python float."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r} ({type(value).__name__})")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if low is not None and (value < low or (low_open and value == low)):
        raise ValueError(f"{name} must be {'>' if low_open else '>='} {low}, got {value}")
    if high is not None and (value > high or (high_open and value == high)):
        raise ValueError(f"{name} must be {'<' if high_open else '<='} {high}, got {value}")
    return value


def check_lr(name, value):
    """A learning rate: finite, >= 0, and representable in float32 without overflow."""
    value = check_float(name, value, low=0.0)
    if value > np.finfo(np.float32).max:
        raise ValueError(f"{name} must fit in float32, got {value}")
    return value


def check_choice(name, value, choices):
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {sorted(choices)}, got {value!r}")
    return value


def check_milestones(name, milestones, strictly_increasing=False, low=0):
    """A non-empty list of ints >= low, sorted (strictly, when asked)."""
    if not isinstance(milestones, (list, tuple)):
        raise TypeError(f"{name} must be a list of ints, got {milestones!r}")
    if not milestones:
        raise ValueError(f"{name} must not be empty")
    values = [check_int(f"{name}[{i}]", m, low=low) for i, m in enumerate(milestones)]
    for i in range(1, len(values)):
        if values[i] < values[i - 1] or (strictly_increasing and values[i] == values[i - 1]):
            order = "strictly increasing" if strictly_increasing else "sorted (non-decreasing)"
            raise ValueError(f"{name} must be {order}, got {list(milestones)}")
    return values


def check_schedule(name, value):
    """An ms_lr Schedule."""
    if not isinstance(value, Schedule):
        raise TypeError(f"{name} must be an ms_lr.Schedule, got {value!r} ({type(value).__name__})")
    return value


def check_schedule_or_lr(name, value):
    """A Schedule, or a constant lr (returned as float)."""
    if isinstance(value, Schedule):
        return value
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be an ms_lr.Schedule or a float lr, got {value!r} ({type(value).__name__})")
    return check_lr(name, value)

"""ms_lr: learning-rate schedules as graph-compiled MindSpore ``LearningRateSchedule`` cells.

Every schedule is a :class:`Schedule`; pass it to a ``mindspore.nn`` optimizer as ``learning_rate``.
"""
from ms_lr.base import Schedule, evaluate
from ms_lr.callbacks import ReducibleLR
from ms_lr.config import build, dump, load, register, registered
from ms_lr.compose import Offset, PerEpoch, Product, Scaled, SequentialLR
from ms_lr.cosine import CosineAnnealingLR, CosineAnnealingWarmRestarts, CosineAnnealingWarmupRestarts
from ms_lr.cyclic import CyclicLR, OneCycleLR
from ms_lr.decay import (ConstantLR, ExponentialLR, InverseSqrtLR, LinearLR, MultiStepLR, PolynomialLR, StepLR,
                         WarmupStableDecayLR)
from ms_lr.lambdas import HostLambdaLR, LambdaLR, MultiplicativeLR, TabulatedLR
from ms_lr.swa import SWALR
from ms_lr.warmup import ConstantWarmup, LinearWarmup

__all__ = [
    "Schedule", "evaluate",
    "CosineAnnealingLR", "CosineAnnealingWarmRestarts", "CosineAnnealingWarmupRestarts",
    "LinearWarmup", "ConstantWarmup",
    "StepLR", "MultiStepLR", "ExponentialLR", "ConstantLR", "LinearLR", "PolynomialLR",
    "WarmupStableDecayLR", "InverseSqrtLR",
    "CyclicLR", "OneCycleLR", "SWALR",
    "SequentialLR", "Product", "Scaled", "PerEpoch", "Offset", "ReducibleLR",
    "LambdaLR", "TabulatedLR", "HostLambdaLR", "MultiplicativeLR",
    "build", "load", "dump", "register", "registered",
]

# Every schedule whose arguments are data is buildable by name; LambdaLR, HostLambdaLR and MultiplicativeLR take
# Python functions, which no YAML/JSON config can hold.
for _name in __all__:
    _obj = globals()[_name]
    if isinstance(_obj, type) and issubclass(_obj, Schedule) and _obj is not Schedule and _name not in (
            "LambdaLR", "HostLambdaLR", "MultiplicativeLR"):
        register(_obj)
del _name, _obj
__version__ = "0.1.0"

"""ms_lr: learning-rate schedules as graph-compiled MindSpore ``LearningRateSchedule`` cells.

Every schedule is a :class:`Schedule`; pass it to a ``mindspore.nn`` optimizer as ``learning_rate``. Importing the
package declares (and so registers) every schedule type; the names below are the whole public API.
"""
from ms_lr.config import (
    accepted_names,
    build,
    create_scheduler,
    create_scheduler_v2,
    dump,
    get_scheduler,
    load,
    registered,
)
from ms_lr.core.schedule import Schedule, evaluate
from ms_lr.core.settled import settled_tables
from ms_lr.core.unshared import UnsharedScheduleWarning
from ms_lr.schedules.compose import CooldownLR, Offset, PerEpoch, Product, Scaled, SequentialLR
from ms_lr.schedules.constant import FixedLR
from ms_lr.schedules.cosine import CosineAnnealingLR, CosineAnnealingWarmRestarts, CosineAnnealingWarmupRestarts
from ms_lr.schedules.cycles import CosineCyclesLR, PolyCyclesLR, TanhCyclesLR
from ms_lr.schedules.cyclic import CyclicLR, CyclicMomentum, OneCycleLR, OneCycleMomentum, momentum_schedule
from ms_lr.schedules.decay import (
    ConstantLR,
    ExponentialLR,
    InverseSqrtLR,
    LinearLR,
    MultiStepLR,
    PiecewiseConstantLR,
    PolynomialLR,
    StepLR,
    WarmupStableDecayLR,
)
from ms_lr.schedules.from_mindformers import (
    ConstantWarmUpLR,
    ConstantWithCoolDownLR,
    CosineWithRestartsAndWarmUpLR,
    CosineWithWarmUpLR,
    LinearWithWarmUpLR,
    PolynomialWithWarmUpLR,
)
from ms_lr.schedules.from_mindspore import (
    CosineDecayLR,
    ExponentialDecayLR,
    InverseDecayLR,
    NaturalExpDecayLR,
    PolynomialDecayLR,
    WarmUpLR,
)
from ms_lr.schedules.lambdas import HostLambdaLR, LambdaLR, MultiplicativeLR, TabulatedLR
from ms_lr.schedules.noise import NoisyLR
from ms_lr.schedules.reducible import ReducibleLR
from ms_lr.schedules.swa import SWALR
from ms_lr.schedules.warmup import ConstantWarmup, LinearWarmup
from ms_lr.tools.lr_find import LRFinderResult, lr_find
from ms_lr.training.callbacks import LRMonitor, ReduceLROnPlateau
from ms_lr.training.groups import grouped_lr_schedule
from ms_lr.training.sharing import share_schedules
from ms_lr.training.torch_style import LRScheduler

__all__ = [
    "Schedule", "evaluate", "settled_tables", "registered",
    "CosineAnnealingLR", "CosineAnnealingWarmRestarts", "CosineAnnealingWarmupRestarts",
    "CosineCyclesLR", "TanhCyclesLR", "PolyCyclesLR", "FixedLR",
    "LinearWarmup", "ConstantWarmup",
    "StepLR", "MultiStepLR", "ExponentialLR", "ConstantLR", "LinearLR", "PolynomialLR", "PiecewiseConstantLR",
    "WarmupStableDecayLR", "InverseSqrtLR",
    "CyclicLR", "OneCycleLR", "CyclicMomentum", "OneCycleMomentum", "momentum_schedule", "SWALR",
    "SequentialLR", "Product", "Scaled", "PerEpoch", "Offset", "CooldownLR", "NoisyLR", "ReducibleLR",
    "LambdaLR", "TabulatedLR", "HostLambdaLR", "MultiplicativeLR",
    "CosineDecayLR", "WarmUpLR", "PolynomialDecayLR", "ExponentialDecayLR", "NaturalExpDecayLR", "InverseDecayLR",
    "ConstantWarmUpLR", "LinearWithWarmUpLR", "CosineWithWarmUpLR", "CosineWithRestartsAndWarmUpLR",
    "PolynomialWithWarmUpLR", "ConstantWithCoolDownLR",
    "LRMonitor", "ReduceLROnPlateau", "grouped_lr_schedule", "share_schedules", "UnsharedScheduleWarning",
    "LRScheduler", "lr_find", "LRFinderResult",
    "build", "load", "dump", "accepted_names", "get_scheduler", "create_scheduler_v2", "create_scheduler",
]
__version__ = "0.8.17"

"""ms_lr: learning-rate schedules as graph-compiled MindSpore ``LearningRateSchedule`` cells.

Every schedule is a :class:`Schedule`; pass it to a ``mindspore.nn`` optimizer as ``learning_rate``.
"""
from ms_lr.base import Schedule, evaluate
from ms_lr.cosine import CosineAnnealingLR, CosineAnnealingWarmRestarts, CosineAnnealingWarmupRestarts
from ms_lr.warmup import ConstantWarmup, LinearWarmup

__all__ = [
    "Schedule", "evaluate",
    "CosineAnnealingLR", "CosineAnnealingWarmRestarts", "CosineAnnealingWarmupRestarts",
    "LinearWarmup", "ConstantWarmup",
]
__version__ = "0.1.0"

"""Schedule base class: step shapes and dtypes, clamping, evaluate, config and repr."""
import json

import mindspore as ms
import numpy as np
import pytest
from mindspore import Tensor
from mindspore.nn.learning_rate_schedule import LearningRateSchedule

from mindspore import ops

import ms_lr


def decay_factor(k):
    return ops.pow(0.5, k)


ALL = [
    ms_lr.CosineAnnealingLR(0.1, T_max=50, eta_min=0.001),
    ms_lr.CosineAnnealingWarmRestarts(0.1, T_0=10, T_mult=2),
    ms_lr.CosineAnnealingWarmupRestarts(10, 1.5, max_lr=0.01, min_lr=0.001, warmup_steps=2, gamma=0.9),
    ms_lr.LinearWarmup(ms_lr.CosineAnnealingLR(0.1, T_max=50), warmup_steps=5),
    ms_lr.ConstantWarmup(0.1, warmup_steps=5, warmup_lr=0.01),
    ms_lr.StepLR(0.1, 3), ms_lr.MultiStepLR(0.1, [2, 5]), ms_lr.ExponentialLR(0.1, 0.9), ms_lr.ConstantLR(0.1),
    ms_lr.LinearLR(0.1), ms_lr.PolynomialLR(0.1, 10, 2.0), ms_lr.WarmupStableDecayLR(0.1, 3, 3, 10, decay="1-sqrt"),
    ms_lr.InverseSqrtLR(0.1, 4), ms_lr.CyclicLR(0.01, 0.1, 3, 2, "exp_range", 0.9), ms_lr.OneCycleLR(0.1, 20),
    ms_lr.SWALR(0.1, 0.01, 5), ms_lr.SequentialLR([ms_lr.ConstantLR(0.1), ms_lr.StepLR(0.1, 2)], [4]),
    ms_lr.StepLR(0.1, 3) * ms_lr.LinearLR(1.0), 0.5 * ms_lr.StepLR(0.1, 3), ms_lr.PerEpoch(ms_lr.StepLR(0.1, 1), 3),
    ms_lr.LambdaLR(0.1, decay_factor), ms_lr.TabulatedLR([0.3, 0.2, 0.1]),
    ms_lr.HostLambdaLR(0.1, lambda k: 1 / (k + 1), 10), ms_lr.MultiplicativeLR(0.1, lambda k: 0.9, 10),
]
WITH_CONFIG = [s for s in ALL if not isinstance(s, (ms_lr.LambdaLR, ms_lr.HostLambdaLR, ms_lr.MultiplicativeLR))]


def test_every_schedule_is_a_mindspore_learning_rate_schedule():
    for schedule in ALL:
        assert isinstance(schedule, LearningRateSchedule) and isinstance(schedule, ms_lr.Schedule)


@pytest.mark.parametrize("schedule", ALL, ids=lambda s: type(s).__name__)
@pytest.mark.parametrize("shape", [(), (1,), (7,), (2, 3)])
@pytest.mark.parametrize("dtype", [ms.int32, ms.int64])
def test_output_is_float32_of_the_step_shape(schedule, shape, dtype, mode):
    steps = np.arange(int(np.prod(shape))).reshape(shape) * 3
    out = schedule(Tensor(steps, dtype))
    assert out.dtype == ms.float32 and out.shape == shape
    np.testing.assert_allclose(out.asnumpy(), schedule.reference(steps), rtol=1e-6, atol=1e-12)


@pytest.mark.parametrize("schedule", ALL, ids=lambda s: type(s).__name__)
def test_negative_steps_behave_as_step_zero_and_int64_steps_saturate(schedule):
    first = ms_lr.evaluate(schedule, [0])[0]
    out = schedule(Tensor(np.array([-1, -100, -2**31], dtype=np.int32))).asnumpy()
    np.testing.assert_array_equal(out, first)
    last = schedule(Tensor(np.array([2**31 - 1], dtype=np.int64))).asnumpy()
    beyond = schedule(Tensor(np.array([2**31, 2**40], dtype=np.int64))).asnumpy()
    np.testing.assert_array_equal(beyond, last[0])


def test_evaluate_returns_numpy_float32_of_the_steps_shape():
    values = ms_lr.evaluate(ALL[0], np.arange(12).reshape(3, 4))
    assert isinstance(values, np.ndarray) and values.dtype == np.float32 and values.shape == (3, 4)


@pytest.mark.parametrize("schedule", WITH_CONFIG, ids=lambda s: type(s).__name__)
def test_config_is_json_and_repr_names_every_argument(schedule):
    config = schedule.get_config()
    assert json.loads(json.dumps(config)) == config
    text = repr(schedule)
    assert text.startswith(type(schedule).__name__ + "(")
    for key in config:
        assert f"{key}=" in text


def test_nested_schedule_config_carries_its_type():
    warm = ALL[3]
    assert warm.get_config()["after"] == {"type": "CosineAnnealingLR", "base_lr": 0.1, "T_max": 50, "eta_min": 0.0}

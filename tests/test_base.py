"""Schedule base class: step shapes and dtypes, clamping, evaluate, config and repr."""
import json

import mindspore as ms
import numpy as np
import pytest
from mindspore import Tensor
from mindspore.nn.learning_rate_schedule import LearningRateSchedule

import ms_lr

from strategies import example, schedule_classes

# One instance of every registered type (from its declared argument rules), plus compositions.
ALL = [example(cls) for cls in schedule_classes()] + [
    ms_lr.StepLR(0.1, 3) * ms_lr.LinearLR(1.0), 0.5 * ms_lr.StepLR(0.1, 3),
    ms_lr.CosineAnnealingWarmupRestarts(10, 1.5, max_lr=0.01, min_lr=0.001, warmup_steps=2, gamma=0.9),
]
WITH_CONFIG = [s for s in ALL if type(s).configurable()]


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
    warm = ms_lr.LinearWarmup(ms_lr.CosineAnnealingLR(0.1, T_max=50), warmup_steps=5)
    assert warm.get_config()["after"] == {"type": "CosineAnnealingLR", "base_lr": 0.1, "T_max": 50, "eta_min": 0.0}

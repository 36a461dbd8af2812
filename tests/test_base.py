"""Schedule base class: step shapes and dtypes, clamping, evaluate, config and repr."""
import json

import mindspore as ms
import numpy as np
import pytest
from mindspore import Tensor
from mindspore.nn.learning_rate_schedule import LearningRateSchedule

import ms_lr
from tests.support.strategies import example, schedule_classes

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
    assert warm.get_config()["after"] == {"type": "CosineAnnealingLR", "base_lr": 0.1, "T_max": 50, "eta_min": 0.0,
                                          "hold_floor": False}


STEP_DTYPES = {
    np.int8: [-128, -1, 0, 1, 5, 100, 127], np.uint8: [0, 1, 5, 200, 255], np.int16: [-32768, 0, 5, 32767],
    np.uint16: [0, 5, 40000, 65535], np.int32: [-2**31, 0, 7, 2**31 - 1],
    np.uint32: [0, 5, 2**31 - 1, 2**31, 2**32 - 1], np.int64: [-2**63, 0, 7, 2**31 - 1, 2**31, 2**62],
    np.uint64: [0, 5, 2**31, 2**63, 2**64 - 1],
    np.float16: [-1.5, 0.0, 0.7, 5.9, 65504.0, np.inf, -np.inf, np.nan],
    np.float32: [-3.5, 0.0, 99.99, 2147483520.0, 2.0**31, 3e9, 1e38, np.inf, np.nan],
    np.float64: [-1e300, 0.25, 152.9, 2147483646.5, 2147483647.7, 2.0**31, 3e9, 1e300, np.inf, np.nan],
}
DTYPE_SCHEDULES = [ms_lr.CosineAnnealingLR(0.1, 100), ms_lr.OneCycleLR(0.1, 1000),
                   ms_lr.CosineAnnealingWarmupRestarts(37, 1.5, 0.1, 1e-4, 5, 0.9)]


def _as_step(values):
    """The step a value stands for: the floor, saturated to [0, 2**31 - 1]; NaN as step 0."""
    real = np.nan_to_num(np.asarray(values, dtype=np.float64), nan=0.0, posinf=np.inf, neginf=0.0)
    return np.floor(np.clip(real, 0, 2**31 - 1)).astype(np.int64)


@pytest.mark.parametrize("dtype", sorted(STEP_DTYPES, key=lambda d: d.__name__), ids=lambda d: d.__name__)
def test_every_integer_and_float_step_dtype_floors_and_saturates(dtype, mode):
    # Before: int8 steps all gave one value (the bound 2**31 - 1 cast to int8 is -1); float 3e9 wrapped to step
    # 152; uint16/uint32 raised MindSpore's TypeError.
    raw = STEP_DTYPES[dtype]
    steps = np.array([int(v) for v in raw], dtype=dtype) if np.issubdtype(dtype, np.integer) else \
        np.array(raw, dtype=dtype)
    for schedule in DTYPE_SCHEDULES:
        out = schedule(Tensor(steps))
        assert out.dtype == ms.float32 and out.shape == steps.shape
        np.testing.assert_allclose(out.asnumpy(), schedule.reference(_as_step(steps.astype(np.float64)
                                                                              if dtype == np.uint64 else steps)),
                                   rtol=1e-6, atol=1e-12, err_msg=f"{type(schedule).__name__} {dtype.__name__}")


def test_bfloat16_steps():
    schedule = DTYPE_SCHEDULES[0]
    steps = Tensor(np.array([0.0, 3.0, 50.0, 200.0], np.float32)).astype(ms.bfloat16)
    np.testing.assert_allclose(schedule(steps).asnumpy(), schedule.reference([0, 3, 50, 200]), rtol=1e-6)


@pytest.mark.parametrize("steps, expected", [
    (7, [7]), (np.int64(7), [7]), ([0, 7, 2**31 - 1], [0, 7, 2**31 - 1]), (np.array([0, 7], np.int32), [0, 7]),
    (np.array([[1, 2], [3, 4]], np.uint16), [[1, 2], [3, 4]]), (10**30, [2**31 - 1]), (-5, [0]),
    ([10**30, -10**30], [2**31 - 1, 0]), (2.9, [2]), (np.array([0.5, 99.5]), [0, 99]),
], ids=lambda v: type(v).__name__)
def test_python_ints_and_numpy_arrays_are_accepted(steps, expected, mode):
    # Before: sched(7) raised AttributeError ('Int' object has no attribute 'dtype').
    schedule = ms_lr.CosineAnnealingLR(0.1, 100)
    out = schedule(steps)
    assert isinstance(out, Tensor) and out.dtype == ms.float32
    np.testing.assert_allclose(out.asnumpy().reshape(np.shape(expected)), schedule.reference(expected), rtol=1e-6)


@pytest.mark.parametrize("steps", [True, "7", None, [True, False], Tensor(np.array([True])), 1 + 2j,
                                   Tensor(np.array([1 + 1j], np.complex64)), ["a"]], ids=repr)
def test_steps_that_are_not_numbers_raise_a_type_error_naming_global_step(steps):
    with pytest.raises(TypeError, match="global_step") as info:
        ms_lr.CosineAnnealingLR(0.1, 100)(steps)
    assert "ms_lr.evaluate" in str(info.value)

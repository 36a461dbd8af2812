"""SequentialLR, Product, Scaled, PerEpoch and the * operator."""
import numpy as np
import pytest

import ms_lr
from tests.support.accuracy import assert_close

LAST = 2**31 - 1


def test_sequential_restarts_each_schedule_at_its_milestone_up_to_2_31(mode):
    parts = [ms_lr.LinearLR(0.1, 0.01, 1.0, 100), ms_lr.CosineAnnealingWarmRestarts(0.1, 1000, 2),
             ms_lr.ExponentialLR(0.05, 0.999)]
    schedule = ms_lr.SequentialLR(parts, [100, LAST - 50])
    steps = np.concatenate([np.arange(20_000), np.arange(LAST - 5000, LAST + 1)])
    values = ms_lr.evaluate(schedule, steps)
    assert_close(values, schedule.reference(steps), context="sequential")
    np.testing.assert_allclose(ms_lr.evaluate(schedule, [100, LAST - 50, LAST]),
                               [0.1, 0.05, 0.05 * 0.999**50], rtol=1e-6)


def test_product_scaled_and_operators_compose():
    warm = ms_lr.LinearLR(1.0, 0.1, 1.0, 10)
    decay = ms_lr.CosineAnnealingLR(0.2, 1000)
    steps = np.arange(3000)
    product = warm * decay
    assert isinstance(product, ms_lr.Product)
    assert_close(ms_lr.evaluate(product, steps), warm.reference(steps) * decay.reference(steps))
    scaled = 0.25 * decay
    assert isinstance(scaled, ms_lr.Scaled) and isinstance(decay * 0.25, ms_lr.Scaled)
    assert_close(ms_lr.evaluate(scaled, steps), 0.25 * decay.reference(steps))
    layerwise = [decay * 0.8**depth for depth in range(4)]
    for depth, schedule in enumerate(layerwise):
        assert_close(ms_lr.evaluate(schedule, steps), 0.8**depth * decay.reference(steps))


def test_per_epoch_is_constant_inside_each_epoch_and_exact_near_2_31():
    schedule = ms_lr.PerEpoch(ms_lr.StepLR(1.0, 1, 0.5), steps_per_epoch=2**30)
    values = ms_lr.evaluate(schedule, [0, 2**30 - 1, 2**30, LAST])
    np.testing.assert_array_equal(values, [1.0, 1.0, 0.5, 0.5])
    steps = np.arange(10_000)
    cosine = ms_lr.PerEpoch(ms_lr.CosineAnnealingLR(0.1, 90), 37)
    assert_close(ms_lr.evaluate(cosine, steps), cosine.reference(steps))


INVALID = [
    (lambda: ms_lr.SequentialLR([ms_lr.StepLR(0.1, 5)], []), ValueError, "schedules must hold at least 2"),
    (lambda: ms_lr.SequentialLR([ms_lr.StepLR(0.1, 5), "0.1"], [5]), TypeError, r"schedules\[1\]"),
    (lambda: ms_lr.SequentialLR([ms_lr.StepLR(0.1, 5)] * 3, [5]), ValueError, "milestones"),
    (lambda: ms_lr.SequentialLR([ms_lr.StepLR(0.1, 5)] * 3, [5, 5]), ValueError, "milestones"),
    (lambda: ms_lr.SequentialLR([ms_lr.StepLR(0.1, 5)] * 2, [0]), ValueError, "milestones"),
    (lambda: ms_lr.Product([]), ValueError, "schedules must hold at least 1"),
    (lambda: ms_lr.Product([ms_lr.StepLR(0.1, 5), "x"]), TypeError, r"schedules\[1\]"),
    (lambda: ms_lr.Scaled(0.1, 2.0), TypeError, "schedule"),
    (lambda: ms_lr.Scaled(ms_lr.StepLR(0.1, 5), -1.0), ValueError, "scale"),
    (lambda: ms_lr.PerEpoch(ms_lr.StepLR(0.1, 5), 0), ValueError, "steps_per_epoch"),
    (lambda: ms_lr.PerEpoch(lambda k: k, 5), TypeError, "schedule"),
    (lambda: ms_lr.StepLR(0.1, 5) * "2", TypeError, "multiply"),
]


@pytest.mark.parametrize("make, error, name", INVALID, ids=[f"{i}-{case[2]}" for i, case in enumerate(INVALID)])
def test_bad_arguments_raise_a_clear_error_naming_the_argument(make, error, name):
    with pytest.raises(error, match=name):
        make()


def test_compositions_that_would_overflow_float32_are_refused_by_their_bounds():
    with pytest.raises(ValueError, match="For 'Scaled', scale=1e\\+30 .* 1e\\+60, beyond float32"):
        ms_lr.Scaled(ms_lr.CosineAnnealingLR(1e30, 10), 1e30)
    with pytest.raises(ValueError, match="For 'Product', schedules multiply to an lr of up to 1e\\+60"):
        ms_lr.Product([ms_lr.CosineAnnealingLR(1e30, 10), ms_lr.StepLR(1e30, 10)])
    with pytest.raises(ValueError, match="For 'Product'"):
        ms_lr.CosineAnnealingLR(1e30, 10) * ms_lr.StepLR(1e30, 10)
    big = ms_lr.Scaled(ms_lr.CosineAnnealingLR(1e19, 10), 1e19)     # 1e38 fits
    assert big.upper_bound() == pytest.approx(1e38)
    assert np.isfinite(ms_lr.evaluate(big, np.arange(30))).all()


def test_a_reducible_factor_is_checked_against_the_bound_too():
    reducible = ms_lr.ReducibleLR(ms_lr.StepLR(1e30, 10))
    with pytest.raises(ValueError, match="For 'ReducibleLR', factor=1e\\+10"):
        reducible.set_factor(1e10)
    with pytest.raises(ValueError, match="For 'ReducibleLR', factor must be >= 0"):
        reducible.set_factor(-1.0)
    assert reducible.get_factor() == 1.0

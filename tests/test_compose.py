"""SequentialLR, Product, Scaled, PerEpoch and the * operator."""
import tempfile

import numpy as np
import pytest

import ms_lr
from ms_lr.tools.op_audit import graph_primitives
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


def _graph(schedule):
    with tempfile.TemporaryDirectory() as folder:
        return graph_primitives(schedule, folder)


def test_a_scale_and_constant_factors_are_multiplied_into_the_lrs_before_the_graph_runs():
    steps = np.concatenate([np.arange(3000), np.arange(LAST - 3000, LAST + 1)])
    with ms_lr.settled_tables(0):
        cosine = ms_lr.CosineAnnealingWarmRestarts(0.2, 700, 2, eta_min=0.01)
        # Phase tables that give a negative step the value at step 0 themselves: no clamp added in front either.
        restarts = ms_lr.CosineAnnealingWarmupRestarts(1000, 1.5, 0.1, 1e-4, 100, 0.9)
        warmup = ms_lr.LinearWarmup(ms_lr.CosineAnnealingLR(0.1, 5_000_000), 1000)
        for schedule in (cosine, restarts, warmup):
            scaled, product = 0.3 * schedule, ms_lr.Product([0.5, schedule, ms_lr.FixedLR(4.0)])
            # The rebuilt schedule, not a multiply after it: its graph is the schedule's own, kernel for kernel.
            alone, scaled_graph, product_graph = _graph(schedule), _graph(scaled), _graph(product)
            assert scaled_graph.sequence == alone.sequence and product_graph.sequence == alone.sequence, \
                (alone, scaled_graph, product_graph)
            assert_close(ms_lr.evaluate(scaled, steps), 0.3 * schedule.reference(steps))
            assert_close(ms_lr.evaluate(product, steps), 2.0 * schedule.reference(steps))
            negative = np.array([-(2**31), -1, 0], dtype=np.int32)
            assert (ms_lr.evaluate(product, negative) == ms_lr.evaluate(product, [0])[0]).all()
    assert (0.3 * cosine).scaled.get_config() == {**cosine.get_config(), "base_lr": 0.2 * 0.3, "eta_min": 0.01 * 0.3}
    # A momentum curve has no lr to scale, a plateau factor is a Parameter a callback writes: both are multiplied.
    momentum = ms_lr.CyclicMomentum(0.8, 0.9, 100)
    reducible = ms_lr.ReducibleLR(ms_lr.StepLR(0.1, 5))
    assert momentum.scaled_by(0.5) is None and reducible.scaled_by(0.5) is None
    for unscalable in (momentum, reducible):
        assert (0.5 * unscalable).scaled is None
        assert_close(ms_lr.evaluate(0.5 * unscalable, steps), 0.5 * unscalable.reference(steps))


def test_a_value_under_float32s_smallest_normal_number_is_scaled_before_it_becomes_one():
    """A scale that lifts a tiny lr back, and a product whose first multiply would leave float32's normal range
    before its last brings it back: both exact, where taking the values in float32 first gave 0 (found by the
    property test: 3 * (1e-8 * 1e-30))."""
    steps = np.arange(60)
    tiny_decay = ms_lr.ExponentialLR(1e-30, 0.5)
    lifted = ms_lr.Scaled(tiny_decay, 1e30)
    assert_close(ms_lr.evaluate(lifted, steps), 1e30 * tiny_decay.reference(steps), peak=1.0)
    warmup = ms_lr.WarmupStableDecayLR(0.0, 1, 0, 1, start_lr=1e-30)
    nested = ms_lr.Scaled(ms_lr.Product([1e-8, warmup]), 3.0)
    assert_close(ms_lr.evaluate(nested, [0, 1, 2]), nested.reference([0, 1, 2]))     # 3e-38, not 0
    three = ms_lr.Product([ms_lr.LinearLR(1e-30, 0.5, 1.0, 10), ms_lr.LinearLR(1e-10, 0.5, 1.0, 20),
                           ms_lr.CosineAnnealingLR(1e30, 30)])
    assert_close(ms_lr.evaluate(three, steps), three.reference(steps))
    # Constants alone: their float64 product, as float32 holds it.
    assert (ms_lr.evaluate(ms_lr.Product([1e-20, 1e-20, 3.0]), [0, 5]) == 0.0).all()
    assert ms_lr.evaluate(ms_lr.Product([1e-20, 3.0, 1e10]), [7])[0] == np.float32(3e-10)


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
    # With a LambdaLR (no declared bound) only the constant factors can be checked, and are.
    with pytest.raises(ValueError, match="For 'Product', schedules holds constant factors that multiply to 1e\\+60"):
        ms_lr.Product([ms_lr.LambdaLR(1.0, lambda k: k * 0.0 + 1.0), 1e30, 1e30])
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

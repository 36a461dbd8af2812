"""LinearWarmup and ConstantWarmup: the ramp, the hand-over to the schedule after it, and argument checks."""
import tempfile

import numpy as np
import pytest

import ms_lr
from ms_lr.tools.op_audit import graph_primitives
from tests.support.accuracy import assert_close


def test_linear_warmup_ramps_to_the_schedules_first_value_then_shifts_it():
    after = ms_lr.CosineAnnealingLR(0.1, T_max=20, eta_min=0.01)
    schedule = ms_lr.LinearWarmup(after, warmup_steps=4)
    values = ms_lr.evaluate(schedule, np.arange(30))
    np.testing.assert_allclose(values[:5], [0.0, 0.025, 0.05, 0.075, 0.1], rtol=1e-6)
    np.testing.assert_allclose(values[4:], ms_lr.evaluate(after, np.arange(26)), rtol=1e-6)


def test_linear_warmup_without_prefix_keeps_the_global_clock():
    after = ms_lr.CosineAnnealingLR(0.1, T_max=20)
    schedule = ms_lr.LinearWarmup(after, warmup_steps=4, start_lr=0.01, end_lr=0.09, warmup_prefix=False)
    values = ms_lr.evaluate(schedule, np.arange(30))
    np.testing.assert_allclose(values[:4], [0.01, 0.03, 0.05, 0.07], rtol=1e-6)
    np.testing.assert_allclose(values[4:], ms_lr.evaluate(after, np.arange(4, 30)), rtol=1e-6)


def test_linear_warmup_in_front_of_a_constant():
    schedule = ms_lr.LinearWarmup(0.2, warmup_steps=10, start_lr=0.02)
    values = ms_lr.evaluate(schedule, np.arange(0, 100))
    assert_close(values, schedule.reference(np.arange(100)))
    np.testing.assert_allclose(values[10:], 0.2, rtol=1e-7)


def test_constant_warmup_then_schedule(mode):
    after = ms_lr.CosineAnnealingWarmRestarts(0.1, T_0=7, T_mult=2)
    schedule = ms_lr.ConstantWarmup(after, warmup_steps=3, start_lr=0.001)
    steps = np.arange(5000)
    values = ms_lr.evaluate(schedule, steps)
    np.testing.assert_allclose(values[:3], 0.001, rtol=1e-7)
    assert_close(values, schedule.reference(steps))


def test_nested_warmups_compose():
    inner = ms_lr.ConstantWarmup(ms_lr.CosineAnnealingLR(0.1, T_max=50), warmup_steps=5, start_lr=0.05)
    schedule = ms_lr.LinearWarmup(inner, warmup_steps=10)      # ramps 0 -> 0.05, then the constant warmup
    steps = np.arange(200)
    values = ms_lr.evaluate(schedule, steps)
    assert_close(values, schedule.reference(steps))
    np.testing.assert_allclose(values[10:15], 0.05, rtol=1e-7)



def _in_formula(make):
    """The schedule ``make`` builds, as its formula (no lookup table)."""
    with ms_lr.settled_tables(0):
        return make()


#: Warmups into a schedule held at its peak through them and under the ramp extended after them (the smaller of the
#: two is the lr), and warmups where that does not hold, which select.
UNDER_THE_RAMP = {
    "inverse sqrt": (lambda: ms_lr.InverseSqrtLR(0.1, 4000), True),
    # A ramp nearly flat: the two meet over many steps, where either may be taken.
    "inverse sqrt, a nearly flat ramp": (lambda: ms_lr.InverseSqrtLR(0.1, 40, start_lr=0.0999), True),
    "inverse sqrt, a timescale": (lambda: ms_lr.InverseSqrtLR(0.1, 50, timescale=7), True),
    "inverse sqrt, a warmup down": (lambda: ms_lr.InverseSqrtLR(0.1, 10, start_lr=0.5), False),
    "a decay": (lambda: ms_lr.LinearWarmup(ms_lr.ExponentialLR(0.1, 0.99999), 500), True),
    "a decay, a nearly flat ramp": (
        lambda: ms_lr.LinearWarmup(ms_lr.PolynomialLR(0.1, 5_000_000, 2.0), 64, start_lr=0.09999), True),
    "a decay, to a given end_lr": (
        lambda: ms_lr.LinearWarmup(ms_lr.ExponentialLR(0.1, 0.99999), 500, end_lr=0.05), False),
    "a decay on the global clock": (
        lambda: ms_lr.LinearWarmup(ms_lr.ExponentialLR(0.1, 0.99999), 500, warmup_prefix=False), False),
    "a wave rising past its start": (lambda: ms_lr.LinearWarmup(
        ms_lr.CyclicLR(0.001, 0.1, 3_000_000, mode="exp_range", gamma=0.9999999, cycle_momentum=False), 500), False),
    # It repeats from the warmup's end, where the ramp may be taken: the claim holds one float32 number there.
    "a cosine that repeats from the warmup's end": (
        lambda: _in_formula(lambda: ms_lr.LinearWarmup(ms_lr.CosineAnnealingLR(0.1, 20), 10)), False),
}


@pytest.mark.parametrize("make, under", UNDER_THE_RAMP.values(), ids=list(UNDER_THE_RAMP))
def test_a_rising_warmup_into_a_decay_held_at_its_peak_is_the_smaller_of_the_two(make, under):
    schedule = make()
    with tempfile.TemporaryDirectory() as folder:
        graph = graph_primitives(schedule, folder)
    # One Minimum in place of a comparison and a select.
    assert ("Minimum" in graph.primitives and "Select" not in graph.primitives) == under, graph.sequence
    warmup = schedule._config["warmup_steps"]
    steps = np.concatenate([np.arange(0, 3 * warmup + 20),
                            np.random.default_rng(warmup).integers(0, 2**31 - 1, size=500), [2**31 - 1]])
    assert_close(ms_lr.evaluate(schedule, steps), schedule.reference(steps), context=repr(schedule))

@pytest.mark.parametrize("make", [
    lambda: ms_lr.LinearWarmup(ms_lr.ExponentialLR(1e-33, 0.99999), 100_000),
    lambda: ms_lr.LinearWarmup(ms_lr.ExponentialLR(3e-33, 0.99999), 200_000, start_lr=1e-33),
    lambda: ms_lr.InverseSqrtLR(5e-34, 100_000),
], ids=["from 0", "from an lr", "inverse sqrt"])
def test_a_ramp_whose_slope_is_under_float32s_smallest_normal_number_keeps_its_values(make):
    # 1e-33 / 100,000 = 1e-38 a step: a subnormal slope loses digits, or is flushed to 0 by a device (MindSpore's CPU
    # does on some threads), while the ramp's values, up to 1e-33, are normal numbers the contract holds.
    schedule = make()
    warmup = schedule._config["warmup_steps"]
    steps = np.concatenate([np.arange(0, 2000), np.arange(warmup - 2000, warmup + 2000),
                            np.random.default_rng(1).integers(0, warmup, size=2000)])
    assert_close(ms_lr.evaluate(schedule, steps), schedule.reference(steps), context=repr(schedule))


@pytest.mark.parametrize("make", [
    lambda after: ms_lr.LinearWarmup(after, warmup_steps=0, start_lr=0.5),
    lambda after: ms_lr.ConstantWarmup(after, warmup_steps=0, start_lr=0.5),
], ids=["linear", "constant"])
@pytest.mark.parametrize("after", [0.2, ms_lr.CosineAnnealingWarmRestarts(0.1, T_0=7, T_mult=2)], ids=["constant",
                                                                                                     "sgdr"])
def test_zero_warmup_steps_is_the_schedule_itself(make, after):
    # MindFormers configs are full of warmup_ratio: 0; a warmup of 0 steps must simply be `after`.
    schedule = make(after)
    steps = np.arange(300)
    expected = ms_lr.evaluate(after, steps) if isinstance(after, ms_lr.Schedule) else np.full(300, 0.2, np.float32)
    np.testing.assert_array_equal(ms_lr.evaluate(schedule, steps), expected)
    assert_close(schedule.reference(steps), expected)
    assert ms_lr.evaluate(schedule, [5]).shape == (1,)


INVALID = [
    (lambda: ms_lr.LinearWarmup(0.1, warmup_steps=-1), ValueError, "warmup_steps"),
    (lambda: ms_lr.LinearWarmup(0.1, warmup_steps=2.5), TypeError, "warmup_steps"),
    (lambda: ms_lr.LinearWarmup("cosine", warmup_steps=2), TypeError, "after"),
    (lambda: ms_lr.LinearWarmup(True, warmup_steps=2), TypeError, "after"),
    (lambda: ms_lr.LinearWarmup(-0.1, warmup_steps=2), ValueError, "after"),
    (lambda: ms_lr.LinearWarmup(0.1, warmup_steps=2, start_lr=float("nan")), ValueError, "start_lr"),
    (lambda: ms_lr.LinearWarmup(0.1, warmup_steps=2, end_lr=-1.0), ValueError, "end_lr"),
    (lambda: ms_lr.LinearWarmup(0.1, warmup_steps=2, warmup_prefix=1), TypeError, "warmup_prefix"),
    (lambda: ms_lr.ConstantWarmup(0.1, warmup_steps=-3, start_lr=0.01), ValueError, "warmup_steps"),
    (lambda: ms_lr.ConstantWarmup(0.1, warmup_steps=3, start_lr=None), TypeError, "start_lr"),
    (lambda: ms_lr.ConstantWarmup([0.1], warmup_steps=3, start_lr=0.01), TypeError, "after"),
]


@pytest.mark.parametrize("make, error, name", INVALID, ids=[f"{i}-{case[2]}" for i, case in enumerate(INVALID)])
def test_bad_arguments_raise_a_clear_error_naming_the_argument(make, error, name):
    with pytest.raises(error, match=name):
        make()

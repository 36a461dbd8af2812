"""Decay schedules: cell vs reference over long ranges and near 2**31, exact phase boundaries, argument checks."""
import mindspore as ms
import numpy as np
import pytest
from mindspore import Tensor

import ms_lr
from tests.support.accuracy import assert_close

LAST = 2**31 - 1

SCHEDULES = {
    "step": lambda: ms_lr.StepLR(0.1, 50, 0.99),
    "step-huge": lambda: ms_lr.StepLR(0.1, 2**28, 0.5),
    "multistep": lambda: ms_lr.MultiStepLR(0.1, [20, 35, 45, 2**31 - 5], 0.5),
    "exponential": lambda: ms_lr.ExponentialLR(0.1, 0.9999),
    "exponential-near-1": lambda: ms_lr.ExponentialLR(1.0, 1 - 1e-8),
    "exponential-nearer-1": lambda: ms_lr.ExponentialLR(1.0, 1 - 3e-10),
    "constant": lambda: ms_lr.ConstantLR(0.1, 0.25, 1000),
    "linear": lambda: ms_lr.LinearLR(0.1, 1.0, 0.0, 2**30),
    "polynomial": lambda: ms_lr.PolynomialLR(0.1, LAST, 2.0),
    "polynomial-sqrt": lambda: ms_lr.PolynomialLR(0.1, 100_000, 0.5),
    "wsd-linear": lambda: ms_lr.WarmupStableDecayLR(0.1, 1000, 5000, 50_000),
    "wsd-cosine": lambda: ms_lr.WarmupStableDecayLR(0.1, 0, 10, 2**31 - 20, min_lr=1e-5, decay="cosine"),
    "wsd-1-sqrt": lambda: ms_lr.WarmupStableDecayLR(0.1, 100, 100, 2**30, decay="1-sqrt", start_lr=0.01),
    "inverse-sqrt": lambda: ms_lr.InverseSqrtLR(0.1, 4000),
    "t5-inverse-sqrt": lambda: ms_lr.InverseSqrtLR(0.01, 10_000, start_lr=0.01),
}


def boundary_steps(schedule):
    """Steps around the phase boundaries the arguments imply, plus the last steps before 2**31."""
    c = schedule.get_config()
    marks = [0, LAST]
    for key in ("step_size",):
        if key in c:
            marks += [c[key] * n for n in (1, 2, LAST // c[key])]
    marks += c.get("milestones", [])
    for key in ("total_iters", "warmup_steps"):
        if key in c:
            marks.append(c[key])
    if "decay_steps" in c:
        start = c["warmup_steps"] + c["stable_steps"]
        marks += [start, start + c["decay_steps"]]
    return np.array(sorted({m + d for m in marks for d in range(-3, 4) if 0 <= m + d <= LAST} |
                           set(range(LAST - 3000, LAST + 1))))


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_cell_matches_reference_on_long_ranges_and_boundaries(name, mode):
    schedule = SCHEDULES[name]()
    steps = np.concatenate([np.arange(100_001), boundary_steps(schedule)])
    peak = float(schedule.reference(np.arange(100_001)).max())
    assert_close(ms_lr.evaluate(schedule, steps), schedule.reference(steps), peak=peak, context=name)


def test_step_decay_boundaries_are_exact_near_2_31():
    schedule = ms_lr.StepLR(1.0, 2**24 + 1, 0.999)
    k = (2**24 + 1) * (LAST // (2**24 + 1))       # the last decay below 2**31, the 127th
    a, b = ms_lr.evaluate(schedule, [k - 1, k])
    assert a == pytest.approx(0.999**126, rel=1e-6) and b == pytest.approx(0.999**127, rel=1e-6)


def test_multistep_milestone_near_2_31_applies_on_its_step():
    schedule = ms_lr.MultiStepLR(1.0, [LAST - 1], 0.5)
    np.testing.assert_array_equal(ms_lr.evaluate(schedule, [LAST - 2, LAST - 1, LAST]), [1.0, 0.5, 0.5])


def test_wsd_phases():
    schedule = ms_lr.WarmupStableDecayLR(1.0, warmup_steps=4, stable_steps=3, decay_steps=4, min_lr=0.2)
    values = ms_lr.evaluate(schedule, range(13))
    np.testing.assert_allclose(values, [0, .25, .5, .75, 1, 1, 1, 1, .8, .6, .4, .2, .2], rtol=1e-6, atol=1e-7)


def test_inverse_sqrt_after_warmup_halves_at_four_times_the_warmup():
    values = ms_lr.evaluate(ms_lr.InverseSqrtLR(0.1, 100), [100, 400, 10_000])
    np.testing.assert_allclose(values, [0.1, 0.05, 0.01], rtol=1e-6)


INVALID = [
    (lambda: ms_lr.StepLR(0.1, 0), ValueError, "step_size"),
    (lambda: ms_lr.StepLR(0.1, 10, gamma=-0.1), ValueError, "gamma"),
    (lambda: ms_lr.StepLR(0.1, 10, gamma=1.5), ValueError, "gamma"),
    (lambda: ms_lr.StepLR(0.1, 10.5), TypeError, "step_size"),
    (lambda: ms_lr.MultiStepLR(0.1, [30, 20]), ValueError, "milestones"),
    (lambda: ms_lr.MultiStepLR(0.1, []), ValueError, "milestones"),
    (lambda: ms_lr.MultiStepLR(0.1, [-1, 5]), ValueError, "milestones"),
    (lambda: ms_lr.MultiStepLR(0.1, 10), TypeError, "milestones"),
    (lambda: ms_lr.MultiStepLR(0.1, [10, 20.5]), TypeError, "milestones"),
    (lambda: ms_lr.MultiStepLR(0.1, [10], gamma=-1.0), ValueError, "gamma"),
    (lambda: ms_lr.MultiStepLR(1.0, [1] * 100, gamma=10.0), ValueError, "gamma"),
    (lambda: ms_lr.ExponentialLR(0.1, 0.0), ValueError, "gamma"),
    (lambda: ms_lr.ExponentialLR(0.1, 1.01), ValueError, "gamma"),
    (lambda: ms_lr.ExponentialLR(0.1, float("nan")), ValueError, "gamma"),
    (lambda: ms_lr.ConstantLR(0.1, factor=1.5), ValueError, "factor"),
    (lambda: ms_lr.ConstantLR(0.1, total_iters=0), ValueError, "total_iters"),
    (lambda: ms_lr.LinearLR(0.1, start_factor=0.0), ValueError, "start_factor"),
    (lambda: ms_lr.LinearLR(0.1, end_factor=2.0), ValueError, "end_factor"),
    (lambda: ms_lr.LinearLR(0.1, total_iters=0), ValueError, "total_iters"),
    (lambda: ms_lr.PolynomialLR(0.1, total_iters=-5), ValueError, "total_iters"),
    (lambda: ms_lr.PolynomialLR(0.1, power=-1.0), ValueError, "power"),
    (lambda: ms_lr.WarmupStableDecayLR(0.1, 10, 10, 0), ValueError, "decay_steps"),
    (lambda: ms_lr.WarmupStableDecayLR(0.1, -1, 10, 10), ValueError, "warmup_steps"),
    (lambda: ms_lr.WarmupStableDecayLR(0.1, 10, 10, 10, decay="step"), ValueError, "decay"),
    (lambda: ms_lr.WarmupStableDecayLR(0.1, 2**30, 2**30, 2**30), ValueError, "decay_steps"),
    (lambda: ms_lr.WarmupStableDecayLR(0.1, 10, 10, 10, min_lr=-0.1), ValueError, "min_lr"),
    (lambda: ms_lr.InverseSqrtLR(0.1, 0), ValueError, "warmup_steps"),
    (lambda: ms_lr.InverseSqrtLR(float("inf"), 10), ValueError, "peak_lr"),
]


@pytest.mark.parametrize("make, error, name", INVALID, ids=[f"{i}-{case[2]}" for i, case in enumerate(INVALID)])
def test_bad_arguments_raise_a_clear_error_naming_the_argument(make, error, name):
    with pytest.raises(error, match=name):
        make()


@pytest.mark.parametrize("make", [lambda: ms_lr.StepLR(0.1, 10, gamma=1e-50), lambda: ms_lr.ExponentialLR(0.1, 1e-50),
                                  lambda: ms_lr.StepLR(1e30, 3, gamma=1e-39)],
                         ids=["step", "exponential", "subnormal"])
def test_gammas_below_float32s_range_are_accepted_and_exact(make):
    # gamma rounds to 0 (or a subnormal) in float32; the power used to divide by it.
    schedule = make()
    steps = np.concatenate([np.arange(200), [2**31 - 1]])
    assert_close(ms_lr.evaluate(schedule, steps), schedule.reference(steps))


def test_multistep_gamma_that_overflows_is_a_value_error_not_an_overflow_error():
    with pytest.raises(ValueError, match="For 'MultiStepLR', gamma=1e\\+300 over 2 milestones takes the lr to inf"):
        ms_lr.MultiStepLR(0.1, [10, 20], gamma=1e300)
    growing = ms_lr.MultiStepLR(0.1, [10, 20], gamma=100.0)        # growth that fits float32 is fine
    assert growing.upper_bound() == pytest.approx(1000.0)
    assert_close(ms_lr.evaluate(growing, np.arange(30)), growing.reference(np.arange(30)))


def test_polynomial_powers_beyond_what_float32_holds_are_refused():
    with pytest.raises(ValueError, match="For 'PolynomialLR', power must be <= 5.0, got 6.0"):
        ms_lr.PolynomialLR(0.1, 100, power=6.0)
    for total in (41, 100_003, 2**31 - 1):
        schedule = ms_lr.PolynomialLR(1.0, total, power=5.0)
        steps = np.unique(np.linspace(0, total, 20_001).astype(np.int64))
        assert_close(ms_lr.evaluate(schedule, steps), schedule.reference(steps), context=f"T={total}")


def test_a_power_too_small_for_float32_still_reaches_zero_at_the_end():
    # float32(5e-324) is 0, and 0 ** 0 is 1: the lr used to jump back to base_lr at total_iters.
    schedule = ms_lr.PolynomialLR(1.0, total_iters=5, power=5e-324)
    np.testing.assert_array_equal(ms_lr.evaluate(schedule, [0, 4, 5, 6]), [1.0, 1.0, 0.0, 0.0])
    assert_close(ms_lr.evaluate(schedule, np.arange(10)), schedule.reference(np.arange(10)))


def test_a_power_that_underflowed_stays_zero_at_huge_steps():
    # pow(gamma32, n) underflows to 0 while 2**(n * rounding correction) overflowed to inf: 0 * inf was NaN.
    schedule = ms_lr.ExponentialLR(1.0, 7.981983420229927e-09)
    values = ms_lr.evaluate(schedule, [0, 1, 2_048_379_584, 2**31 - 1])
    assert np.isfinite(values).all()
    assert_close(values, schedule.reference([0, 1, 2_048_379_584, 2**31 - 1]))


def test_inverse_sqrt_after_a_warmup_past_2_22_steps_counts_the_steps_since_it_in_int32():
    # W = 2**25 - 4, tau = 1: the denominator near W is about 1, below a float32 step's rounding there (the folded
    # form gave 0, an infinite or NaN lr).
    for peak in (0.0, 1.0):
        schedule = ms_lr.InverseSqrtLR(peak, 33554428, timescale=1)
        steps = np.array([0, 33554427, 33554428, 33554429, 33554431, 33555428, 2**31 - 1])
        assert_close(ms_lr.evaluate(schedule, steps), schedule.reference(steps))


@pytest.mark.parametrize("limit", [0, 2**20], ids=["formula", "lookup"])
def test_an_exp_decay_to_a_tiny_ratio_keeps_its_precision(limit):
    # ln(2.2e-16) = -36: a float32 fraction of the decay (as the weights took before 0.8.10) had its rounding
    # multiplied by 36, 2.2e-6 at step 0, past the contract. The property test found it.
    with ms_lr.settled_tables(limit):
        schedule = ms_lr.WarmupStableDecayLR(1.0, 0, 0, 227, decay="exp", decay_ratio=2.220446049250313e-16)
    steps = np.arange(0, 230)
    assert_close(ms_lr.evaluate(schedule, steps), schedule.reference(steps), context="exp to 2.2e-16")


def test_a_power_of_a_fraction_near_1_is_never_negative_where_it_is_below_float64s_rounding():
    """x**k from 1 - x: 1 + expm1(k log x) rounded to -1.1e-16 where x**k is 4.6e-40 (a property test's draw gave a
    negative lr); it is exp(k log x) now."""
    ms.set_context(mode=ms.PYNATIVE_MODE)
    with ms_lr.settled_tables(0):
        schedule = ms_lr.PolyCyclesLR(peak_lr=0.0, cycle_steps=653, min_lr=1.0, cycle_limit=3, k_decay=415.125)
    steps = np.arange(1306, 1959)
    values = schedule(Tensor(steps.astype(np.int32))).asnumpy()
    assert (values >= 0).all(), values.min()
    assert_close(values, schedule.reference(steps), peak=1.0, context="PolyCyclesLR(k_decay=415.125)")

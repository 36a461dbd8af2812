"""Hypothesis properties: every schedule, for any valid arguments and any step in [0, 2**31 - 1], is finite, >= 0,
within its declared bound and within the accuracy contract of its reference; any broken argument is named in the
error; and every schedule with a torch counterpart matches it. The registry-wide tests derive their arguments from
each class's declared rules, so a new schedule type joins them by being declared."""
import os

import mindspore as ms
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from mindspore import Tensor

import ms_lr
from ms_lr.core.arguments import FLOAT32_MAX, LrRule, LrTableRule
from ms_lr.core.schedule import ScheduleListRule, ScheduleOrLrRule, ScheduleRule
from ms_lr.tools.torch_oracle import torch_values
from tests.support.accuracy import SLACK, assert_close
from tests.support.strategies import example, invalid_arguments, schedule_classes, short_tables, valid_configs

LAST = 2**31 - 1
# 0, or an lr float32 holds as a normal number: below 1.2e-38 values are subnormal and CPUs flush them to 0.
lrs = st.one_of(st.just(0.0), st.floats(min_value=1e-30, max_value=10.0))
steps = st.lists(st.integers(min_value=-10, max_value=LAST), min_size=1, max_size=64)
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def within(values, low, high):
    assert np.isfinite(values).all()
    tol = 1e-6 * max(abs(high), abs(low), 1e-30)
    assert (values >= low - tol).all() and (values <= high + tol).all(), (values.min(), values.max(), low, high)


@SETTINGS
@given(base=lrs, eta_min=lrs, T_max=st.integers(1, LAST), at=steps)
def test_cosine_annealing_stays_between_eta_min_and_base(base, eta_min, T_max, at):
    schedule = ms_lr.CosineAnnealingLR(base, T_max, eta_min)
    values = ms_lr.evaluate(schedule, at).astype(np.float64)
    within(values, min(base, eta_min), max(base, eta_min))
    assert_close(values, schedule.reference(at), peak=max(base, eta_min, 1e-30))


@SETTINGS
@given(base=lrs, eta_min=lrs, T_0=st.integers(1, 10**6), T_mult=st.integers(1, 5), at=steps)
def test_warm_restarts_stay_between_eta_min_and_base(base, eta_min, T_0, T_mult, at):
    schedule = ms_lr.CosineAnnealingWarmRestarts(base, T_0, T_mult, eta_min)
    values = ms_lr.evaluate(schedule, at).astype(np.float64)
    within(values, min(base, eta_min), max(base, eta_min))
    assert_close(values, schedule.reference(at), peak=max(base, eta_min, 1e-30))


@SETTINGS
@given(first=st.integers(2, 10**5), mult=st.floats(1.0, 4.0), max_lr=lrs, min_lr=lrs,
       warm_fraction=st.floats(0.0, 0.99), gamma=st.floats(0.5, 1.0, exclude_min=True), at=steps)
def test_warmup_restarts_stay_between_min_and_first_peak(first, mult, max_lr, min_lr, warm_fraction, gamma, at):
    warmup = int(warm_fraction * (first - 1))
    schedule = ms_lr.CosineAnnealingWarmupRestarts(first, mult, max_lr, min_lr, warmup, gamma)
    values = ms_lr.evaluate(schedule, at).astype(np.float64)
    assert np.isfinite(values).all() and (values >= 0).all()
    within(values, 0.0, max(max_lr, min_lr))
    assert_close(values, schedule.reference(at), peak=max(max_lr, min_lr, 1e-30))


@SETTINGS
@given(start=lrs, end=lrs, warmup=st.integers(1, 10**6), at=steps)
def test_linear_warmup_stays_between_start_and_end(start, end, warmup, at):
    schedule = ms_lr.LinearWarmup(end, warmup, start_lr=start)
    values = ms_lr.evaluate(schedule, at).astype(np.float64)
    within(values, min(start, end), max(start, end))


# --- every registered type, from its declared argument rules ---------------------------------------------------------

CLASSES = schedule_classes()
TORCH_CLASSES = [c for c in CLASSES if c.torch_counterpart]
any_steps = st.lists(st.one_of(st.integers(0, 3000), st.integers(0, LAST)), min_size=1, max_size=24)
# CI draws 20 configs per type (and 15 for the other properties); MS_LR_PROPERTY_EXAMPLES=300 digs deeper.
EXAMPLES = int(os.environ.get("MS_LR_PROPERTY_EXAMPLES", "20"))
REGISTRY_SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
OTHER_SETTINGS = settings(max_examples=max(EXAMPLES * 3 // 4, 1), deadline=None,
                          suppress_health_check=list(HealthCheck))


def _construct(cls, kwargs):
    """The schedule, or None (discarded) when the constructor refuses a combination; a refusal must still name
    the class and one of the arguments."""
    kwargs = short_tables(cls, kwargs)
    try:
        return cls(**kwargs)
    except (TypeError, ValueError) as error:
        message = str(error)
        assert message.startswith(f"For '{cls.__name__}', ") and any(name in message for name in cls._rules), message
        return None


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
@REGISTRY_SETTINGS
@given(data=st.data())
def test_any_valid_config_gives_finite_lrs_within_the_bound_and_the_reference(cls, data):
    ms.set_context(mode=ms.PYNATIVE_MODE)        # op by op: no graph compile per random schedule
    schedule = _construct(cls, data.draw(valid_configs(cls), label="arguments"))
    assume(schedule is not None)
    at = data.draw(any_steps, label="steps")
    reference = schedule.reference(at)
    bound = schedule.upper_bound()
    if bound is None:
        # A user function (LambdaLR) has no declared bound, so a composition holding one cannot check that it fits
        # float32 (documented); a draw whose exact values leave float32 is the user's overflow.
        assume(np.abs(reference).max() <= FLOAT32_MAX)
    values = schedule(Tensor(np.array(at, dtype=np.int32))).asnumpy().astype(np.float64)
    assert np.isfinite(values).all() and (values >= 0).all(), values
    if bound is not None:
        # float32 rounds a subnormal value by up to half its spacing (7e-46), which no relative margin covers: the
        # contract's SLACK (two smallest normals, under which a value counts as 0) does.
        assert (values <= bound * (1 + 1e-6) + SLACK).all() and (reference <= bound * (1 + 1e-12)).all(), \
            (values, bound)
    scale = bound if bound else float(np.abs(reference).max())
    assert_close(values, reference, peak=max(scale, 1e-30), context=repr(schedule))


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
@OTHER_SETTINGS
@given(data=st.data())
def test_one_broken_argument_is_named_in_the_error(cls, data):
    kwargs = data.draw(valid_configs(cls), label="arguments")
    name, value, error = data.draw(st.sampled_from(invalid_arguments(cls)), label="broken")
    with pytest.raises(error) as info:
        cls(**{**short_tables(cls, kwargs), name: value})
    assert str(info.value).startswith(f"For '{cls.__name__}', ") and name in str(info.value), str(info.value)


@pytest.mark.parametrize("cls", TORCH_CLASSES, ids=lambda c: c.__name__)
@OTHER_SETTINGS
@given(data=st.data())
def test_random_configs_match_the_torch_counterpart(cls, data):
    ms.set_context(mode=ms.PYNATIVE_MODE)
    schedule = _construct(cls, data.draw(valid_configs(cls), label="arguments"))
    assume(schedule is not None)
    try:
        expected = torch_values(schedule, 400)
    except ZeroDivisionError:
        # torch's own ConstantLR(factor=0) divides by the factor at total_iters; ms_lr returns base_lr there.
        assume(False)
    assume(expected is not None)                   # an ms_lr-only argument away from its default
    # torch's recursive formulas divide by the previous factor: LinearLR(start_factor=5e-324) is inf from step 1.
    assume(np.isfinite(expected).all())
    steps = np.arange(len(expected))
    peak = max(schedule.upper_bound(), 1e-30)
    # torch's recursive float64 formulas drift by ~1e-11 of the peak near 0: a looser absolute floor against torch.
    assert_close(schedule.reference(steps), expected, peak=peak, absolute=1e-9,
                 context=f"{schedule!r} reference vs torch")
    assert_close(schedule(Tensor(steps.astype(np.int32))).asnumpy(), expected, peak=peak, absolute=1e-9,
                 context=f"{schedule!r} cell vs torch")


def _lr_valued(cls):
    return any(isinstance(getattr(rule, "inner", rule), (LrRule, LrTableRule, ScheduleRule, ScheduleOrLrRule,
                                                         ScheduleListRule)) for rule in cls._rules.values())


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_every_schedule_with_an_lr_argument_and_no_parameter_can_be_scaled_and_no_other(cls):
    schedule = example(cls)
    for factor in (0.5, 3.0):
        scaled = schedule.scaled_by(factor)
        assert (scaled is not None) == (_lr_valued(cls) and not list(schedule.get_parameters())), (schedule, factor)
        assert scaled is None or type(scaled) is cls


# A schedule holding a Parameter (a plateau factor) is never rebuilt: the callback writes the one it holds.
@pytest.mark.parametrize("cls", [c for c in CLASSES if _lr_valued(c) and not list(example(c).get_parameters())],
                         ids=lambda c: c.__name__)
@OTHER_SETTINGS
@given(data=st.data())
def test_a_schedule_scaled_by_a_factor_is_the_schedule_times_the_factor(cls, data):
    """``scaled_by``, which ``Scaled`` and ``Product`` compute with, rebuilds a schedule from its arguments with its
    lrs scaled: the rebuilt schedule's own reference must be the factor times the original's, for every type (a
    type whose value is not a weighted sum of its lr arguments must not be rebuilt)."""
    schedule = _construct(cls, data.draw(valid_configs(cls), label="arguments"))
    assume(schedule is not None)
    factor = data.draw(st.one_of(st.floats(1e-6, 1e6), st.sampled_from([0.0, 1e-25, 1e25])), label="factor")
    scaled = schedule.scaled_by(factor)
    assume(scaled is not None)
    at = data.draw(any_steps, label="steps")
    original = schedule.reference(at)
    peak = schedule.upper_bound()
    peak = float(np.abs(original).max()) if peak is None else peak
    np.testing.assert_allclose(scaled.reference(at), factor * original, rtol=1e-12, atol=1e-12 * factor * peak,
                               err_msg=f"{schedule!r} scaled by {factor}: {scaled!r}")

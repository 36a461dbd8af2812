"""Hypothesis properties: every schedule is finite and stays within the bounds its arguments imply, at any step."""
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ms_lr

from accuracy import assert_close

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

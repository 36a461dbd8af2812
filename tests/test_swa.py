"""SWALR: the anneal to swa_lr and the hold after it."""
import numpy as np
import pytest

import ms_lr
from tests.support.accuracy import assert_close


@pytest.mark.parametrize("strategy", ["cos", "linear"])
def test_anneals_then_holds_swa_lr_up_to_2_31(strategy, mode):
    schedule = ms_lr.SWALR(0.1, 1e-4, anneal_epochs=10_000, anneal_strategy=strategy)
    steps = np.concatenate([np.arange(20_000), [2**31 - 1]])
    values = ms_lr.evaluate(schedule, steps)
    assert_close(values, schedule.reference(steps), context=strategy)
    np.testing.assert_allclose(values[10_000:], 1e-4, rtol=1e-6)


INVALID = [
    (lambda: ms_lr.SWALR(0.1, 0.05, anneal_epochs=-1), ValueError, "anneal_epochs"),
    (lambda: ms_lr.SWALR(0.1, 0.05, anneal_strategy="exp"), ValueError, "anneal_strategy"),
    (lambda: ms_lr.SWALR(0.1, -0.05), ValueError, "swa_lr"),
    (lambda: ms_lr.SWALR(0.1, 0.05, anneal_epochs=2.5), TypeError, "anneal_epochs"),
]


@pytest.mark.parametrize("make, error, name", INVALID, ids=[f"{i}-{case[2]}" for i, case in enumerate(INVALID)])
def test_bad_arguments_raise_a_clear_error_naming_the_argument(make, error, name):
    with pytest.raises(error, match=name):
        make()

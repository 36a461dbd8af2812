"""The construction errors the new shapes raise beyond their argument rules, each naming the argument and the fix."""
import time
from fractions import Fraction

import mindspore as ms
import numpy as np
import pytest
from mindspore import Tensor

import ms_lr
from tests.support.accuracy import assert_close

CASES = [
    (lambda: ms_lr.CosineCyclesLR(0.1, 17, cycle_mul=0.8, cycle_limit=1000), ValueError,
     r"cycle_mul=0.8 makes cycle 13 .* every cycle must be at least one step"),
    (lambda: ms_lr.TanhCyclesLR(0.1, 10, lb=3.0, ub=-7.0), ValueError, r"lb must be below ub"),
    (lambda: ms_lr.WarmupStableDecayLR(0.1, 0, 10, 10, stable="rsqrt"), ValueError,
     r"stable='rsqrt' needs a timescale.*give stable_timescale"),
    (lambda: ms_lr.InverseSqrtLR(0.1, 0), ValueError, r"warmup_steps=0 needs a timescale.*give timescale"),
    (lambda: ms_lr.CooldownLR(ms_lr.FixedLR(0.1), 2**31 - 10, 20), ValueError,
     r"start_step \+ cooldown_steps must be <= 2\*\*31 - 1"),
    (lambda: ms_lr.NoisyLR(ms_lr.FixedLR(0.1), 100, 50), ValueError, r"end_step must be after start_step"),
    (lambda: ms_lr.NoisyLR(ms_lr.FixedLR(0.1), pct=1.0), ValueError, r"pct must be < 1.0"),
    (lambda: ms_lr.SequentialLR([ms_lr.FixedLR(0.1), "1e-5"], [5]), TypeError, r"schedules\[1\]"),
    (lambda: ms_lr.CosineCyclesLR(0.1, 1, cycle_mul=1.00001, cycle_limit=10**6), ValueError,
     r"cycle_mul=1.00001 makes more than 65,536 cycles"),
    (lambda: ms_lr.CyclicMomentum(0.8, 0.9, step_size_up=2**30, step_size_down=2**30), ValueError,
     r"^For 'CyclicMomentum', step_size_up \+ step_size_down must be <= 2\*\*31 - 1"),
]


@pytest.mark.parametrize("make, error, pattern", CASES, ids=[f"case{i}" for i in range(len(CASES))])
def test_a_bad_shape_argument_is_named_at_construction(make, error, pattern):
    with pytest.raises(error, match=pattern):
        make()


@pytest.mark.parametrize("cycle_mul", [1.00001, 1.001, 2.0])
def test_many_cycles_are_counted_quickly_and_their_restarts_exactly(cycle_mul):
    """A multiplier near 1 makes thousands of cycles: their starts are counted in well under a second (exact
    rational powers took minutes), and each restart is the ceiling of the exact rational start."""
    began = time.perf_counter()
    try:
        schedule = ms_lr.CosineCyclesLR(0.1, 3, cycle_mul=cycle_mul, cycle_limit=10**6)
    except ValueError:
        schedule = None          # more cycles than the table holds: refused, also quickly
    assert time.perf_counter() - began < 5.0
    if schedule is None:
        return
    mult, start, length, restarts = Fraction(cycle_mul), Fraction(0), Fraction(3), []
    for _ in schedule.starts_list[:200]:
        start, length = start + length, length * mult
        restarts.append(-(-start.numerator // start.denominator))
    assert schedule.starts_list[:200] == restarts


def test_one_step_cycles_without_a_limit_build_quickly_and_list_their_restarts_up_to_a_step():
    """Periodic cycles list their restarts on demand: one-step cycles with a limit past the int32 range held a Python
    list of every restart (479 M of them took 20 GB in a property test draw)."""
    began = time.perf_counter()
    schedule = ms_lr.CosineCyclesLR(0.1, 1, cycle_limit=479_001_601)
    assert time.perf_counter() - began < 1.0
    assert schedule.boundaries(12) == list(range(1, 13))
    assert ms_lr.CosineCyclesLR(0.1, 7, cycle_limit=5).boundaries(100) == [7, 14, 21, 28, 35]   # the floor's at 35
    assert ms_lr.CosineCyclesLR(0.1, 2**30, cycle_limit=5).boundaries(2**31 - 1) == [2**30]


def test_the_reference_of_many_growing_cycles_is_quick_and_agrees_with_the_cell_at_the_last_restarts():
    """53,740 cycles (a multiplier of 1.0001 up to the int32 end): the reference's starts no longer grow as exact
    rationals of 52 j bits (2,000 cycles took 11 s, 4,000 78 s), and its restarts are the cell's."""
    ms.set_context(mode=ms.PYNATIVE_MODE)
    schedule = ms_lr.CosineCyclesLR(0.1, 1000, cycle_mul=1.0001, cycle_limit=10**6)
    restarts = np.array(schedule.boundaries(2**31 - 1)[-50:], dtype=np.int64)
    steps = np.concatenate([restarts - 1, restarts, [2**31 - 1]])
    began = time.perf_counter()
    reference = schedule.reference(steps)
    assert time.perf_counter() - began < 20.0
    values = schedule(Tensor(steps.astype(np.int32))).asnumpy()
    assert_close(values, reference, peak=0.1, context="CosineCyclesLR(cycle_mul=1.0001)")
    # A restart is the peak again: the step before it is near the floor.
    assert (reference[50:100] > 0.099).all() and (reference[:50] < 1e-3).all()

"""The construction errors the new shapes raise beyond their argument rules, each naming the argument and the fix."""
import time
from fractions import Fraction

import pytest

import ms_lr

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

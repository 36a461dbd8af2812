"""Cosine schedules: cell vs the float64 reference over whole sequences and around every restart up to 2**31 - 1."""
import math
import tempfile

import mindspore as ms
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mindspore import Tensor

import ms_lr
from ms_lr.graph.search import SortedSteps
from ms_lr.tools.op_audit import graph_primitives
from tests.support.accuracy import TINY, assert_close

LAST = 2**31 - 1

SCHEDULES = {
    "cosine": lambda: ms_lr.CosineAnnealingLR(0.1, T_max=1000),
    "cosine-eta_min": lambda: ms_lr.CosineAnnealingLR(0.05, T_max=777, eta_min=1e-4),
    "cosine-rising": lambda: ms_lr.CosineAnnealingLR(0.001, T_max=300, eta_min=0.1),
    "cosine-2**30": lambda: ms_lr.CosineAnnealingLR(1.0, T_max=2**30),
    "sgdr": lambda: ms_lr.CosineAnnealingWarmRestarts(0.1, T_0=10),
    "sgdr-x2": lambda: ms_lr.CosineAnnealingWarmRestarts(0.1, T_0=7, T_mult=2, eta_min=1e-3),
    "sgdr-x3": lambda: ms_lr.CosineAnnealingWarmRestarts(0.1, T_0=10, T_mult=3),
    "sgdr-x2-rising": lambda: ms_lr.CosineAnnealingWarmRestarts(0.001, T_0=5, T_mult=2, eta_min=0.1),
    "seed000": lambda: ms_lr.CosineAnnealingWarmupRestarts(10, 1.0, max_lr=0.01, min_lr=0.001, warmup_steps=2,
                                                         gamma=0.9),
    "seed000-x1.5": lambda: ms_lr.CosineAnnealingWarmupRestarts(100, 1.5, max_lr=0.1, min_lr=0.0, warmup_steps=5,
                                                              gamma=0.99),
    "seed000-x1.01-frozen": lambda: ms_lr.CosineAnnealingWarmupRestarts(20, 1.01, max_lr=0.1, min_lr=1e-4),
    "seed000-x1.01-growing": lambda: ms_lr.CosineAnnealingWarmupRestarts(300, 1.01, max_lr=0.1, min_lr=1e-5,
                                                                       warmup_steps=50, gamma=0.999),
    "seed000-gamma-near-1": lambda: ms_lr.CosineAnnealingWarmupRestarts(50, 1.0, max_lr=0.1, min_lr=0.0,
                                                                      warmup_steps=3, gamma=1 - 1e-7),
    # A decaying peak that stays above min_lr through 2**31 - 1 (one-weight mix, per-cycle rises), and one that
    # falls below it (two-weight mix).
    "seed000-decay-above-floor": lambda: ms_lr.CosineAnnealingWarmupRestarts(1000, 1.5, max_lr=0.1, min_lr=1e-4,
                                                                           warmup_steps=100, gamma=0.9),
    "seed000-decay-under-floor": lambda: ms_lr.CosineAnnealingWarmupRestarts(10, 2.0, max_lr=0.1, min_lr=0.05,
                                                                           warmup_steps=2, gamma=0.5),
    # The last cycle's end is past 2**31 - 1 and 2**31 - 1 only 27% into its cosine: its anchor moves back a period
    # (no shift of the steps), and negative steps are a phase of the table (no clamp).
    "seed000-last-anchor-moved": lambda: ms_lr.CosineAnnealingWarmupRestarts(12345, 1.5, max_lr=0.1, min_lr=1e-4,
                                                                           warmup_steps=1234, gamma=0.9),
    # No warmup: step 0 (min_lr) is a phase of its own in the phase table.
    "seed000-no-warmup-decay": lambda: ms_lr.CosineAnnealingWarmupRestarts(7, 1.5, max_lr=0.1, min_lr=1e-4,
                                                                         gamma=0.9),
    # Cycles of one length and a decaying peak: a height per cycle times a shape per position (graph/waves.py).
    # The package's own example: its peak falls under min_lr (both weights), negligible from cycle 123 on.
    "seed000-one-length-example": lambda: ms_lr.CosineAnnealingWarmupRestarts(200, 1.0, max_lr=0.1, min_lr=0.001,
                                                                            warmup_steps=50, gamma=0.5),
    "seed000-one-length-under-floor": lambda: ms_lr.CosineAnnealingWarmupRestarts(200, 1.0, max_lr=0.1,
                                                                                min_lr=0.001, warmup_steps=50,
                                                                                gamma=0.99),
    "seed000-one-length-no-warmup": lambda: ms_lr.CosineAnnealingWarmupRestarts(200, 1.0, max_lr=0.1, min_lr=0.001,
                                                                              gamma=0.99),
    "seed000-one-length-zero-floor": lambda: ms_lr.CosineAnnealingWarmupRestarts(1000, 1.0, max_lr=0.1, min_lr=0.0,
                                                                               warmup_steps=100, gamma=0.999),
    # Every peak above min_lr through 2**31 - 1: peak - min_lr per cycle, for all 524,288 cycles (no clamp).
    "seed000-one-length-above-floor": lambda: ms_lr.CosineAnnealingWarmupRestarts(4096, 1.0, max_lr=0.1,
                                                                                min_lr=1e-4, warmup_steps=96,
                                                                                gamma=0.999995),
}


def restarts(schedule):
    """Every restart step in [0, 2**31 - 1], from exact Python integers (independent of the cell's table)."""
    config = schedule.get_config()
    if isinstance(schedule, ms_lr.CosineAnnealingLR):
        period = config["T_max"]   # every T_max steps the curve turns (trough or top)
        return list(range(0, LAST + 1, period)) if LAST // period < 64 else \
            [period * n for n in (0, 1, 2, LAST // period - 1, LAST // period)]
    if isinstance(schedule, ms_lr.CosineAnnealingWarmRestarts):
        first, grow = config["T_0"], (lambda t: t * config["T_mult"])
    else:
        warm, mult = config["warmup_steps"], config["cycle_mult"]
        first, grow = config["first_cycle_steps"], (lambda t: int((t - warm) * mult) + warm)
    starts, length = [0], first
    while starts[-1] + length <= LAST:
        starts.append(starts[-1] + length)
        following = grow(length)
        if following == length:
            # Periodic from here: the first few and the last few restarts below 2**31.
            last_start = starts[-1] + (LAST - starts[-1]) // length * length
            return starts + [last_start - length * i for i in range(3, -1, -1)]
        length = following
    return starts


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_cell_matches_reference_on_every_step_to_100000(name, mode):
    schedule = SCHEDULES[name]()
    steps = np.arange(100_001)
    assert_close(ms_lr.evaluate(schedule, steps), schedule.reference(steps), context=name)


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_cell_matches_reference_around_every_restart_up_to_2_31(name, mode):
    schedule = SCHEDULES[name]()
    around = np.array(sorted({s + d for s in restarts(schedule) for d in range(-3, 4) if 0 <= s + d <= LAST}))
    tail = np.arange(LAST - 2000, LAST + 1)
    steps = np.concatenate([around, tail])
    peak = float(np.abs(schedule.reference(np.arange(1000))).max())
    assert_close(ms_lr.evaluate(schedule, steps), schedule.reference(steps), peak=peak, context=name)


WAVES = ("Maximum", "FloorDiv", "Minimum", "Gather", "FloorMod", "Gather", "Addcmul")
# The floor's gather by the position first, as MindSpore orders it.
BOTH_WEIGHTS = ("Maximum", "FloorMod", "Gather", "FloorDiv", "Minimum", "Gather", "Gather", "Addcmul")


@pytest.mark.parametrize("name, sequence, after", [
    ("seed000-one-length-under-floor", BOTH_WEIGHTS, "repeats"),
    ("seed000-one-length-no-warmup", ("Maximum", "Equal") + BOTH_WEIGHTS[1:] + ("Select",), "repeats"),
    ("seed000-one-length-zero-floor", WAVES, "settles"),
    ("seed000-one-length-above-floor", tuple(op for op in WAVES if op != "Minimum"), None),
])
def test_restarts_of_one_length_with_a_decaying_peak_are_two_gathers_and_one_product(name, sequence, after):
    # The formula launched 26 to 30 kernels (the cycle's position, an exact power of the cycle, the warmup's and the
    # cosine's weights and a select; counted from the saved IR).
    schedule = SCHEDULES[name]()
    with tempfile.TemporaryDirectory() as folder:
        graph = graph_primitives(schedule, folder)
    assert not schedule.tabulated and graph.sequence == sequence, graph
    if after is None:
        assert schedule.repeats() is None
        return
    # From the first cycle whose peak is under float32's smallest normal number (the contract's 0): min_lr * w_low
    # of the position, or 0 with a floor of 0.
    config = schedule.get_config()
    length = config["first_cycle_steps"]
    first = math.ceil(math.log(TINY / (1 + 1e-6) / config["max_lr"]) / math.log(config["gamma"]))
    assert schedule.repeats() == (first * length, length if after == "repeats" else 1)


def test_the_package_example_repeats_from_where_its_peak_vanishes_and_is_a_lookup():
    schedule = SCHEDULES["seed000-one-length-example"]()
    assert schedule.repeats() == (123 * 200, 200) and schedule.tabulated
    with ms_lr.settled_tables(0):
        formula = SCHEDULES["seed000-one-length-example"]()
    steps = np.concatenate([np.arange(30_000), np.arange(LAST - 1000, LAST + 1)])
    np.testing.assert_array_equal(ms_lr.evaluate(schedule, steps), ms_lr.evaluate(formula, steps))


def test_sgdr_restart_lands_on_the_exact_step_where_float_log_does_not():
    # T_0=10, T_mult=3: cycles start at 0, 10, 40, 130, 400, 1210. The closed-form log(1210/10*2+1, 3) in float64
    # is 4.999..., which puts step 1210 at the end of cycle 4.
    assert int(math.log(1210 / 10 * (3 - 1) + 1, 3)) == 4
    schedule = ms_lr.CosineAnnealingWarmRestarts(0.1, T_0=10, T_mult=3)
    values = ms_lr.evaluate(schedule, [1209, 1210, 1211])
    assert values[1] == pytest.approx(0.1, rel=1e-7)          # the restart: back at base_lr
    assert values[0] < 1e-5 and values[2] < values[1]


def test_sgdr_restarts_are_exact_for_every_cycle_below_2_31():
    schedule = ms_lr.CosineAnnealingWarmRestarts(1.0, T_0=3, T_mult=2)
    starts = [3 * (2**n - 1) for n in range(30) if 3 * (2**n - 1) <= LAST]
    values = ms_lr.evaluate(schedule, starts)
    before = ms_lr.evaluate(schedule, [s - 1 for s in starts[1:]])
    np.testing.assert_allclose(values, 1.0, rtol=1e-7)
    assert (before < 0.8).all()    # the step before each restart is still in the previous cycle's descent


def test_cosine_past_t_max_climbs_back_like_torch():
    schedule = ms_lr.CosineAnnealingLR(0.1, T_max=10, eta_min=0.01)
    values = ms_lr.evaluate(schedule, [10, 15, 20, 30])
    np.testing.assert_allclose(values, [0.01, 0.055, 0.1, 0.01], rtol=1e-6)


def test_last_steps_of_a_2_30_cosine_keep_relative_precision():
    # 0.5 * (1 + cos(pi * k / T)) in float32 is 0 or noise for the last ~2**15 steps of such a cycle.
    T = 2**30
    schedule = ms_lr.CosineAnnealingLR(1.0, T_max=T)
    steps = np.array([T - 1, T - 10, T - 1000, T - 100_000])
    exact = np.sin(np.pi / 2 * (T - steps) / T) ** 2
    assert_close(ms_lr.evaluate(schedule, steps), exact, peak=exact.max(), context="2**30 tail")
    assert ms_lr.evaluate(schedule, [T - 1])[0] > 0


def test_seed000_first_cycles_by_hand():
    # first_cycle_steps=10, warmup 2, gamma 0.9: cycle n peaks at 0.01 * 0.9**n at step 10 n + 2.
    schedule = ms_lr.CosineAnnealingWarmupRestarts(10, 1.0, max_lr=0.01, min_lr=0.001, warmup_steps=2, gamma=0.9)
    values = ms_lr.evaluate(schedule, [0, 1, 2, 10, 11, 12, 22])
    np.testing.assert_allclose(values, [0.001, 0.0055, 0.01, 0.001, 0.001 + (0.009 - 0.001) / 2, 0.009, 0.0081],
                               rtol=1e-6)


def test_seed000_without_warmup_starts_at_min_lr_then_restarts_at_the_peak():
    schedule = ms_lr.CosineAnnealingWarmupRestarts(5, 2.0, max_lr=0.1, min_lr=0.01)
    values = ms_lr.evaluate(schedule, [0, 1, 5, 15])
    assert values[0] == pytest.approx(0.01)                   # the constructor's min_lr, before the first step
    assert values[1] == pytest.approx(0.01 + 0.09 * (1 + math.cos(math.pi / 5)) / 2, rel=1e-6)
    np.testing.assert_allclose(values[2:], 0.1, rtol=1e-6)   # restarts at 5 and 5 + 10


def test_frozen_cycle_mult_keeps_the_cycle_length():
    # int((20 - 0) * 1.01) == 20: the length never grows, so every cycle is 20 steps, up to 2**31.
    schedule = ms_lr.CosineAnnealingWarmupRestarts(20, 1.01, max_lr=0.1, min_lr=0.0)
    restart = 20 * (LAST // 20)
    values = ms_lr.evaluate(schedule, [restart - 1, restart, 40, 60])
    assert values[0] < 1e-3
    np.testing.assert_allclose(values[1:], 0.1, rtol=1e-6)


INVALID = [
    (lambda: ms_lr.CosineAnnealingLR(0.1, T_max=0), ValueError, "T_max"),
    (lambda: ms_lr.CosineAnnealingLR(0.1, T_max=2.5), TypeError, "T_max"),
    (lambda: ms_lr.CosineAnnealingLR(0.1, T_max=True), TypeError, "T_max"),
    (lambda: ms_lr.CosineAnnealingLR(0.1, T_max=2**31), ValueError, "T_max"),
    (lambda: ms_lr.CosineAnnealingLR(-0.1, T_max=10), ValueError, "base_lr"),
    (lambda: ms_lr.CosineAnnealingLR(float("nan"), T_max=10), ValueError, "base_lr"),
    (lambda: ms_lr.CosineAnnealingLR("0.1", T_max=10), TypeError, "base_lr"),
    (lambda: ms_lr.CosineAnnealingLR(1e39, T_max=10), ValueError, "base_lr"),
    (lambda: ms_lr.CosineAnnealingLR(0.1, T_max=10, eta_min=float("inf")), ValueError, "eta_min"),
    (lambda: ms_lr.CosineAnnealingWarmRestarts(0.1, T_0=0), ValueError, "T_0"),
    (lambda: ms_lr.CosineAnnealingWarmRestarts(0.1, T_0=10, T_mult=0), ValueError, "T_mult"),
    (lambda: ms_lr.CosineAnnealingWarmRestarts(0.1, T_0=10, T_mult=1.5), TypeError, "T_mult"),
    (lambda: ms_lr.CosineAnnealingWarmRestarts(0.1, T_0=10, T_mult=True), TypeError, "T_mult"),
    (lambda: ms_lr.CosineAnnealingWarmRestarts(0.1, T_0=None), TypeError, "T_0"),
    (lambda: ms_lr.CosineAnnealingWarmRestarts(0.1, T_0=10, eta_min=-1.0), ValueError, "eta_min"),
    (lambda: ms_lr.CosineAnnealingWarmupRestarts(10, warmup_steps=10), ValueError, "warmup_steps"),
    (lambda: ms_lr.CosineAnnealingWarmupRestarts(10, warmup_steps=-1), ValueError, "warmup_steps"),
    (lambda: ms_lr.CosineAnnealingWarmupRestarts(0), ValueError, "first_cycle_steps"),
    (lambda: ms_lr.CosineAnnealingWarmupRestarts(10.5), TypeError, "first_cycle_steps"),
    (lambda: ms_lr.CosineAnnealingWarmupRestarts(10, cycle_mult=0.5), ValueError, "cycle_mult"),
    (lambda: ms_lr.CosineAnnealingWarmupRestarts(10, cycle_mult=float("inf")), ValueError, "cycle_mult"),
    (lambda: ms_lr.CosineAnnealingWarmupRestarts(10, gamma=0.0), ValueError, "gamma"),
    (lambda: ms_lr.CosineAnnealingWarmupRestarts(10, gamma=1.5), ValueError, "gamma"),
    (lambda: ms_lr.CosineAnnealingWarmupRestarts(10, max_lr=-1.0), ValueError, "max_lr"),
    (lambda: ms_lr.CosineAnnealingWarmupRestarts(10, min_lr=None), TypeError, "min_lr"),
    (lambda: ms_lr.CosineAnnealingWarmupRestarts(10, warmup_steps=False), TypeError, "warmup_steps"),
]


@pytest.mark.parametrize("make, error, name", INVALID, ids=[f"{i}-{case[2]}" for i, case in enumerate(INVALID)])
def test_bad_arguments_raise_a_clear_error_naming_the_argument(make, error, name):
    with pytest.raises(error, match=name):
        make()


@pytest.mark.parametrize("make, name", [
    (lambda: ms_lr.CosineAnnealingWarmupRestarts(10, cycle_mult=1e308, warmup_steps=2), "cycle_mult"),
    (lambda: ms_lr.CosineAnnealingWarmRestarts(0.1, 10, T_mult=10**400), "T_mult"),
])
def test_multipliers_too_large_are_value_errors_not_overflow_errors(make, name):
    with pytest.raises(ValueError, match=f"{name} must be <= 2147483647"):
        make()


def test_the_largest_multiplier_is_exact_and_never_restarts_twice():
    schedule = ms_lr.CosineAnnealingWarmRestarts(1.0, 10, T_mult=2**31 - 1)
    steps = np.array([0, 5, 9, 10, 11, 2**30, 2**31 - 1])
    assert_close(ms_lr.evaluate(schedule, steps), schedule.reference(steps))
    assert schedule.boundaries(2**31 - 1) == [10]


def test_a_peak_decay_below_float32s_range_is_accepted():
    schedule = ms_lr.CosineAnnealingWarmupRestarts(10, 1.0, warmup_steps=2, gamma=1e-50)
    steps = np.arange(100)
    assert_close(ms_lr.evaluate(schedule, steps), schedule.reference(steps))


def test_restarts_stay_exact_in_pynative_after_other_table_lookups():
    # MindSpore 2.7's PyNative searchsorted ignores right=True once a kernel for right=False exists (or the other
    # way round): restarts fell on the wrong side. Every table lookup is right=False now (graph.search).
    ms.set_context(mode=ms.PYNATIVE_MODE)
    ms_lr.evaluate(ms_lr.OneCycleLR(1.0, 100), np.arange(5))
    ms_lr.evaluate(ms_lr.MultiStepLR(1.0, [2, 4], 0.5), np.arange(5))
    sgdr = ms_lr.CosineAnnealingWarmRestarts(1.0, T_0=2, T_mult=2)
    np.testing.assert_allclose(ms_lr.evaluate(sgdr, [0, 2, 6, 14]), 1.0, rtol=1e-7)
    np.testing.assert_array_equal(ms_lr.evaluate(ms_lr.MultiStepLR(1.0, [2, 4], 0.5), np.arange(6)),
                                  np.float32([1, 1, 0.5, 0.5, 0.25, 0.25]))


def test_a_last_cycle_longer_than_the_int32_range_keeps_its_steps_left_exact():
    """The second cycle of 2**30 * 3 steps ends past 2**31 - 1: its length is held as an int32 part and a float
    excess (ms_lr.graph.cycles), so the lr near its start and at the top of the range follows the reference."""
    steps = np.array([0, 1, 2**30 - 1, 2**30, 2**30 + 1, 2**30 + 999, 2**30 + 1000, 2**31 - 2, 2**31 - 1])
    for schedule in (ms_lr.CosineAnnealingWarmRestarts(0.1, 2**30, 3, 1e-6),
                     ms_lr.CosineAnnealingWarmupRestarts(2**30, 3.0, 0.1, 1e-6, 1000, 0.5)):
        assert schedule.cycles.overlong
        np.testing.assert_allclose(ms_lr.evaluate(schedule, steps), schedule.reference(steps), rtol=3e-7)


@settings(max_examples=40, deadline=None)
@given(table=st.lists(st.integers(min_value=0, max_value=LAST), min_size=1, max_size=40).map(sorted),
       steps=st.lists(st.integers(min_value=0, max_value=LAST), min_size=1, max_size=20))
def test_a_tables_entry_is_its_last_step_at_or_below_the_step(table, steps):
    """SortedSteps.entry_of (one searchsorted over the steps after the first) is the index of the last table step
    <= step, repeated steps included, for every step at or past the first (a cycle table starts at step 0)."""
    steps = np.maximum(np.array(steps), table[0])
    expected = np.searchsorted(np.array(table), steps, side="right") - 1
    got = SortedSteps(table).entry_of(Tensor(steps.astype(np.int32))).asnumpy()
    np.testing.assert_array_equal(got, expected)


def test_the_decay_cases_take_the_mix_their_lowest_peak_allows():
    # The two cases above exercise both mixes: the last peak below 2**31 is 0.1 * 0.9**n above 1e-4, and
    # 0.1 * 0.5**n below 0.05; the references are what the values are checked against.
    assert SCHEDULES["seed000-decay-above-floor"]().ends.form == "rising"
    assert SCHEDULES["seed000-decay-under-floor"]().ends.form == "two-weight"


def test_cycles_that_all_rise_from_min_lr_take_the_phase_table():
    # The phase table holds every cycle's warmup and cosine (13 kernels for the bench's configuration); a periodic
    # tail, a peak that can fall below min_lr or a cycle past the int32 range keeps the cycle table. Both are
    # checked against the reference by the cases above.
    for name in ("seed000-x1.5", "seed000-x1.01-growing", "seed000-decay-above-floor", "seed000-no-warmup-decay"):
        assert SCHEDULES[name]().phase_lr is not None, name
    for name in ("seed000", "seed000-x1.01-frozen", "seed000-decay-under-floor"):
        assert SCHEDULES[name]().phase_lr is None, name
    assert ms_lr.CosineAnnealingWarmupRestarts(2**30, 3.0, 0.1, 1e-6, 1000, 0.5).phase_lr is None


def test_growing_sgdr_cycles_falling_to_eta_min_are_phases_anchored_at_their_ends():
    # One phase table (10 kernels for T_mult=2, against 12 with the cycle table's start and length); one length (a
    # plain modulo), eta_min above base_lr (two weights) or a cycle past the int32 range keep the cycle table.
    assert SCHEDULES["sgdr-x2"]().phase_lr is not None
    for name in ("sgdr", "sgdr-x2-rising", "sgdr-x3"):   # sgdr-x3's last cycle, 10 * 3**18 steps, is too long
        assert SCHEDULES[name]().phase_lr is None, name
    assert ms_lr.CosineAnnealingWarmRestarts(0.1, 2**30, 3, 1e-6).phase_lr is None

"""CyclicLR and OneCycleLR: cell vs reference, cycle boundaries near 2**31, holding past the end, argument checks."""
import tempfile

import numpy as np
import pytest

import ms_lr
from ms_lr.core.settled import DEFAULT_TABLE_STEPS
from ms_lr.tools.op_audit import graph_primitives
from tests.support.accuracy import TINY, assert_close

LAST = 2**31 - 1

SCHEDULES = {
    "triangular": lambda: ms_lr.CyclicLR(0.01, 0.1, 25, 10),
    "triangular2": lambda: ms_lr.CyclicLR(0.001, 0.1, 2000, 1000, mode="triangular2"),
    "exp_range": lambda: ms_lr.CyclicLR(0.0, 0.1, 7, 5, mode="exp_range", gamma=1 - 1e-7),
    "long-cycle": lambda: ms_lr.CyclicLR(0.0, 1.0, 2**29, 2**30),
    # Shrinking waves past the lookup's limit: heights per cycle times a shape per position (ms_lr/graph/waves.py).
    "exp_range-waves": lambda: ms_lr.CyclicLR(0.001, 0.1, 1000, 700, mode="exp_range", gamma=0.99999),
    "exp_range-waves-from-0": lambda: ms_lr.CyclicLR(0.0, 0.1, 1000, 1000, mode="exp_range", gamma=0.99999),
    "triangular2-waves": lambda: ms_lr.CyclicLR(0.001, 0.1, 100_000, 3, mode="triangular2"),
    "exp_range-waves-every-cycle": lambda: ms_lr.CyclicLR(0.0, 1.0, 4000, 96, mode="exp_range", gamma=1 - 1e-9),
    "momentum-waves": lambda: ms_lr.CyclicMomentum(0.85, 0.95, 2000, 1000, mode="exp_range", gamma=0.999995),
    "onecycle": lambda: ms_lr.OneCycleLR(0.1, 100),
    # pct_start * total_steps a whole step: the phases are one phase table (tabulated here, below past the limit).
    "onecycle-whole-phases": lambda: ms_lr.OneCycleLR(0.1, 10_000, pct_start=0.25),
    "onecycle-phases-5M": lambda: ms_lr.OneCycleLR(0.1, 5_000_000, cycle_momentum=False),
    "onecycle-phases-3phase-linear-4M": lambda: ms_lr.OneCycleLR(1.0, 4_000_000, pct_start=0.25, three_phase=True,
                                                                 anneal_strategy="linear", cycle_momentum=False),
    "onecycle-momentum-phases-5M": lambda: ms_lr.OneCycleMomentum(5_000_000),
    "onecycle-momentum-phases-3phase-4M": lambda: ms_lr.OneCycleMomentum(4_000_000, pct_start=0.25, three_phase=True),
    "onecycle-long": lambda: ms_lr.OneCycleLR(0.1, LAST, pct_start=0.1),
    "onecycle-3phase-linear": lambda: ms_lr.OneCycleLR(1.0, 1_000_003, pct_start=0.45, three_phase=True,
                                                       anneal_strategy="linear"),
}


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_cell_matches_reference_on_long_ranges_and_near_2_31(name, mode):
    schedule = SCHEDULES[name]()
    config = schedule.get_config()
    marks = [0, LAST]
    if "total_steps" in config:
        T, p = config["total_steps"], config["pct_start"]
        marks += [int(p * T), int(2 * p * T), T - 1, T]
    else:
        period = config["step_size_up"] + config["step_size_down"]
        marks += [period * n + config["step_size_up"] for n in (0, 1, LAST // period - 1)]
        marks += [period * n for n in (1, 2, LAST // period)]
    near = {m + d for m in marks for d in range(-3, 4) if 0 <= m + d <= LAST}
    steps = np.array(sorted(set(range(100_001)) | near | set(range(LAST - 2000, LAST + 1))))
    peak = float(schedule.reference(np.arange(100_001)).max())
    assert_close(ms_lr.evaluate(schedule, steps), schedule.reference(steps), peak=peak, context=name)


def test_one_cycle_phases_ending_on_whole_steps_are_one_phase_table():
    with ms_lr.settled_tables(0), tempfile.TemporaryDirectory() as cos_ir, tempfile.TemporaryDirectory() as line_ir, \
            tempfile.TemporaryDirectory() as momentum_ir, tempfile.TemporaryDirectory() as fraction_ir:
        cosine = ms_lr.OneCycleLR(0.1, 10_000, cycle_momentum=False)
        cos = graph_primitives(ms_lr.OneCycleLR(0.1, 10_000, cycle_momentum=False), cos_ir)
        line = graph_primitives(ms_lr.OneCycleLR(0.1, 10_000, anneal_strategy="linear", three_phase=True,
                                                 cycle_momentum=False), line_ir)
        momentum = graph_primitives(ms_lr.OneCycleMomentum(10_000), momentum_ir)
        # 0.3 * 10,001 - 1 = 2999.3: a phase ends between steps, which no int32 anchor holds; the formula stays.
        between = ms_lr.OneCycleLR(0.1, 10_001, cycle_momentum=False)
        fraction = graph_primitives(ms_lr.OneCycleLR(0.1, 10_001, cycle_momentum=False), fraction_ir)
    assert cosine.phase_lr is not None and between.phase_lr is None and between.phases() is None
    # The lr rises from its low at step 0 (x = 0 there): negative steps are a phase of the table, no clamp.
    assert cosine.takes_negative_steps and cos.sequence[0] == "SearchSorted" and cos.kernels == 10, cos
    np.testing.assert_array_equal(ms_lr.evaluate(cosine, [-5, -2**31]), ms_lr.evaluate(cosine, [0, 0]))
    # Lines: no sine, the rises folded into the scales, each phase's low added in the product's kernel.
    assert line.sequence == ("SearchSorted", "Gather", "Gather", "Sub", "Cast", "Gather", "Addcmul"), line
    # The momentum falls to its end first (x is -pi/2 at step 0): the step is clamped.
    assert momentum.sequence[0] == "Maximum" and momentum.kernels == 10, momentum
    assert fraction.kernels == 15 and "ReduceSum" in fraction.primitives, fraction


WAVES = ("Maximum", "FloorDiv", "Minimum", "Gather", "FloorMod", "Gather", "Addcmul")


@pytest.mark.parametrize("name, sequence", [
    ("exp_range-waves", WAVES), ("exp_range-waves-from-0", WAVES), ("triangular2-waves", WAVES),
    ("momentum-waves", WAVES),
    # Heights for all 524,288 cycles up to 2**31 - 1 (none negligible): no clamp of the cycle.
    ("exp_range-waves-every-cycle", tuple(op for op in WAVES if op != "Minimum")),
])
def test_shrinking_waves_past_the_lookups_limit_are_two_gathers_and_one_product(name, sequence):
    # The formula launched 20 kernels rising and 39 falling (exp_range: an exact power of the step, two weights
    # and a select; counted from the saved IR).
    schedule = SCHEDULES[name]()
    with tempfile.TemporaryDirectory() as folder:
        graph = graph_primitives(schedule, folder)
    assert not schedule.tabulated and graph.sequence == sequence, graph
    settles = schedule.settles_at()
    if name == "exp_range-waves-every-cycle":
        assert settles is None
    else:
        # Settled on a cycle's first step, past the lookup's limit; not much too late: within two cycles before,
        # the wave still reaches a quarter ulp of base_lr (float32's smallest normal number from 0). (A cycle's
        # height bounds its wave, which falls short of it by gamma**step_size_up: one cycle is not enough.)
        config = schedule.get_config()
        total = config["step_size_up"] + config["step_size_down"]
        assert settles % total == 0 and settles > DEFAULT_TABLE_STEPS, settles
        before = schedule.reference(np.arange(settles - 2 * total, settles))
        low = schedule.reference([settles])[0]
        assert np.abs(before - low).max() >= max(np.spacing(np.float32(low)) / 4 / (1 + 1e-5), TINY / 2), name


@pytest.mark.parametrize("make", [
    lambda: ms_lr.CyclicLR(1.0, 0.5, 3, 5, mode="triangular2", cycle_momentum=False),
    lambda: ms_lr.CyclicLR(1.0, 0.5000001, 30, 50, mode="exp_range", gamma=0.9999, cycle_momentum=False),
    lambda: ms_lr.CyclicLR(0.9, 0.8, 3, 5, mode="exp_range", gamma=0.99, cycle_momentum=False),
])
def test_a_wave_pointing_down_at_most_half_way_is_scaled_waves_within_the_contract(make):
    # base - |h_c| * shape_p rounds base_lr relative to the lr by at most 1 ulp times base_lr / max_lr.
    schedule = make()
    steps = np.concatenate([np.arange(20_000), np.arange(LAST - 2000, LAST + 1)])
    assert schedule.waves is not None
    assert_close(ms_lr.evaluate(schedule, steps), schedule.reference(steps), context=repr(schedule))


def test_shrinking_waves_keep_their_formula_further_down_or_past_the_tables_limit():
    assert ms_lr.CyclicLR(1.0, 0.4999, 3, 5, mode="triangular2", cycle_momentum=False).waves is None
    # 2**20 positions alone fill the tables' limit.
    too_long = ms_lr.CyclicLR(0.001, 0.1, 2**19, 2**19, mode="triangular2", cycle_momentum=False)
    # 2 positions and 18 million steps to a negligible wave: 9 million heights.
    too_many = ms_lr.CyclicLR(0.001, 0.1, 1, 1, mode="exp_range", gamma=1 - 1e-6, cycle_momentum=False)
    for schedule in (too_long, too_many):
        assert schedule.waves is None and not schedule.tabulated
        steps = np.concatenate([np.arange(3000), np.arange(LAST - 3000, LAST + 1)])
        assert_close(ms_lr.evaluate(schedule, steps), schedule.reference(steps), context=repr(schedule))


def test_cyclic_cycle_boundary_is_exact_near_2_31():
    schedule = ms_lr.CyclicLR(0.0, 1.0, 3, 4)
    start = 7 * (LAST // 7)                         # 2**31 - 2, the last cycle start
    values = ms_lr.evaluate(schedule, [start - 1, start, start - 4])
    np.testing.assert_allclose(values, [0.25, 0.0, 1.0], rtol=1e-6, atol=1e-7)


def test_one_cycle_holds_the_final_lr_past_total_steps():
    schedule = ms_lr.OneCycleLR(0.1, 100)
    final = 0.1 / 25 / 1e4
    values = ms_lr.evaluate(schedule, [99, 100, 10_000, LAST])
    np.testing.assert_allclose(values, final, rtol=1e-6)


INVALID = [
    (lambda: ms_lr.CyclicLR(0.01, 0.1, step_size_up=0), ValueError, "step_size_up"),
    (lambda: ms_lr.CyclicLR(0.01, 0.1, step_size_down=0), ValueError, "step_size_down"),
    (lambda: ms_lr.CyclicLR(0.01, 0.1, mode="sawtooth"), ValueError, "mode"),
    (lambda: ms_lr.CyclicLR(0.01, 0.1, mode="exp_range", gamma=-0.5), ValueError, "gamma"),
    (lambda: ms_lr.CyclicLR(0.01, 0.1, 2**30, 2**30), ValueError, "step_size"),
    (lambda: ms_lr.CyclicLR(-0.01, 0.1), ValueError, "base_lr"),
    (lambda: ms_lr.OneCycleLR(0.1, 0), ValueError, "total_steps"),
    (lambda: ms_lr.OneCycleLR(0.1, -10), ValueError, "total_steps"),
    (lambda: ms_lr.OneCycleLR(0.1, 100, pct_start=0.0), ValueError, "pct_start"),
    (lambda: ms_lr.OneCycleLR(0.1, 100, pct_start=1.0), ValueError, "pct_start"),
    (lambda: ms_lr.OneCycleLR(0.1, 100, pct_start=1.5), ValueError, "pct_start"),
    (lambda: ms_lr.OneCycleLR(0.1, 3, pct_start=0.2), ValueError, "pct_start"),
    (lambda: ms_lr.OneCycleLR(0.1, 100, anneal_strategy="cosine"), ValueError, "anneal_strategy"),
    (lambda: ms_lr.OneCycleLR(0.1, 100, div_factor=0.0), ValueError, "div_factor"),
    (lambda: ms_lr.OneCycleLR(0.1, 100, final_div_factor=-1.0), ValueError, "final_div_factor"),
    (lambda: ms_lr.OneCycleLR(0.1, 100, three_phase="yes"), TypeError, "three_phase"),
    (lambda: ms_lr.OneCycleLR(0.1, 100.5), TypeError, "total_steps"),
]


@pytest.mark.parametrize("make, error, name", INVALID, ids=[f"{i}-{case[2]}" for i, case in enumerate(INVALID)])
def test_bad_arguments_raise_a_clear_error_naming_the_argument(make, error, name):
    with pytest.raises(error, match=name):
        make()


@pytest.mark.parametrize("mode", ["triangular", "triangular2", "exp_range"])
@pytest.mark.parametrize("base_lr, max_lr", [(1.0, 1e-6), (1.0, 1e-3), (0.1, 0.0), (5.0, 4.0)])
def test_waves_pointing_down_keep_relative_precision(mode, base_lr, max_lr):
    # torch allows max_lr < base_lr; base + (max - base) * h in float32 cancels near max_lr (1.3% off at 1e-6).
    schedule = ms_lr.CyclicLR(base_lr, max_lr, step_size_up=3, step_size_down=5, mode=mode, gamma=0.999999)
    steps = np.concatenate([np.arange(5000), np.arange(2**31 - 2000, 2**31)])
    assert_close(ms_lr.evaluate(schedule, steps), schedule.reference(steps), context=f"{mode} {base_lr}->{max_lr}")
    if mode == "triangular":
        assert ms_lr.evaluate(schedule, [3])[0] == pytest.approx(max_lr, rel=1e-6, abs=1e-12)


@pytest.mark.parametrize("mode", ["triangular", "exp_range"])
def test_a_gamma_too_small_for_float32_is_accepted_and_exact(mode):
    # gamma = 1e-50 rounds to 0 in float32; gamma**k is 1 at k = 0 and below float32's range after.
    schedule = ms_lr.CyclicLR(0.1, 1.0, step_size_up=4, mode=mode, gamma=1e-50)
    steps = np.arange(100)
    assert_close(ms_lr.evaluate(schedule, steps), schedule.reference(steps), context=mode)


@pytest.mark.parametrize("kwargs, name", [
    (dict(div_factor=1e-40), "div_factor"),             # initial lr 1e39: inf at step 0, NaN at step 29 before
    (dict(final_div_factor=1e-300), "final_div_factor"),   # final lr 4e297: inf from step 50 before
])
def test_one_cycle_lrs_beyond_float32_are_refused(kwargs, name):
    with pytest.raises(ValueError, match=f"For 'OneCycleLR', {name} makes .* beyond float32"):
        ms_lr.OneCycleLR(0.1, 100, **kwargs)


def test_one_cycle_with_a_divisor_below_one_starts_above_max_lr_and_declares_it():
    schedule = ms_lr.OneCycleLR(0.1, 100, div_factor=0.5, final_div_factor=0.5)
    steps = np.arange(120)
    values = ms_lr.evaluate(schedule, steps)
    assert values.max() <= schedule.upper_bound() * (1 + 1e-6) and schedule.upper_bound() == pytest.approx(0.4)
    assert_close(values, schedule.reference(steps))


def test_the_cyclic_reference_is_exact_where_its_wave_is_zero():
    # torch's float position leaves 1.6e-12 at the top of a one-step rise (base_momentum 0 there), over the
    # contract's 1e-12 below its floor; the reference takes the position in integers, and the cell is exact too.
    momentum = ms_lr.CyclicMomentum(0.0, 1.0, 1, 19592)
    steps = np.arange(0, 40)
    assert momentum.reference([1])[0] == 0.0
    assert_close(ms_lr.evaluate(momentum, steps), momentum.reference(steps), context="one-step rise")

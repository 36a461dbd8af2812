"""Linear and cosine phases in one table (ms_lr/graph/phases.py): the block gives each phase's lr as its formula
defines it, and the schedules made of such phases (a warmup and a long cosine or line, in every front door's form)
compile to one table with fewer kernels and keep the accuracy contract through 2**31 - 1."""
import math
import tempfile

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mindspore import Tensor

import ms_lr
from ms_lr.core.arguments import INT32_MAX
from ms_lr.graph.phases import PhaseLr, cosine_down, cosine_up, held, linear_down, ramp_up
from ms_lr.tools.op_audit import graph_primitives
from tests.support.accuracy import assert_close


def _expected(pieces, steps):
    """Each piece's lr from its own definition, in float64: (first step, kind, lengths and lrs)."""
    out = np.full(steps.shape, np.nan)
    for i, (first, kind, args) in enumerate(pieces):
        following = pieces[i + 1][0] if i + 1 < len(pieces) else INT32_MAX + 1
        k = steps[(steps >= first) & (steps < following)].astype(np.float64)
        if kind == "ramp":            # from low at first to high at first + length
            length, low, high = args
            value = low + (high - low) * (k - first) / length
        elif kind == "line":          # from high at first to low at end
            end, low, high = args
            value = low + (high - low) * (end - k) / (end - first)
        elif kind == "cosine down":   # from high at first to low at end
            end, low, high = args
            value = low + (high - low) * (1 + np.cos(np.pi * (k - first) / (end - first))) / 2
        elif kind == "cosine up":     # from low at first (a trough) to high length steps later
            length, low, high = args
            value = low + (high - low) * (1 - np.cos(np.pi * (k - first) / length)) / 2
        else:                         # held
            value = np.full(k.shape, args[0])
        out[(steps >= first) & (steps < following)] = value
    return out


def _steps(pieces, rng):
    firsts = [first for first, _, _ in pieces]
    near = np.concatenate([np.arange(max(f - 3, 0), min(f + 4, INT32_MAX + 1)) for f in firsts])
    return np.unique(np.concatenate([near, rng.integers(0, INT32_MAX, 2000, endpoint=True), [INT32_MAX]]))


def _lr(table, steps):
    return table.at(Tensor(steps.astype(np.int32))).asnumpy()


def test_each_kind_of_phase_gives_its_formulas_lr():
    # A warmup, a cosine down, a held floor, a cosine back up, a line down to a lower floor, and that floor.
    pieces = [(0, "ramp", (1000, 0.01, 0.1)), (1000, "cosine down", (5000, 0.001, 0.1)),
              (5000, "held", (0.001,)), (9000, "cosine up", (4000, 0.001, 0.05)),
              (13000, "line", (2_000_000_000, 1e-6, 0.05)), (2_000_000_000, "held", (1e-6,))]
    table = PhaseLr([ramp_up(0, 1000, 0.01, 0.1), cosine_down(1000, 5000, 0.001, 0.1), held(5000, 0.001),
                     cosine_up(9000, 4000, 0.001, 0.05), linear_down(13000, 2_000_000_000, 1e-6, 0.05),
                     held(2_000_000_000, 1e-6)])
    steps = _steps(pieces, np.random.default_rng(0))
    assert_close(_lr(table, steps), _expected(pieces, steps), context="phases")


def test_an_anchor_past_2_31_shifts_the_table_and_keeps_the_steps_left_exact():
    # A cosine from step 1000 to 2**31 + 999: its end (the anchor) is past the int32 range; the lr 3 steps before
    # 2**31 - 1 is still the half-angle weight of the exact steps left.
    end = INT32_MAX + 1000
    pieces = [(0, "ramp", (1000, 0.0, 0.1)), (1000, "cosine down", (end, 0.0, 0.1))]
    table = PhaseLr([ramp_up(0, 1000, 0.0, 0.1), cosine_down(1000, end, 0.0, 0.1)])
    assert table.table.shift == 1000
    steps = _steps(pieces, np.random.default_rng(1))
    assert_close(_lr(table, steps), _expected(pieces, steps), context="shifted")


def test_an_anchor_past_2_31_moves_back_a_whole_period_where_the_range_reaches_little_of_its_cosine():
    # A cosine from step 1.9e9 to 2.9e9: 2**31 - 1 is 25% into it. Moved back 2e9 steps (x by pi, sin**2 unchanged),
    # its anchor is in the int32 range: no step is shifted, and negative steps get a phase (no clamp either).
    end = 2_900_000_000
    pieces = [(0, "ramp", (1000, 0.0, 0.1)), (1000, "held", (0.1,)),
              (1_900_000_000, "cosine down", (end, 0.0, 0.1))]
    table = PhaseLr([ramp_up(0, 1000, 0.0, 0.1), held(1000, 0.1), cosine_down(1_900_000_000, end, 0.0, 0.1)])
    assert table.table.shift == 0 and table.takes_negative_steps
    steps = np.unique(np.concatenate([_steps(pieces, np.random.default_rng(5)),
                                      np.arange(INT32_MAX - 2000, INT32_MAX + 1)]))
    assert_close(_lr(table, steps), _expected(pieces, steps), context="moved anchor")


@pytest.mark.parametrize("first, end, why", [
    (1_200_000_000, 2_200_000_000, "2**31 - 1 is 95% into the cosine: the moved x would lose precision near pi"),
    (1_650_000_000, 3_650_000_000, "25% in, but the moved anchor is further than the int32 range from 2**31 - 1"),
])
def test_an_anchor_past_2_31_shifts_the_steps_where_moving_it_would_not_hold(first, end, why):
    pieces = [(0, "ramp", (first, 0.0, 0.1)), (first, "cosine down", (end, 0.0, 0.1))]
    table = PhaseLr([ramp_up(0, first, 0.0, 0.1), cosine_down(first, end, 0.0, 0.1)])
    assert table.table.shift == end - INT32_MAX and table.takes_negative_steps, why
    steps = _steps(pieces, np.random.default_rng(6))
    assert_close(_lr(table, steps), _expected(pieces, steps), context=why)
    # The search reads the unshifted step, so the most negative steps (whose shifted step leaves the int32 range)
    # are in the phase for negative steps, where x is 0 whatever the difference.
    negative = np.array([-1, -2, -(end - INT32_MAX), -(end - INT32_MAX) - 1, -2**31 + 1, -2**31])
    np.testing.assert_array_equal(_lr(table, negative), np.zeros(len(negative), dtype=np.float32))


@pytest.mark.parametrize("rise", [1.0, 0.1, 1e-4])
def test_lines_beside_cosines_from_and_to_0_fold_their_rises_into_the_maximum(rise):
    # Every low 0 and every rise at most 1: max(x * rise, rise * sin(x)**2) takes the line on a line's phase.
    pieces = [(0, "ramp", (1000, 0.0, rise)), (1000, "cosine down", (5000, 0.0, rise)), (5000, "held", (0.0,)),
              (9000, "cosine up", (4000, 0.0, rise / 2)), (13000, "line", (2_000_000_000, 0.0, rise / 2)),
              (2_000_000_000, "held", (0.0,))]
    table = PhaseLr([ramp_up(0, 1000, 0.0, rise), cosine_down(1000, 5000, 0.0, rise), held(5000, 0.0),
                     cosine_up(9000, 4000, 0.0, rise / 2), linear_down(13000, 2_000_000_000, 0.0, rise / 2),
                     held(2_000_000_000, 0.0)])
    assert table.lines_beside_sines and table.lows is None
    steps = _steps(pieces, np.random.default_rng(7))
    assert_close(_lr(table, steps), _expected(pieces, steps), context=f"folded, rise {rise}")


def test_lines_beside_cosines_rising_further_than_1_keep_the_weights_maximum():
    # A rise of 3: 3 * sin(y)**2 passes y = x * 3 inside the line's phase (at y = 1.5), so the rise stays outside.
    pieces = [(0, "ramp", (1000, 0.0, 3.0)), (1000, "cosine down", (5000, 0.0, 3.0)), (5000, "held", (0.0,))]
    table = PhaseLr([ramp_up(0, 1000, 0.0, 3.0), cosine_down(1000, 5000, 0.0, 3.0), held(5000, 0.0)])
    assert not table.lines_beside_sines
    steps = _steps(pieces, np.random.default_rng(8))
    assert_close(_lr(table, steps), _expected(pieces, steps), context="rise 3")


@pytest.mark.parametrize("beside_cosine", [False, True])
def test_a_rise_too_small_to_fold_into_its_scale_stays_apart(beside_cosine):
    # 1e-30 over 85 M steps folds to 1.2e-38, below float32's smallest normal: flushed to 0, it gave 0 at the peak
    # (a property test's draw of PolynomialWithWarmUpLR). The rise stays apart; a normal fold still folds.
    cosine = [(2_000_000_000, "cosine down", (2_100_000_000, 0.0, 1e-30)), (2_100_000_000, "held", (0.0,))] \
        if beside_cosine else []
    pieces = [(0, "ramp", (1, 0.0, 1e-30)), (1, "line", (85_070_598, 0.0, 1e-30)), (85_070_598, "held", (0.0,))] \
        + [(2_000_000_000 - 1, "ramp", (1, 0.0, 1e-30))] * beside_cosine + cosine
    phases = [ramp_up(0, 1, 0.0, 1e-30), linear_down(1, 85_070_598, 0.0, 1e-30), held(85_070_598, 0.0)]
    if beside_cosine:
        phases += [ramp_up(2_000_000_000 - 1, 1, 0.0, 1e-30), cosine_down(2_000_000_000, 2_100_000_000, 0.0, 1e-30),
                   held(2_100_000_000, 0.0)]
    table = PhaseLr(phases)
    assert table.rises is not None and not table.lines_beside_sines
    steps = _steps(pieces, np.random.default_rng(9))
    assert_close(_lr(table, steps), _expected(pieces, steps), context="rise 1e-30")
    schedule = ms_lr.PolynomialWithWarmUpLR(1e-30, 1, 1, lr_end=0.0, power=1.0, decay_steps=85_070_597)
    at = np.array([0, 1, 2, 1000, 85_070_597, 85_070_598])
    assert_close(schedule(Tensor(at.astype(np.int32))).asnumpy(), schedule.reference(at), peak=1e-30)
    assert PhaseLr([ramp_up(0, 1, 0.0, 1e-3), linear_down(1, 85_070_598, 0.0, 1e-3)]).rises is None


def test_warmup_restarts_with_a_moved_last_anchor_launch_neither_the_shift_nor_the_clamp():
    with tempfile.TemporaryDirectory() as moved_ir, tempfile.TemporaryDirectory() as shifted_ir:
        # 2**31 - 1 is 27% into the last cosine: the anchor moves; at 46% (the bench's restarts) the steps shift.
        moved = graph_primitives(ms_lr.CosineAnnealingWarmupRestarts(12345, 1.5, 0.1, 1e-4, 1234, 0.9), moved_ir)
        shifted = graph_primitives(ms_lr.CosineAnnealingWarmupRestarts(1000, 1.5, 0.1, 1e-4, 100, 0.9), shifted_ir)
    # The shifted table has a phase for negative steps too (its warmup rises from its low): no clamp.
    assert shifted.sequence[:2] == ("Sub", "SearchSorted") and shifted.kernels == 12, shifted
    assert moved.sequence == shifted.sequence[1:] and moved.kernels == 11, moved


def test_a_table_kernel_count_leaves_out_what_its_phases_do_not_need():
    with tempfile.TemporaryDirectory() as lines, tempfile.TemporaryDirectory() as cosines, \
            tempfile.TemporaryDirectory() as mixed, tempfile.TemporaryDirectory() as restarts:
        # Lines only, every low 0 and one rise: no sine, no maximum, no gathers of lrs, the rise in the scale.
        line = graph_primitives(ms_lr.LinearWithWarmUpLR(1e-4, total_steps=5_000_000, warmup_steps=2000), lines)
        # Cosines only (warm restarts that double): no maximum, the square and the rise in one Addcmul.
        sgdr = graph_primitives(ms_lr.CosineAnnealingWarmRestarts(0.1, 1000, 2), restarts)
        # A cosine beside lines, every low 0: the lines' rise folded into their scales, the cosine's into the
        # square (one Addcmul), and their maximum.
        cosine = graph_primitives(ms_lr.CosineWithWarmUpLR(1e-4, warmup_steps=2000, total_steps=5_000_000), cosines)
        # A floor above 0 under a warmup from 0: the lows and the rises differ by phase, both gathered.
        floor = graph_primitives(ms_lr.CosineWithWarmUpLR(1e-4, warmup_steps=2000, total_steps=5_000_000,
                                                          lr_end=1e-6), mixed)
    # No clamp of the step in front: negative steps are a phase of the table (see below).
    assert line.sequence == ("SearchSorted", "Gather", "Sub", "Cast", "Gather", "Mul"), line
    # Its last cycle ends past 2**31 - 1 and its anchor cannot move (the cycle is longer than every step before it):
    # the steps are clamped and shifted.
    assert sgdr.sequence == ("Maximum", "Sub", "SearchSorted", "Gather", "Sub", "Cast", "Gather", "Mul", "Sin",
                             "Addcmul"), sgdr
    assert cosine.sequence == ("SearchSorted", "Gather", "Sub", "Cast", "Gather", "Mul", "Sin", "Addcmul",
                               "Maximum"), cosine
    assert floor.kernels == 12 and floor.sequence.count("Gather") == 4 and "Addcmul" in floor.primitives, floor


def test_an_addcmul_on_one_step_takes_rank_0_operands():
    # MindSpore's CPU Addcmul computes one element apart only where every operand has rank 0 (else three broadcast
    # iterators and three parallel launches): an optimizer's [1] step reaches it as rank-0 views, and the lr keeps
    # the step's shape. ms_lr.evaluate's vectors keep theirs.
    built = {"cosines": ms_lr.CosineAnnealingWarmRestarts(0.1, 1000, 2),
             "a cosine beside lines": ms_lr.CosineWithWarmUpLR(1e-4, warmup_steps=2000, total_steps=5_000_000),
             "lows by phase": ms_lr.CosineWithWarmUpLR(1e-4, warmup_steps=2000, total_steps=5_000_000, lr_end=1e-6),
             "warmup restarts": ms_lr.CosineAnnealingWarmupRestarts(1000, 1.5, 0.1, 1e-4, 100, 0.9)}
    for name, schedule in built.items():
        with tempfile.TemporaryDirectory() as folder:
            graph = graph_primitives(schedule, folder)
        operands = [shapes for primitive, _, _, shapes in graph.nodes if primitive == "Addcmul"]
        assert operands and all(shape == () for shapes in operands for shape in shapes), (name, graph.nodes)
        assert schedule(Tensor(np.array([2500], dtype=np.int32))).shape == (1,), name
        assert schedule(Tensor(np.array([2500, 7], dtype=np.int32))).shape == (2,), name


T = 5_000_000
LONG = {
    "LinearWarmup(cosine)": lambda: ms_lr.LinearWarmup(ms_lr.CosineAnnealingLR(0.1, T), 2000),
    "LinearWarmup(cosine held at its floor, global clock)": lambda: ms_lr.LinearWarmup(
        ms_lr.CosineAnnealingLR(0.1, T, 1e-4, hold_floor=True), 2000, start_lr=1e-4, warmup_prefix=False),
    "LinearWarmup(line)": lambda: ms_lr.LinearWarmup(ms_lr.LinearLR(0.1, 1.0, 0.01, T), 2000),
    "LinearWarmup(SGDR x2)": lambda: ms_lr.LinearWarmup(ms_lr.CosineAnnealingWarmRestarts(0.1, 1000, 2), 500),
    "LinearWarmup(warmup restarts)": lambda: ms_lr.LinearWarmup(
        ms_lr.CosineAnnealingWarmupRestarts(1000, 1.5, 0.1, 1e-4, 100, 0.9), 300, start_lr=1e-4),
    "SequentialLR(lines)": lambda: ms_lr.SequentialLR(
        [ms_lr.LinearLR(0.1, 0.001, 1.0, 2000), ms_lr.LinearLR(0.1, 1.0, 0.5, T),
         ms_lr.LinearLR(0.05, 1.0, 0.0, 100_000)], [2000, 3_000_000]),
    "CosineWithWarmUpLR": lambda: ms_lr.CosineWithWarmUpLR(1e-4, warmup_steps=2000, total_steps=T),
    "CosineWithWarmUpLR(lr_end, warmup_lr_init)": lambda: ms_lr.CosineWithWarmUpLR(
        1e-4, warmup_steps=2000, total_steps=T, lr_end=1e-6, warmup_lr_init=1e-7),
    "CosineWithWarmUpLR(decay_steps before the floor)": lambda: ms_lr.CosineWithWarmUpLR(
        1e-4, warmup_steps=2000, total_steps=T, decay_steps=3_000_000, lr_end=1e-6),
    "LinearWithWarmUpLR": lambda: ms_lr.LinearWithWarmUpLR(1e-4, total_steps=T, warmup_steps=2000),
    "PolynomialWithWarmUpLR(power 1)": lambda: ms_lr.PolynomialWithWarmUpLR(1e-4, total_steps=T, warmup_steps=2000),
    # Lows and rises that differ by phase: four gathers, and still fewer kernels than the composition (12 and 16).
    "LinearWarmup(cosine, eta_min, from 1e-5)": lambda: ms_lr.LinearWarmup(
        ms_lr.CosineAnnealingLR(0.1, T, 1e-4), 2000, start_lr=1e-5),
    "SequentialLR(line, cosine, line)": lambda: ms_lr.SequentialLR(
        [ms_lr.LinearLR(0.1, 0.001, 1.0, 2000), ms_lr.CosineAnnealingLR(0.1, T),
         ms_lr.LinearLR(0.05, 1.0, 0.0, 100_000)], [2000, 3_000_000]),
    # A decay of 3M steps is past the lookup's limit even with the stable phase held once.
    "WarmupStableDecayLR(linear)": lambda: ms_lr.WarmupStableDecayLR(0.1, 2000, T, 3_000_000),
    "WarmupStableDecayLR(cosine warmup from 1e-4, cosine decay to 1e-5)": lambda: ms_lr.WarmupStableDecayLR(
        0.1, 2000, T, 3_000_000, min_lr=1e-5, decay="cosine", start_lr=1e-4, warmup="cosine"),
    "WarmupStableDecayLR(linear, to 2**31 - 1)": lambda: ms_lr.WarmupStableDecayLR(
        0.1, 2000, INT32_MAX - 3_002_000, 3_000_000),
    # A cool-down branched from a warmup and a cosine (12 kernels, its formula over the warmup's table 28), or from a
    # warmup and a constant (7, against 13).
    "CooldownLR(LinearWarmup(cosine), cosine to 1e-5)": lambda: ms_lr.CooldownLR(
        ms_lr.LinearWarmup(ms_lr.CosineAnnealingLR(0.1, T, 1e-4), 2000), 3_000_000, 500_000, 1e-5, "cosine"),
    "CooldownLR(LinearWarmup(constant))": lambda: ms_lr.CooldownLR(ms_lr.LinearWarmup(0.1, 2000), T, 3_000_000),
    "SequentialLR(LinearWarmup(line), cosine)": lambda: ms_lr.SequentialLR(
        [ms_lr.LinearWarmup(ms_lr.LinearLR(0.1, 1.0, 0.5, 3_000_000), 2000),
         ms_lr.CosineAnnealingLR(0.05, T, hold_floor=True)],
        [3_002_000]),
}


LONG_NAMES = sorted(LONG)


@pytest.mark.parametrize("name", LONG_NAMES)
@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.float32])
def test_negative_steps_give_the_value_at_step_0_without_a_clamp_where_the_table_has_a_phase_for_them(name, dtype,
                                                                                                     mode):
    schedule = LONG[name]()
    first = schedule(Tensor(np.array([0], dtype=dtype))).asnumpy()
    negative = schedule(Tensor(np.array([-1, -7, -2**31, -1_234_567_890], dtype=dtype))).asnumpy()
    np.testing.assert_array_equal(negative, np.repeat(first, 4))
    if dtype is np.int32 and mode == "graph" and schedule.takes_negative_steps:
        # The clamp it spares is exactly the one kernel a schedule without the phase launches first.
        clamped = LONG[name]()
        clamped.takes_negative_steps = False
        with tempfile.TemporaryDirectory() as unclamped_ir, tempfile.TemporaryDirectory() as clamped_ir:
            unclamped = graph_primitives(LONG[name](), unclamped_ir)    # fresh: a compiled graph saves no IR
            with_clamp = graph_primitives(clamped, clamped_ir)
        assert with_clamp.sequence == ("Maximum",) + unclamped.sequence, (unclamped, with_clamp)


def test_which_long_tables_take_negative_steps():
    # Those whose x is 0 at step 0 (a warmup from its low): all of them, the restarts whose steps are shifted (the
    # last cycle ends past 2**31 - 1 where its anchor cannot move) too.
    schedules = {name: LONG[name]() for name in LONG_NAMES}
    assert {name for name, schedule in schedules.items()
            if getattr(schedule, "native", schedule).phase_lr.table.shift} == {
        "LinearWarmup(SGDR x2)", "LinearWarmup(warmup restarts)"}
    taking = {name for name, schedule in schedules.items() if schedule.takes_negative_steps}
    assert taking == set(LONG_NAMES), set(LONG_NAMES) - taking


def _marks(schedule):
    marks = [0, 2000, 3_000_000, T, T + 2000, 2 * T, 2 * T + 2000] + schedule.boundaries(INT32_MAX)
    return [m for m in marks if m <= INT32_MAX]


@pytest.mark.parametrize("name", LONG)
def test_a_warmup_and_long_phases_are_one_table_within_the_contract_through_2_31(name):
    schedule = LONG[name]()
    native = getattr(schedule, "native", schedule)
    assert native.phase_lr is not None and not schedule.tabulated, name
    rng = np.random.default_rng(3)
    steps = np.unique(np.concatenate([np.arange(max(m - 3, 0), min(m + 4, INT32_MAX + 1)) for m in _marks(schedule)]
                                     + [rng.integers(0, INT32_MAX, 3000, endpoint=True), [INT32_MAX]]))
    assert_close(ms_lr.evaluate(schedule, steps), schedule.reference(steps), context=name)
    with tempfile.TemporaryDirectory() as folder:
        table = graph_primitives(schedule, folder)
    composed = LONG[name]()
    getattr(composed, "native", composed).phase_lr = None
    with tempfile.TemporaryDirectory() as folder:
        formula = graph_primitives(composed, folder)
    # Never more kernels than the composition; fewer wherever a floor or a warmup's start is 0 (counted here).
    assert "SearchSorted" in table.primitives and table.kernels <= formula.kernels, (name, table, formula)


def test_phases_are_left_out_where_they_would_not_hold():
    cosine = ms_lr.CosineAnnealingLR(0.1, T)
    # A falling warmup (the one-weight form would cancel), a cosine rising to a floor above its base, a period too
    # short for a table of waves (its formula is shorter), two half-waves, a wave of a fractional length.
    assert ms_lr.LinearWarmup(cosine, 2000, start_lr=0.5).phase_lr is None
    assert ms_lr.CosineAnnealingLR(0.01, T, eta_min=0.1).phases() is None
    assert ms_lr.CosineAnnealingLR(0.1, 100_000).phases() is None
    assert ms_lr.CosineWithWarmUpLR(1e-4, warmup_steps=2000, total_steps=T, num_cycles=1.0).phase_lr is None
    assert ms_lr.CosineWithWarmUpLR(1e-4, warmup_steps=2000, total_steps=T, num_cycles=0.3).phase_lr is None
    assert ms_lr.PolynomialLR(0.1, T, 2.0).phases() is None and ms_lr.PolynomialLR(0.1, T, cycle=True).phases() is None
    # A schedule without phases keeps the composition.
    assert ms_lr.LinearWarmup(ms_lr.ExponentialLR(0.1, 0.999999), 2000).phase_lr is None
    # WSD: a shape that is neither a line nor a half-cosine, a stable phase that decays, a warmup that falls.
    assert ms_lr.WarmupStableDecayLR(0.1, 2000, T, 3_000_000, decay="1-sqrt").phase_lr is None
    assert ms_lr.WarmupStableDecayLR(0.1, 2000, T, 3_000_000, stable="rsqrt").phase_lr is None
    assert ms_lr.WarmupStableDecayLR(0.1, 2000, T, 3_000_000, start_lr=0.2).phase_lr is None
    # Without a warmup the formula is as short as the table (no select to spare); its phases serve a warmup put
    # in front of it.
    no_warmup = ms_lr.WarmupStableDecayLR(0.1, 0, T, 3_000_000)
    assert no_warmup.phase_lr is None and no_warmup.phases() is not None
    assert ms_lr.LinearWarmup(no_warmup, 2000).phase_lr is not None
    # A cool-down: a 1-sqrt shape, one that would rise to its min_lr, or from a schedule without phases.
    assert ms_lr.CooldownLR(cosine, 3_000_000, 500_000, decay="1-sqrt").phase_lr is None
    assert ms_lr.CooldownLR(cosine, 3_000_000, 500_000, min_lr=0.09).phase_lr is None
    assert ms_lr.CooldownLR(ms_lr.ExponentialLR(0.1, 0.999999), 3_000_000, 500_000).phase_lr is None
    # Without a schedule after a constant warmup's table is its formula's length; its phases serve a cool-down.
    constant = ms_lr.LinearWarmup(0.1, 2000)
    assert constant.phase_lr is None and [p.scale for p in constant.phases()] == [1 / 2000, 0.0]


@settings(max_examples=40, deadline=None)
@given(warmup=st.integers(1, 10**6), length=st.integers(2**19, INT32_MAX), base=st.floats(1e-6, 10.0),
       floor=st.just(0.0) | st.floats(1e-6, 1.0), start=st.just(0.0) | st.floats(1e-6, 1.0), hold=st.booleans(),
       prefix=st.booleans())
def test_any_warmup_and_cosine_keep_the_contract(warmup, length, base, floor, start, hold, prefix):
    schedule = ms_lr.LinearWarmup(ms_lr.CosineAnnealingLR(base, length, base * floor, hold_floor=hold), warmup,
                                  start_lr=base * start, warmup_prefix=prefix)
    # A warmup from the floor is a table (one low for every phase); from elsewhere either form, by the same contract.
    assert schedule.phase_lr is not None or start != floor, (start, floor)
    rng = np.random.default_rng(warmup)
    marks = [0, warmup] + [m for m in range(length, INT32_MAX, length)][:8] + schedule.boundaries(INT32_MAX)[:8]
    steps = np.unique(np.concatenate([np.clip(np.arange(m - 3, m + 4), 0, INT32_MAX) for m in marks] +
                                     [rng.integers(0, INT32_MAX, 300, endpoint=True), [INT32_MAX]]))
    assert_close(ms_lr.evaluate(schedule, steps), schedule.reference(steps), context=repr(schedule))
    assert math.isfinite(float(ms_lr.evaluate(schedule, [INT32_MAX])[0]))

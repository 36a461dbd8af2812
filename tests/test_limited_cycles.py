"""Limited cycles of one length (timm's cosine, tanh and poly cycle schedulers, mindcv's cosine decay with cycles) as
scaled waves: ``min_lr`` plus a height per cycle times the shape's weight per position (ms_lr/graph/waves.py); cosine
cycles too long for those tables, or growing on integer restarts, as one phase table; and what stays a formula or
becomes a lookup."""
import tempfile

import mindspore as ms
import numpy as np
import pytest

import ms_lr
from ms_lr.core.arguments import INT32_MAX
from ms_lr.core.settled import DEFAULT_TABLE_STEPS, settled_tables
from ms_lr.schedules.cycles import CosineCyclesLR, PolyCyclesLR, TanhCyclesLR
from ms_lr.tools.op_audit import graph_primitives
from tests.support.accuracy import TINY, assert_close
from tests.support.peers import mindcv_lrs, timm_lrs
from tests.support.steps import through_2_31
from tests.test_settled import _claim_holds, _period_holds

WAVES = ("Maximum", "FloorDiv", "Minimum", "Gather", "FloorMod", "Gather", "Addcmul")

# Each settles where its last cycle ends, past the lookup's limit.
LONG = {
    "cosine": lambda: ms_lr.CosineCyclesLR(0.1, 10_000, 1e-5, cycle_decay=0.99, cycle_limit=300),
    "cosine-peaks-alike": lambda: ms_lr.CosineCyclesLR(0.1, 10_000, 1e-5, cycle_limit=300),
    "cosine-k_decay": lambda: ms_lr.CosineCyclesLR(0.1, 7777, cycle_decay=0.98, cycle_limit=200, k_decay=2.5),
    "cosine-k_decay-below-1": lambda: ms_lr.CosineCyclesLR(0.1, 7777, 1e-6, cycle_decay=0.98, cycle_limit=200,
                                                           k_decay=0.3),
    "tanh": lambda: ms_lr.TanhCyclesLR(0.1, 9000, 1e-4, cycle_decay=0.97, cycle_limit=150),
    "poly": lambda: ms_lr.PolyCyclesLR(0.1, 9000, 1e-4, cycle_decay=0.97, cycle_limit=150, power=2.0, k_decay=1.5),
    "poly-sqrt": lambda: ms_lr.PolyCyclesLR(0.1, 9000, cycle_decay=0.97, cycle_limit=150),
}


def _cycles(schedule):
    """The limited cycles inside a schedule a front door built (a warmup or per-epoch steps around them), found
    through the schedules its arguments hold."""
    while not isinstance(schedule, (CosineCyclesLR, TanhCyclesLR, PolyCyclesLR)):
        inner = [getattr(schedule, key) for key in schedule.get_config()
                 if isinstance(getattr(schedule, key, None), ms_lr.Schedule)]
        assert len(inner) == 1, schedule
        schedule = inner[0]
    return schedule


@pytest.mark.parametrize("name", sorted(LONG))
def test_cycles_of_one_length_past_the_lookups_limit_are_two_gathers_and_one_product(name):
    # The formula launched 19 (tanh) to 57 (poly with k_decay) kernels, counted from the saved IR.
    schedule = LONG[name]()
    with tempfile.TemporaryDirectory() as folder:
        graph = graph_primitives(schedule, folder)
    assert schedule.waves is not None and not schedule.tabulated and graph.sequence == WAVES, graph
    config = schedule.get_config()
    assert schedule.settles_at() == config["cycle_limit"] * config["cycle_steps"] > DEFAULT_TABLE_STEPS
    _claim_holds(schedule, seed=len(name))


@pytest.mark.parametrize("mode", [ms.GRAPH_MODE, ms.PYNATIVE_MODE], ids=["graph", "pynative"])
@pytest.mark.parametrize("name", sorted(LONG))
def test_waves_match_the_reference_over_long_ranges_around_every_restart_and_near_2_31(name, mode):
    schedule = LONG[name]()
    config = schedule.get_config()
    length, settle = config["cycle_steps"], schedule.settles_at()
    restarts = np.arange(length, settle + 1, length)
    steps = np.unique(np.concatenate([np.arange(30_000), (restarts[:, None] + np.arange(-2, 3)).ravel(),
                                      np.arange(settle - 20_000, settle + 20_000),
                                      np.random.default_rng(7).integers(0, INT32_MAX, 5000),
                                      np.arange(INT32_MAX - 3000, INT32_MAX + 1)]))
    ms.set_context(mode=mode)
    try:
        values = ms_lr.evaluate(schedule, steps)
    finally:
        ms.set_context(mode=ms.GRAPH_MODE)
    assert_close(values, schedule.reference(steps), context=name)


# (updates_per_epoch, create_scheduler_v2 arguments, the path with the lookups off): cycles of one length as waves,
# growing cosine cycles whose restarts are integer steps as a phase table (timm's own are on epochs or updates).
TIMM = [
    (3, dict(sched="cosine", num_epochs=10, cycle_limit=3, cycle_decay=0.5, min_lr=1e-5, warmup_epochs=2,
             warmup_lr=1e-4), "waves"),
    (4, dict(sched="cosine", num_epochs=6, cycle_limit=4, cycle_decay=0.7, k_decay=1.5, step_on_epochs=False),
     "waves"),
    (2, dict(sched="tanh", num_epochs=12, warmup_epochs=3, warmup_prefix=True, cycle_limit=2, cycle_decay=0.8),
     "waves"),
    (1, dict(sched="poly", num_epochs=6, decay_rate=0.5, k_decay=1.5, cycle_limit=2, cycle_decay=0.5), "waves"),
    (1, dict(sched="cosine", num_epochs=10, cycle_limit=3, cycle_mul=2.0, cycle_decay=0.5, min_lr=1e-5), "phases"),
    (4, dict(sched="cosine", num_epochs=6, cycle_limit=2, cycle_mul=2.0, step_on_epochs=False, min_lr=1e-6,
             warmup_epochs=1, warmup_lr=1e-4), "phases"),
]


@pytest.mark.parametrize("updates, arguments, path", TIMM,
                         ids=[f"{a['sched']}-{path}-{i}" for i, (_, a, path) in enumerate(TIMM)])
def test_waves_and_phase_tables_equal_timm_over_the_run(updates, arguments, path):
    lr = 0.05
    with settled_tables(0):
        schedule, epochs = ms_lr.create_scheduler_v2(lr, updates, **arguments)
    cycles = _cycles(schedule)
    assert (cycles.waves is not None, cycles.phase_lr is not None) == (path == "waves", path == "phases"), cycles
    assert not cycles.tabulated and not schedule.tabulated
    mult = arguments.get("cycle_mul", 1.0)
    steps = (int(epochs * (mult ** arguments["cycle_limit"] - 1) / (mult - 1) if mult != 1 else
                 epochs * arguments["cycle_limit"]) + 2) * updates
    expected, _ = timm_lrs(lr, updates, steps, **arguments)
    assert_close(ms_lr.evaluate(schedule, np.arange(steps)), expected, context=str(arguments))


def test_waves_equal_mindcv_over_the_run():
    arguments = dict(scheduler="warmup_cosine_decay", lr=0.1, min_lr=1e-5, warmup_epochs=2, warmup_factor=0.01,
                     decay_epochs=3, num_epochs=14, num_cycles=3, cycle_decay=0.5)
    with settled_tables(0):
        schedule = ms_lr.create_scheduler(3, **arguments)
    assert _cycles(schedule).waves is not None and not _cycles(schedule).tabulated and not schedule.tabulated
    expected = mindcv_lrs(3, **arguments)
    assert_close(ms_lr.evaluate(schedule, np.arange(expected.size)), expected, context=str(arguments))


# Cosine cycles too long for the waves' tables, or growing, whose restarts are integer steps: one phase table (the
# formula launched 22 to 28 kernels, counted; with a front door's warmup 19 to 28).
PHASES = {
    "one cycle of 3M steps": (lambda: ms_lr.CosineCyclesLR(0.1, 3_000_000, 1e-5), 9),
    "three cycles of 2M steps": (lambda: ms_lr.CosineCyclesLR(0.1, 2_000_000, 1e-5, cycle_decay=0.5,
                                                              cycle_limit=3), 10),
    "doubling cycles from 3M steps": (lambda: ms_lr.CosineCyclesLR(0.1, 3_000_000, 1e-5, 2.0, 0.5, 5), 10),
    # The last of 21 doubling cycles reaches past 2**31 - 1: its anchor is shifted (one kernel more).
    "doubling cycles without an end": (lambda: ms_lr.CosineCyclesLR(0.1, 1000, 0.0, 2.0, 0.9, 10**6), 11),
    "timm, a warmup and a cosine over 3M updates": (lambda: ms_lr.create_scheduler_v2(
        0.1, 10_000, sched="cosine", num_epochs=300, warmup_epochs=5, step_on_epochs=False)[0], 12),
    "mindcv, a warmup and a cosine over 3M steps": (lambda: ms_lr.create_scheduler(
        10_000, scheduler="warmup_cosine_decay", lr=0.1, min_lr=1e-6, warmup_epochs=5, decay_epochs=295,
        num_epochs=300), 12),
}


@pytest.mark.parametrize("name", sorted(PHASES))
def test_long_or_growing_cosine_cycles_on_integer_steps_are_one_phase_table(name):
    make, kernels = PHASES[name]
    schedule = make()
    with tempfile.TemporaryDirectory() as folder:
        graph = graph_primitives(schedule, folder)
    assert graph.kernels == kernels and "SearchSorted" in graph.sequence and not schedule.tabulated, graph
    steps = through_2_31(schedule, seed=9)
    assert_close(ms_lr.evaluate(schedule, steps), schedule.reference(steps), context=name)


def test_a_peak_below_the_floor_or_tables_past_their_limit_keep_the_formula():
    # A decayed peak under min_lr: the lr mixes two weights, which a height per cycle does not.
    below = ms_lr.CosineCyclesLR(0.1, 10_000, 0.05, cycle_decay=0.5, cycle_limit=300)
    # 2**20 positions alone fill the tables' limit; 2 million cycles of 1000 steps need as many heights.
    too_long = ms_lr.TanhCyclesLR(0.1, 2**20, cycle_limit=3)
    too_many = ms_lr.PolyCyclesLR(0.1, 1000, 1e-5, cycle_limit=2_000_000)
    # Lengths that grow to restarts between steps are a table of restarts and their fractions; so is a k_decay.
    growing = ms_lr.CosineCyclesLR(0.1, 1000, 1e-5, cycle_mul=1.5, cycle_decay=0.5, cycle_limit=20)
    bent = ms_lr.CosineCyclesLR(0.1, 3_000_000, 1e-5, k_decay=2.0)
    for schedule in (below, too_long, too_many, growing, bent):
        assert schedule.waves is None and schedule.phase_lr is None and not schedule.tabulated, schedule
        steps = np.concatenate([np.arange(3000), np.arange(INT32_MAX - 3000, INT32_MAX + 1)])
        assert_close(ms_lr.evaluate(schedule, steps), schedule.reference(steps), context=repr(schedule))


def test_cycles_without_an_end_in_range_are_lookups():
    # Every cycle alike up to 2**31 - 1: periodic from step 0, one cycle tabulated (the formula claimed nothing).
    alike = ms_lr.CosineCyclesLR(0.1, 10_000, 1e-5, cycle_limit=10**9)
    assert alike.repeats() == (0, 10_000) and alike.tabulated
    _period_holds(alike, seed=1)
    # Peaks decaying over a floor of 0: settled once a peak is under float32's smallest normal number, the
    # contract's 0; the cycle before still reaches it.
    fading = ms_lr.TanhCyclesLR(0.1, 1000, cycle_decay=0.9, cycle_limit=10**9)
    settle = fading.settles_at()
    assert settle is not None and settle % 1000 == 0 and fading.tabulated
    assert 0.1 * 0.9 ** (settle // 1000) < TINY <= fading.reference(np.arange(settle - 2000, settle)).max()
    _claim_holds(fading, seed=2)


def test_cycles_alike_too_long_for_a_lookup_repeat_bit_for_bit_from_their_phase_table():
    # 1,953 cycles of 1.1M steps reach 26% into the last, whose anchor past 2**31 - 1 would move back a period and
    # round that cycle's x apart (by an ulp of the lr): its steps are shifted instead.
    alike = ms_lr.CosineCyclesLR(0.1, 1_100_000, 1e-5, cycle_limit=10**9)
    assert alike.repeats() == (0, 1_100_000) and not alike.tabulated and alike.phase_lr.table.shift
    _period_holds(alike, seed=3)

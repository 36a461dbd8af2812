"""Settled and periodic schedules compiled as lookups (ms_lr/core/settled.py): every claim of where a schedule
settles or repeats holds through 2**31 - 1, the lookup gives the formula's own values, and only what settles or
repeats near and holds no Parameter is tabulated. The cell-against-reference contract (tests/test_contract.py)
covers the tabulated cells as it covers every other."""
import tempfile

import mindspore as ms
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from mindspore import Tensor

import ms_lr
from ms_lr.core.arguments import INT32_MAX
from ms_lr.core.settled import DEFAULT_TABLE_STEPS, table_steps
from ms_lr.tools.op_audit import graph_primitives
from tests.support.accuracy import TINY, assert_close
from tests.support.strategies import example, schedule_classes, schedules

CLASSES = schedule_classes()
SETTLING = [cls for cls in CLASSES if example(cls).settles_at() is not None]
PERIODIC = [cls for cls in CLASSES if example(cls).repeats() is not None and example(cls).repeats().period > 1]


def _formula(schedule, steps):
    """The schedule's formula, eagerly (not its lookup)."""
    return schedule.value(Tensor(np.asarray(steps, dtype=np.int32))).asnumpy()


def _formula_step_by_step(schedule, steps):
    """The formula at one step at a time, the shape ``[1]`` a train step gives it. MindSpore's CPU ``Pow`` and
    ``Log`` take another code path for some elements of a vector (the tail past its last full block, a lone
    element), and the two paths round up to 2 ulps apart for the same input (measured: ``Pow`` up to 4.5 ulps from
    the truth in a vector, 0.5 alone, for integer powers): one step gives one number only at one shape."""
    return np.array([_formula(schedule, [k])[0] for k in steps])


# What the same input may give at two places of one vector (see _formula_step_by_step): 2 ulps, with a margin.
PATH_RTOL = 5e-7


def _claim_holds(schedule, seed):
    """From ``settles_at()`` on, the reference is constant (the truth), and the formula stays within a float32
    rounding of its value there, which the lookup holds."""
    settle = schedule.settles_at()
    assert isinstance(settle, int) and 0 <= settle <= INT32_MAX, settle
    rng = np.random.default_rng(seed)
    later = np.array(sorted({settle, settle + 1, settle + 2, INT32_MAX - 1, INT32_MAX} |
                            set(rng.integers(settle, INT32_MAX, size=200, endpoint=True).tolist())))
    later = later[(later >= settle) & (later <= INT32_MAX)]
    reference = schedule.reference(later)
    values = _formula(schedule, later)
    # Either the truth is constant, or (a wave shrinking onto base_lr) it stays within half a float32 ulp of the
    # settled value, which is then the float32 number nearest the truth at every later step.
    constant = np.allclose(reference, reference[0], rtol=1e-12, atol=0)
    rounds_to_it = np.abs(reference - values[0]) <= np.spacing(values[0]).astype(np.float64) / 2
    # Or (a decay) truth and formula have fallen below float32's smallest normal number, which float32 holds as 0
    # or a subnormal a device flushes: the accuracy contract's 0.
    if (reference < TINY).all() and (values < TINY).all():
        return
    assert constant or rounds_to_it.all(), (
        f"{schedule!r} claims to settle at step {settle} but its reference changes after it: "
        f"{dict(zip(later[~rounds_to_it][:5].tolist(), reference[~rounds_to_it][:5]))}")
    # In a vector the same input may round apart (see _formula_step_by_step), so across all of these steps: the two
    # paths' spread; one step at a time, as the train step evaluates it: one number.
    assert np.allclose(values, values[0], rtol=PATH_RTOL, atol=0), (
        f"{schedule!r} claims to settle at step {settle} but its formula changes after it: "
        f"{dict(zip(later[values != values[0]][:5].tolist(), values[values != values[0]][:5].tolist()))}")
    each = np.unique(np.concatenate([later[:3], later[-2:], rng.choice(later, 15)]))
    one_by_one = _formula_step_by_step(schedule, each)
    assert (one_by_one == one_by_one[0]).all(), (
        f"{schedule!r} claims to settle at step {settle} but its formula, one step at a time, changes after it: "
        f"{dict(zip(each.tolist(), one_by_one.tolist()))}")


def test_the_schedules_that_settle_include_the_heavy_finite_ones():
    names = {cls.__name__ for cls in SETTLING}
    assert {"OneCycleLR", "OneCycleMomentum", "WarmupStableDecayLR", "CosineCyclesLR", "TanhCyclesLR",
            "PolyCyclesLR", "LinearLR", "CooldownLR", "SWALR"} <= names, names
    noisy = ms_lr.NoisyLR(ms_lr.OneCycleLR(0.1, 1000, cycle_momentum=False), start_step=100, end_step=900)
    assert noisy.settles_at() == 999 and noisy.tabulated
    _claim_holds(noisy, seed=3)
    assert ms_lr.NoisyLR(ms_lr.OneCycleLR(0.1, 1000, cycle_momentum=False), start_step=100).settles_at() is None


def _period_holds(schedule, seed):
    """From ``repeats().start`` on, the reference a whole number of periods later is the same (the truth, to its own
    float64 rounding), and the formula's is the same float32 number: its cycles are reduced in exact int32."""
    start, period = schedule.repeats()
    assert 0 <= start <= INT32_MAX and 1 < period <= INT32_MAX, (start, period)
    rng = np.random.default_rng(seed)
    later = np.array(sorted({start, start + period, start + period + 1, INT32_MAX - 1, INT32_MAX} |
                            set(rng.integers(start, INT32_MAX, size=300, endpoint=True).tolist())))
    later = later[(later >= start) & (later <= INT32_MAX)]
    folded = start + (later - start) % period
    reference, expected = schedule.reference(later), schedule.reference(folded)
    values, folded_values = _formula(schedule, later), _formula(schedule, folded)
    if all((v < TINY).all() for v in (reference, expected, values, folded_values)):
        return   # a part has decayed below float32's smallest normal number: the contract's 0, repeating
    # The float64 references take k / T at k near 2**31 unreduced (an angle off by ~1e-7 there): equal to that.
    assert np.allclose(reference, expected, rtol=1e-6, atol=1e-9 * np.abs(expected).max()), (
        f"{schedule!r} claims to repeat every {period} steps from step {start}, but its reference does not")
    assert np.allclose(values, folded_values, rtol=PATH_RTOL, atol=0), (
        f"{schedule!r} claims to repeat every {period} steps from step {start}, but its formula gives "
        f"{dict(zip(later[values != folded_values][:5].tolist(), values[values != folded_values][:5].tolist()))}")
    # One step at a time (the train step's shape): the same float32 number a whole number of periods apart.
    pairs = np.unique(np.concatenate([later[:3], later[-2:], rng.choice(later, 10)]))
    each, folded_each = (_formula_step_by_step(schedule, k) for k in (pairs, start + (pairs - start) % period))
    assert np.array_equal(each, folded_each), (
        f"{schedule!r} claims to repeat every {period} steps from step {start}, but one step at a time its formula "
        f"gives {dict(zip(pairs[each != folded_each][:5].tolist(), each[each != folded_each][:5].tolist()))}")


def test_the_schedules_that_repeat_include_the_periodic_ones():
    names = {cls.__name__ for cls in PERIODIC}
    assert {"CosineAnnealingLR", "CosineAnnealingWarmRestarts", "CyclicLR"} <= names, names
    cosine = ms_lr.CosineAnnealingLR(0.1, 1000, 1e-5)
    expected = {
        ms_lr.CosineAnnealingWarmRestarts(0.1, 100): (0, 100),
        ms_lr.CosineAnnealingWarmupRestarts(100, 1.0, 0.1, 1e-3, 10): (0, 100),
        # Without a warmup, step 0 is min_lr: the repeats start after it.
        ms_lr.CosineAnnealingWarmupRestarts(100, 1.0, 0.1, 1e-3): (1, 100),
        # A float multiplier whose truncation freezes the length (int(90 * 1.005) == 90): one length.
        ms_lr.CosineAnnealingWarmupRestarts(100, 1.005, 0.1, 1e-3, 10): (0, 100),
        # A decaying peak, once under float32's smallest normal number: 0.1 * 0.9**808 < 1.2e-38 <= 0.1 * 0.9**807.
        ms_lr.CosineAnnealingWarmupRestarts(100, 1.0, 0.1, 1e-3, 10, gamma=0.9): (808 * 100, 100),
        ms_lr.LinearWarmup(cosine, 50): (50, 2000),
        ms_lr.LinearWarmup(cosine, 50, warmup_prefix=False): (50, 2000),
        ms_lr.SequentialLR([ms_lr.LinearLR(0.1, 0.1, 1.0, 50), cosine], [50]): (50, 2000),
        ms_lr.NoisyLR(cosine, 100, 900): (900, 2000),
        cosine * ms_lr.CyclicLR(0.0, 1.0, 300, cycle_momentum=False): (0, 6000),
        ms_lr.PerEpoch(ms_lr.CosineAnnealingLR(0.1, 9), 10): (0, 180),
        0.5 * cosine: (0, 2000),
    }
    for schedule, (start, period) in expected.items():
        assert schedule.repeats() == (start, period) and schedule.tabulated, (schedule, schedule.repeats())
        _period_holds(schedule, seed=period)
    for never in (ms_lr.CosineAnnealingWarmRestarts(0.1, 100, 2),
                  ms_lr.CosineAnnealingWarmupRestarts(100, 1.5, 0.1, 1e-3, 10, gamma=0.9),
                  ms_lr.CyclicLR(0.0, 1.0, 300, mode="triangular2", cycle_momentum=False),
                  ms_lr.CyclicLR(0.0, 1.0, 300, mode="exp_range", gamma=0.999, cycle_momentum=False),
                  ms_lr.NoisyLR(cosine, 100), ms_lr.Offset(cosine, 10)):
        assert never.repeats() is None or never.repeats().period == 1, never
    # Offset saturates its step at the last int32 one: settled there, the period cut.
    assert ms_lr.Offset(cosine, 10).repeats() == (INT32_MAX - 10, 1)


def test_a_rising_wave_that_shrinks_settles_in_float32_once_under_a_quarter_ulp_of_base_lr():
    """triangular2 and exp_range never reach base_lr, but their float32 formula does: base_lr + x rounds to base_lr
    once x < ulp(base_lr) / 2, and the claim leaves a margin (a quarter ulp). base_lr = 0 claims nothing (no ulp to
    hide in)."""
    for mode, gamma in (("triangular2", 1.0), ("exp_range", 0.9999), ("exp_range", 0.999)):
        wave = ms_lr.CyclicLR(0.001, 0.1, 2000, 1000, mode, gamma, cycle_momentum=False)
        settle = wave.settles_at()
        assert settle is not None and wave.tabulated, (mode, gamma)
        _claim_holds(wave, seed=7)
        # Not claimed much too early: half way there, the float64 truth still peaks a quarter ulp above base_lr.
        truth = wave.reference(np.arange(settle // 2, settle // 2 + 3000)).max()
        assert truth - 0.001 > np.spacing(np.float32(0.001)) / 4, (mode, gamma, settle)
    # From 0 the wave has no ulp to hide in; it settles where its heights fall under float32's smallest normal
    # number (the contract's 0), held as 0: 0.1 * 2**-123 < 1.2e-38 <= 0.1 * 2**-122.
    from_zero = ms_lr.CyclicLR(0.0, 0.1, 2000, mode="triangular2", cycle_momentum=False)
    assert from_zero.repeats() == (123 * 4000, 1) and from_zero.tabulated
    _claim_holds(from_zero, seed=8)
    assert from_zero.reference(np.arange(122 * 4000, 123 * 4000)).max() >= TINY
    assert ms_lr.CyclicLR(0.001, 0.1, 2000, mode="exp_range", gamma=1.0, cycle_momentum=False).repeats() == (0, 4000)


# Waves pointing down less than half way from base_lr are base_lr - |heights[c]| * shape[p] (ms_lr/graph/waves.py),
# which settles on base_lr; further down they keep the formula's two-weight mix, which repeats (test below).
FALLING_WAVES = {
    "torch's default momenta, exp_range": (lambda: ms_lr.CyclicMomentum(0.8, 0.9, 2000, 1000, "exp_range", 0.9999),
                                           "settles"),
    "momenta, triangular2": (lambda: ms_lr.CyclicMomentum(0.85, 0.95, 300, mode="triangular2"), "settles"),
    "lr, exp_range": (lambda: ms_lr.CyclicLR(0.1, 0.001, 2000, mode="exp_range", gamma=0.999, cycle_momentum=False),
                      "repeats"),
    "lr to 0": (lambda: ms_lr.CyclicLR(0.5, 0.0, 20, 13, mode="exp_range", gamma=0.99, cycle_momentum=False),
                "repeats"),
    # base_lr on a power of two: the lr may fall under it, where the ulp is half as large.
    "base on a power of two": (lambda: ms_lr.CyclicLR(0.5, 0.49, 7, 3, mode="exp_range", gamma=0.9,
                                                      cycle_momentum=False), "settles"),
    "half way down, a power of two": (lambda: ms_lr.CyclicLR(1.0, 0.5, 7, 3, mode="triangular2",
                                                             cycle_momentum=False), "settles"),
    "base 1, triangular2": (lambda: ms_lr.CyclicLR(1.0, 0.25, 7, 3, mode="triangular2", cycle_momentum=False),
                            "repeats"),
}


@pytest.mark.parametrize("make, kind", FALLING_WAVES.values(), ids=list(FALLING_WAVES))
def test_a_falling_wave_that_shrinks_settles_or_repeats_every_cycle(make, kind):
    """A wave pointing down (a cycled momentum's) less than half way is base - |h_c| * shape_p, which rounds to
    base once the cycle's wave is under a quarter ulp: settled. Further down it is the formula's mix
    base * (w_base + w_max * (1 - s)) + max * w_max * s, whose two weights of the position do not sum to 1 exactly,
    so it never settles, but once 1 - s rounds to 1 and the last term is under a quarter ulp, it is a function of
    the position alone: it repeats every cycle. Either way a lookup."""
    wave = make()
    start, period = wave.repeats()
    total = wave._config["step_size_up"] + (wave._config["step_size_down"] or wave._config["step_size_up"])
    assert wave.tabulated and period == {"settles": 1, "repeats": total}[kind], wave.repeats()
    if kind == "settles":
        _claim_holds(wave, seed=total)
    else:
        _period_holds(wave, seed=period)
    # Not claimed much too late: the formula is still shrinking a few percent of the way before the claim (a
    # claim at 2**31 - 1 would pass the check above and tabulate nothing).
    steps = np.arange(max(0, int(start * 0.9) - total), start + total, dtype=np.int32)
    values = _formula(wave, steps)
    assert (values[:-total] != values[total:]).any(), (start, total)


def test_a_geometric_decay_settles_where_its_lr_falls_below_float32s_smallest_normal():
    """ExponentialLR and StepLR never reach 0, but below 1.2e-38 float32 holds their lr as 0 or a subnormal a device
    flushes (the contract's 0): the claim comes at most two steps (decays) after the exact crossing."""
    for schedule, per in ((ms_lr.ExponentialLR(0.1, 0.9999), 1), (ms_lr.ExponentialLR(3.0, 0.95), 1),
                          (ms_lr.StepLR(0.1, 1000, 0.5), 1000), (ms_lr.StepLR(0.1, 7, 0.1), 7)):
        gamma, base = schedule.get_config()["gamma"], schedule.get_config()["base_lr"]
        crossing = next(n for n in range(10**7) if base * gamma**n < TINY)          # exact in float64
        settle = schedule.settles_at()
        assert crossing * per <= settle <= (crossing + 2) * per and schedule.tabulated, (schedule, settle, crossing)
        _claim_holds(schedule, seed=11)
    assert ms_lr.ExponentialLR(0.1, 1 + 1e-9).repeats() is None
    assert ms_lr.ExponentialLR(0.1, 1.0).settles_at() == 0 and ms_lr.StepLR(0.1, 10, 1.0).settles_at() == 0
    assert ms_lr.ExponentialLR(0.1, 0.99999).settles_at() > DEFAULT_TABLE_STEPS      # claimed, but a formula
    assert not ms_lr.ExponentialLR(0.1, 0.99999).tabulated


def test_a_factor_above_1_lifting_a_settled_decay_back_over_float32s_smallest_normal_drops_the_claim():
    # StepLR(1.0, 1, 0.1) settles at step 39 (1e-39, under 1.2e-38); twelve times that is 1.2e-38, above it.
    decay = ms_lr.StepLR(1.0, 1, 0.1)
    assert decay.settles_at() == 39
    # A scale or a constant factor is multiplied into the lr first: the claim is the scaled decay's own.
    lifted = ms_lr.StepLR(12.0, 1, 0.1).repeats()
    assert lifted.start > 39 and lifted.period == 1
    assert ms_lr.Scaled(decay, 12.0).repeats() == (decay * ms_lr.FixedLR(12.0)).repeats() == lifted
    _claim_holds(ms_lr.Scaled(decay, 12.0), seed=12)
    assert ms_lr.Scaled(decay, 0.5).settles_at() == 39
    _claim_holds(ms_lr.Scaled(ms_lr.StepLR(0.1, 7, 0.1), 2.0), seed=13)
    # A factor that is itself a schedule can lift it back (an upper bound of 1 cannot): no claim.
    assert (decay * ms_lr.LinearLR(12.0, 0.5, 1.0, 100)).repeats() is None
    assert (decay * ms_lr.ConstantLR(1.0, 0.5, 50)).settles_at() == 50
    _claim_holds(ms_lr.StepLR(0.1, 7, 0.1) * ms_lr.LinearLR(2.0, 0.5, 1.0, 30), seed=14)


@pytest.mark.parametrize("cls", [ms_lr.CosineCyclesLR, ms_lr.TanhCyclesLR, ms_lr.PolyCyclesLR],
                         ids=["cosine", "tanh", "poly"])
def test_limited_cycles_hold_one_number_past_their_last_cycle(cls):
    """Past ``cycle_limit`` cycles the lr is ``min_lr``, which the formula mixes with itself by two weights that sum
    to 1 only within a rounding: it holds the step at the floor's first, so the weights are the same at every later
    step (a moving position wobbled by up to 4 ulps, found by the property test on a floor above the peak)."""
    rng = np.random.default_rng(5)
    for schedule in (cls(0.0, 125, 7.421875), cls(1.0, 7, 0.3, cycle_limit=3),
                     cls(1.0, 10, 0.3, cycle_mul=1.5, cycle_decay=0.5, cycle_limit=3)):
        _claim_holds(schedule, seed=5)
        settle = schedule.settles_at()
        later = np.concatenate([np.arange(settle, settle + 1000), rng.integers(settle, INT32_MAX, 200), [INT32_MAX]])
        values = _formula(schedule, later)
        assert (values == values[0]).all(), (schedule, np.unique(values))


@pytest.mark.parametrize("cls", SETTLING, ids=[c.__name__ for c in SETTLING])
def test_where_each_schedule_settles_its_formula_holds_through_2_31(cls):
    _claim_holds(example(cls), seed=sum(map(ord, cls.__name__)))


@pytest.mark.parametrize("cls", PERIODIC, ids=[c.__name__ for c in PERIODIC])
def test_where_each_schedule_repeats_its_formula_repeats_through_2_31(cls):
    _period_holds(example(cls), seed=sum(map(ord, cls.__name__)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schedule=schedules())
def test_where_any_schedule_settles_or_repeats_its_formula_holds_through_2_31(schedule):
    repeats = schedule.repeats()
    if repeats is not None and repeats.period == 1:
        _claim_holds(schedule, seed=0)
    elif repeats is not None:
        _period_holds(schedule, seed=0)
    if schedule.plateau() is not None:
        _plateau_holds(schedule, seed=0)


def _lookup_matches_formula(table, formula, steps, mode):
    """``table``'s lookup and ``formula`` evaluated at ``steps`` in ``mode``: the same float32 kernels, run once at
    construction (op by op) or every step, so equal op by op; a compiled graph may rewrite an expression (one
    rounding). Returns the lookup's values."""
    ms.set_context(mode=mode)
    try:
        looked_up, computed = ms_lr.evaluate(table, steps), ms_lr.evaluate(formula, steps)
    finally:
        ms.set_context(mode=ms.GRAPH_MODE)
    # Below float32's smallest normal number both are the contract's 0: MindSpore's CPU Pow gives a subnormal or 0
    # for the same input depending on where it sits in a vector (see _formula_step_by_step), and the table is one
    # vector (a StepLR past its settle step held 1e-39 in one run, 0 in others).
    normal = [np.where(np.abs(values) < TINY, 0.0, values) for values in (looked_up, computed)]
    if mode == ms.PYNATIVE_MODE:
        assert np.array_equal(*normal), repr(table)
    else:
        assert np.allclose(*normal, rtol=1.2e-7, atol=0), repr(table)
    return looked_up


def _plateau_holds(schedule, seed):
    """Over ``plateau()``'s stretch the reference is constant (the truth) and the formula gives one float32 number,
    its value at the stretch's first step, which the lookup holds for all of it."""
    first, last = schedule.plateau()
    assert 0 <= first < last <= INT32_MAX, (first, last)
    rng = np.random.default_rng(seed)
    inside = np.array(sorted({first, first + 1, last - 1, last} |
                             set(rng.integers(first, last, size=300, endpoint=True).tolist())))
    reference = schedule.reference(inside)
    assert np.allclose(reference, reference[0], rtol=1e-12, atol=0), (
        f"{schedule!r} claims one value over steps {first}..{last} but its reference changes there")
    values = _formula(schedule, inside)
    assert np.allclose(values, values[0], rtol=PATH_RTOL, atol=0), (
        f"{schedule!r} claims one value over steps {first}..{last} but its formula changes there: "
        f"{dict(zip(inside[values != values[0]][:5].tolist(), values[values != values[0]][:5].tolist()))}")
    each = np.unique(np.concatenate([inside[:2], inside[-2:], rng.choice(inside, 10)]))
    one_by_one = _formula_step_by_step(schedule, each)
    assert (one_by_one == one_by_one[0]).all(), (
        f"{schedule!r} claims one value over steps {first}..{last} but one step at a time its formula gives "
        f"{dict(zip(each.tolist(), one_by_one.tolist()))}")


# Flat stable phases of every warmup and decay shape (a warmup of 0 steps, lrs above 0 at either end).
LONG_STABLE = [dict(warmup_steps=300, decay="1-sqrt"), dict(warmup_steps=300, warmup="cosine", decay="cosine"),
               dict(warmup_steps=0, decay="linear", min_lr=1e-4),
               dict(warmup_steps=300, warmup="1-sqrt", decay="power", decay_power=2.0, start_lr=0.2),
               dict(warmup_steps=1, decay="exp", decay_ratio=0.01, start_lr=0.05, min_lr=1e-3)]


@pytest.mark.parametrize("mode", [ms.GRAPH_MODE, ms.PYNATIVE_MODE], ids=["graph", "pynative"])
@pytest.mark.parametrize("kwargs", LONG_STABLE, ids=[f"{k['warmup_steps']}-{k['decay']}" for k in LONG_STABLE])
def test_a_long_stable_phase_is_held_once_in_the_table(kwargs, mode):
    # 5,000,000 stable steps and a 2,000-step decay under a 10,000-step limit: only the warmup, one stable step and
    # the decay are tabulated, and the lookup gives the formula's values through 2**31 - 1.
    make = lambda: ms_lr.WarmupStableDecayLR(0.1, stable_steps=5_000_000, decay_steps=2000, **kwargs)  # noqa: E731
    with ms_lr.settled_tables(10_000):
        table = make()
    with ms_lr.settled_tables(0):
        formula = make()
    warmup, decay_start = kwargs["warmup_steps"], kwargs["warmup_steps"] + 5_000_000
    _plateau_holds(formula, seed=warmup)
    assert table.tabulated and table.lookup_plateau == (warmup, decay_start) == formula.plateau()
    assert table.lookup_values.shape == (warmup + 1 + 2000,)
    rng = np.random.default_rng(7)
    steps = np.unique(np.concatenate([np.arange(warmup + 5), np.arange(decay_start - 5, decay_start + 2010),
                                      rng.integers(0, INT32_MAX, 300, endpoint=True), [INT32_MAX]]))
    looked_up = _lookup_matches_formula(table, formula, steps, mode)
    assert_close(looked_up, table.reference(steps), context=repr(table))
    with tempfile.TemporaryDirectory() as folder:
        lookup = graph_primitives(table, folder)
    assert lookup.kernels == 7 and set(lookup.primitives) == {"Maximum", "Minimum", "Sub", "Add", "Gather"}, lookup


def test_no_stretch_is_skipped_where_the_whole_table_fits_the_phase_decays_or_the_rest_passes_the_limit():
    assert ms_lr.WarmupStableDecayLR(0.1, 10, 100, 10).lookup_plateau is None           # 121 entries: all of them
    with ms_lr.settled_tables(10_000):
        assert ms_lr.WarmupStableDecayLR(0.1, 10, 100, 20_000).plateau() == (10, 110)
        assert not ms_lr.WarmupStableDecayLR(0.1, 10, 100, 20_000).tabulated           # the decay passes the limit
        decaying = ms_lr.WarmupStableDecayLR(0.1, 10, 10**6, 100, stable="rsqrt")
        assert decaying.plateau() is None and not decaying.tabulated
        assert ms_lr.WarmupStableDecayLR(0.1, 10, 0, 10**6).plateau() is None          # no stable phase


@pytest.mark.parametrize("mode", [ms.GRAPH_MODE, ms.PYNATIVE_MODE], ids=["graph", "pynative"])
@pytest.mark.parametrize("cls", SETTLING + PERIODIC, ids=[c.__name__ for c in SETTLING + PERIODIC])
def test_the_lookup_gives_the_compiled_formulas_values(cls, mode):
    table = example(cls)
    with ms_lr.settled_tables(0):
        formula = cls(**table._config)
    assert not formula.tabulated
    start, period = table.repeats()
    assert table.tabulated == ((start, period) != (0, 1) and start + period <= DEFAULT_TABLE_STEPS)
    steps = sorted(set(range(min(start + period + 20, 5000))) | {start, start + period, INT32_MAX} |
                   set(np.random.default_rng(1).integers(0, INT32_MAX, 100).tolist()))
    _lookup_matches_formula(table, formula, steps, mode)


def test_a_tabulated_schedule_compiles_to_a_clamp_and_a_gather():
    with tempfile.TemporaryDirectory() as tabulated, tempfile.TemporaryDirectory() as plain:
        one_cycle = ms_lr.OneCycleLR(0.1, total_steps=10_000, cycle_momentum=False)
        with ms_lr.settled_tables(0):
            formula = ms_lr.OneCycleLR(0.1, total_steps=10_000, cycle_momentum=False)
        lookup, computed = graph_primitives(one_cycle, tabulated), graph_primitives(formula, plain)
    assert lookup.kernels == 3 and set(lookup.primitives) == {"Maximum", "Minimum", "Gather"}, lookup
    assert computed.kernels >= 10, computed     # its phase table, as past the limit


def test_a_constant_compiles_to_no_kernel_and_trains_as_a_float_lr():
    # Not tabulated: its value is a constant MindSpore folds at compile time, for every step, negative ones too.
    fixed = ms_lr.FixedLR(0.1)
    with tempfile.TemporaryDirectory() as folder:
        assert graph_primitives(fixed, folder).kernels == 0 and fixed.takes_negative_steps
    steps = np.array([-2**31, -1, 0, 7, INT32_MAX], dtype=np.int32)
    np.testing.assert_array_equal(fixed(Tensor(steps)).asnumpy(), np.full(5, np.float32(0.1)))
    weights = []
    for lr in (0.1, ms_lr.FixedLR(0.1)):
        net = ms.nn.Dense(3, 1, weight_init="ones", bias_init="zeros")
        step = ms.nn.TrainOneStepCell(ms.nn.WithLossCell(net, ms.nn.MSELoss()), ms.nn.SGD(net.trainable_params(), lr))
        for k in range(3):
            step(Tensor(np.full((2, 3), k + 1.0, np.float32)), Tensor(np.zeros((2, 1), np.float32)))
        weights.append(net.weight.asnumpy())
    assert not np.array_equal(weights[0], np.ones((1, 3))) and np.array_equal(*weights), weights


def test_a_periodic_schedule_compiles_to_a_modulo_and_a_gather():
    cosine = ms_lr.CosineAnnealingLR(0.1, 10_000, 1e-5)
    with tempfile.TemporaryDirectory() as periodic, tempfile.TemporaryDirectory() as prefixed, \
            tempfile.TemporaryDirectory() as plain:
        restarts = graph_primitives(ms_lr.CosineAnnealingWarmRestarts(0.1, 1000), periodic)
        warmed = graph_primitives(ms_lr.LinearWarmup(cosine, 500), prefixed)
        with ms_lr.settled_tables(0):
            formula = graph_primitives(ms_lr.LinearWarmup(ms_lr.CosineAnnealingLR(0.1, 10_000, 1e-5), 500), plain)
    assert restarts.kernels == 3 and set(restarts.primitives) == {"Maximum", "FloorMod", "Gather"}, restarts
    # Below twice the fold the step indexes itself; later steps fall back by whole folds (multiples of the period).
    assert warmed.kernels == 5 and set(warmed.primitives) == {"Maximum", "FloorMod", "Add", "Minimum", "Gather"}, \
        warmed
    assert formula.kernels > 10, formula


def test_a_periodic_schedule_after_a_prefix_folds_its_table_or_keeps_prefix_and_period_past_the_limit():
    # Prefix 500, period 20,000: the fold is the first multiple of the period past the prefix, 20,000, and the
    # table twice that. With a limit between start + period and twice the fold, the table is prefix and period.
    cosine = lambda: ms_lr.CosineAnnealingLR(0.1, 10_000, 1e-5)  # noqa: E731
    folded = ms_lr.LinearWarmup(cosine(), 500)
    with ms_lr.settled_tables(30_000):
        unfolded = ms_lr.LinearWarmup(cosine(), 500)
    with ms_lr.settled_tables(0):
        formula = ms_lr.LinearWarmup(cosine(), 500)
    assert (folded.lookup_fold, folded.lookup_values.shape) == (20_000, (40_000,))
    assert (unfolded.lookup_fold, unfolded.lookup_values.shape) == (None, (20_500,))
    rng = np.random.default_rng(5)
    steps = np.concatenate([np.arange(0, 90_000), rng.integers(0, INT32_MAX, 3000, endpoint=True), [INT32_MAX]])
    expected = _formula(formula, steps)
    for schedule in (folded, unfolded):
        np.testing.assert_array_equal(ms_lr.evaluate(schedule, steps), expected)
    with tempfile.TemporaryDirectory() as folder:
        assert graph_primitives(unfolded, folder).kernels == 7


def test_what_is_not_tabulated():
    assert ms_lr.OneCycleLR(0.1, DEFAULT_TABLE_STEPS, cycle_momentum=False).tabulated
    assert ms_lr.CosineAnnealingLR(0.1, DEFAULT_TABLE_STEPS // 2).tabulated
    # Past the limit (a settle point, or a period), never repeating, a constant, a Parameter anywhere in the tree.
    assert not ms_lr.OneCycleLR(0.1, DEFAULT_TABLE_STEPS + 1, cycle_momentum=False).tabulated
    assert not ms_lr.CosineAnnealingLR(0.1, DEFAULT_TABLE_STEPS // 2 + 1).tabulated
    assert not ms_lr.CosineAnnealingWarmRestarts(0.1, 100, 2).tabulated
    assert not ms_lr.FixedLR(0.1).tabulated
    reducible = ms_lr.ReducibleLR(ms_lr.LinearLR(0.1, 0.5, 1.0, 100))
    cooled = ms_lr.CooldownLR(reducible, start_step=100, cooldown_steps=10)
    assert cooled.settles_at() == 110 and not cooled.tabulated and not reducible.tabulated
    # ... and what the Parameter moves, still moves.
    reducible.factor.set_data(Tensor(np.float32(0.5)))
    assert ms_lr.evaluate(cooled, [50])[0] == np.float32(0.5) * ms_lr.evaluate(ms_lr.LinearLR(0.1, 0.5, 1.0, 100),
                                                                                [50])[0]


def test_settled_tables_sets_the_limit_for_its_block_only_and_checks_it():
    with ms_lr.settled_tables(100):
        assert table_steps() == 100
        assert not ms_lr.LinearLR(0.1, total_iters=100).tabulated     # 101 values
        assert ms_lr.LinearLR(0.1, total_iters=99).tabulated
    assert table_steps() == DEFAULT_TABLE_STEPS
    for bad in (-1, 1.5, True, "100"):
        with pytest.raises(ValueError, match="For 'settled_tables', max_steps must be an int >= 0"):
            with ms_lr.settled_tables(bad):
                pass


def test_a_tabulated_schedule_trains_and_resumes_from_global_step():
    """The lookup is driven by the optimizer's global_step like the formula: same weights, and a run restarted
    from a saved step continues on the same lrs."""
    ms.set_context(mode=ms.GRAPH_MODE)
    x = Tensor(np.random.default_rng(0).normal(size=(16, 4)).astype(np.float32))
    y = Tensor(np.random.default_rng(1).normal(size=(16, 1)).astype(np.float32))

    def train(schedule, steps, start=0):
        ms.set_seed(0)
        net = ms.nn.Dense(4, 1)
        opt = ms.nn.SGD(net.trainable_params(), learning_rate=schedule)
        opt.global_step.set_data(Tensor(np.array([start], np.int32)))
        step = ms.nn.TrainOneStepCell(ms.nn.WithLossCell(net, ms.nn.MSELoss()), opt)
        for _ in range(steps):
            step(x, y)
        return net.weight.asnumpy(), int(opt.global_step.asnumpy()[0])

    table = ms_lr.WarmupStableDecayLR(0.1, 5, 10, 10)
    with ms_lr.settled_tables(0):
        formula = ms_lr.WarmupStableDecayLR(0.1, 5, 10, 10)
    assert table.tabulated and not formula.tabulated
    (w_table, k_table), (w_formula, k_formula) = train(table, 30), train(formula, 30)
    assert k_table == k_formula == 30
    np.testing.assert_allclose(w_table, w_formula, rtol=1e-6, atol=1e-7)
    # Resumed at step 12 (inside the stable phase): the lookup starts where the step says.
    (w_table, k_table), (w_formula, k_formula) = train(table, 18, start=12), train(formula, 18, start=12)
    assert k_table == k_formula == 30
    np.testing.assert_allclose(w_table, w_formula, rtol=1e-6, atol=1e-7)
    assert not np.allclose(w_table, train(table, 18)[0], rtol=1e-6), "the start step changes the lrs used"

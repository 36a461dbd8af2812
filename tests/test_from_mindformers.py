"""MindFormers' lr_schedule blocks: every type builds from a dict and from YAML, equals MindFormers' float32 values
on every step before total_steps, keeps the accuracy contract against its float64 reference, and differs from
MindFormers only where MindFormers misbehaves."""
import tempfile
import warnings

import numpy as np
import pytest

import ms_lr
from ms_lr.tools.op_audit import graph_primitives
from tests.support import mindformers_float32 as mf
from tests.support.accuracy import assert_close
from tests.support.steps import through_2_31

# (block, MindFormers' cell as it computes, total_steps given to build)
CASES = {
    "ConstantWarmUpLR doc example": ({"type": "ConstantWarmUpLR", "learning_rate": 0.005, "warmup_steps": 10,
                                      "total_steps": 20}, lambda k: mf.constant_warmup(k, 0.005, 10), 20),
    "constant_with_warmup ratio, init": ({"type": "constant_with_warmup", "learning_rate": 1e-4, "warmup_ratio": 0.29,
                                          "warmup_lr_init": 1e-7, "total_steps": -1},
                                         lambda k: mf.constant_warmup(k, 1e-4, 28, 1e-7), 100),
    "LinearWithWarmUpLR": ({"type": "LinearWithWarmUpLR", "learning_rate": 5e-5, "total_steps": 3000,
                            "warmup_ratio": 0.1}, lambda k: mf.linear_with_warmup(k, 5e-5, 3000, 300), 3000),
    "linear, no warmup": ({"type": "linear", "learning_rate": 1e-3, "warmup_steps": 0},
                          lambda k: mf.linear_with_warmup(k, 1e-3, 777, 0), 777),
    "CosineWithWarmUpLR default": ({"type": "CosineWithWarmUpLR", "learning_rate": 1e-5, "warmup_ratio": 0.01,
                                    "lr_end": 1e-6, "total_steps": -1},
                                   lambda k: mf.cosine_with_warmup(k, 1e-5, 50, 5000, lr_end=1e-6), 5000),
    "cosine one full wave": ({"type": "cosine", "learning_rate": 2e-4, "warmup_steps": 100, "num_cycles": 1.0,
                              "lr_end": 1e-5, "warmup_lr_init": 1e-6},
                             lambda k: mf.cosine_with_warmup(k, 2e-4, 100, 2100, 1.0, 1e-5, 1e-6), 2100),
    "cosine fractional waves": ({"type": "cosine", "learning_rate": 1e-3, "warmup_steps": 7, "num_cycles": 2.7,
                                 "total_steps": 997},
                                lambda k: mf.cosine_with_warmup(k, 1e-3, 7, 997, 2.7), 997),
    "cosine decay_steps early": ({"type": "cosine", "learning_rate": 1e-3, "warmup_steps": 10, "decay_steps": 600,
                                  "lr_end": 1e-4, "total_steps": 1000},
                                 lambda k: mf.cosine_with_warmup(k, 1e-3, 10, 1000, 0.5, 1e-4, decay=600), 1000),
    "cosine decay_ratio": ({"type": "CosineWithWarmUpLR", "learning_rate": 1e-3, "warmup_steps": 10,
                            "decay_ratio": 0.8, "total_steps": 1000},
                           lambda k: mf.cosine_with_warmup(k, 1e-3, 10, 1000, decay=800), 1000),
    "CosineWithRestartsAndWarmUpLR": ({"type": "CosineWithRestartsAndWarmUpLR", "learning_rate": 0.005,
                                       "warmup_steps": 10, "total_steps": 20},
                                      lambda k: mf.cosine_with_restarts(k, 0.005, 10, 20), 20),
    "restarts, 3 cycles, lr_end": ({"type": "cosine_with_restarts", "learning_rate": 1e-3, "warmup_steps": 50,
                                    "num_cycles": 3.0, "lr_end": 1e-5, "total_steps": -1},
                                   lambda k: mf.cosine_with_restarts(k, 1e-3, 50, 3050, 3.0, 1e-5), 3050),
    "restarts, partial cycles": ({"type": "cosine_with_restarts", "learning_rate": 1e-3, "warmup_steps": 13,
                                  "num_cycles": 1.7, "total_steps": 1013},
                                 lambda k: mf.cosine_with_restarts(k, 1e-3, 13, 1013, 1.7), 1013),
    "PolynomialWithWarmUpLR": ({"type": "PolynomialWithWarmUpLR", "learning_rate": 0.005, "total_steps": 20,
                                "warmup_steps": 10}, lambda k: mf.polynomial_with_warmup(k, 0.005, 20, 10), 20),
    "polynomial power 2": ({"type": "polynomial", "learning_rate": 3e-4, "warmup_ratio": 0.05, "power": 2.0,
                            "lr_end": 1e-6, "total_steps": -1},
                           lambda k: mf.polynomial_with_warmup(k, 3e-4, 4000, 200, 1e-6, 2.0), 4000),
    "ConstantWithCoolDownLR doc example": (
        {"type": "ConstantWithCoolDownLR", "learning_rate": 0.005, "warmup_steps": 10, "keep_steps": 10,
         "decay_steps": 10, "final_steps": 10, "lr_end1": 0.002, "lr_end2": 0.001},
        lambda k: mf.constant_with_cooldown(k, 0.005, 10, 10, 10, 10, 0.5, 0.002, 0.001), 60),
    "cooldown full wave": ({"type": "ConstantWithCoolDownLR", "learning_rate": 2.2e-4, "warmup_ratio": 0.02,
                            "keep_steps": 400, "decay_ratio": 0.5, "num_cycles": 1.0, "lr_end1": 2.2e-5,
                            "final_steps": 100, "lr_end2": 7.3e-6, "total_steps": -1},
                           lambda k: mf.constant_with_cooldown(k, 2.2e-4, 40, 400, 1000, 100, 1.0, 2.2e-5, 7.3e-6),
                           2000),
    "WarmUpStableDecayLR": ({"type": "WarmUpStableDecayLR", "learning_rate": 1e-3, "lr_end": 1e-5,
                             "warmup_steps": 100, "decay_start_ratio": 0.8, "total_steps": -1},
                            lambda k: mf.warmup_stable_decay(k, 1e-3, 1e-5, 100, 5000, 4000), 5000),
    "CosineAnnealingLR (t_max)": ({"type": "CosineAnnealingLR", "base_lr": 0.005, "t_max": 10, "eta_min": 1e-7},
                                  lambda k: mf.cosine_annealing(k, 0.005, 10, 1e-7), 100),
    "cosine_annealing alias": ({"type": "cosine_annealing", "base_lr": 0.005, "t_max": 333},
                               lambda k: mf.cosine_annealing(k, 0.005, 333), 1000),
    "CosineAnnealingWarmRestarts (t_0)": ({"type": "cosine_annealing_warm_restarts", "base_lr": 0.005, "t_0": 10,
                                           "t_mult": 2, "eta_min": 1e-7},
                                          lambda k: mf.cosine_annealing_warm_restarts(k, 0.005, 10, 2, 1e-7), 600),
    "LearningRateWiseLayer": ({"type": "LearningRateWiseLayer", "lr_scale": 0.5,
                               "base_lr": {"type": "LinearWithWarmUpLR", "learning_rate": 0.005, "warmup_steps": 10,
                                           "total_steps": 20}},
                              lambda k: np.float32(0.5) * mf.linear_with_warmup(k, 0.005, 20, 10), 20),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_block_equals_mindformers_before_total_steps_and_its_reference_everywhere(name):
    block, mindformers, total = CASES[name]
    schedule = ms_lr.build(block, total_steps=total)
    steps = np.arange(total)
    ours = ms_lr.evaluate(schedule, steps).astype(np.float64)
    theirs = mindformers(steps).astype(np.float64)
    peak = float(np.abs(theirs).max())
    # MindFormers' float32 0.5 * (1 + cos) is off by ~6e-8 of the peak near a floor: equal within its own float32.
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=2e-6 * peak, err_msg=name)
    later = np.concatenate([steps, np.arange(total, 3 * total), [2**24 + 1, 2**31 - 1]])
    assert_close(ms_lr.evaluate(schedule, later), schedule.reference(later), peak=peak, context=name)


# The cases whose cosines are whole numbers of steps: their warmups, plateaus, cosines and floors are one phase table.
PHASE_TABLES = {"CosineWithRestartsAndWarmUpLR", "restarts, 3 cycles, lr_end", "ConstantWithCoolDownLR doc example"}


@pytest.mark.parametrize("name", sorted(PHASE_TABLES))
def test_phase_tables_equal_mindformers_before_total_steps(name):
    block, mindformers, total = CASES[name]
    with ms_lr.settled_tables(0):
        schedule = ms_lr.build(block, total_steps=total)
    assert schedule.phase_lr is not None and not schedule.tabulated
    steps = np.arange(total)
    theirs = mindformers(steps).astype(np.float64)
    np.testing.assert_allclose(ms_lr.evaluate(schedule, steps), theirs, rtol=1e-5, atol=2e-6 * np.abs(theirs).max(),
                               err_msg=name)


# Long runs, past the lookup's limit, whose cosines are whole numbers of steps: one phase table each, where the
# formula launched 18 to 24 kernels (counted from the saved IR).
LONG = {
    "cool-down, DeepSeek-V3's shape": (lambda: ms_lr.ConstantWithCoolDownLR(
        2.2e-4, warmup_steps=2000, keep_steps=3_000_000, decay_steps=300_000, lr_end1=2.2e-5, final_steps=100_000,
        lr_end2=7.3e-6), 12),
    "cool-down from a warmup's init": (lambda: ms_lr.ConstantWithCoolDownLR(
        1e-4, warmup_steps=2000, warmup_lr_init=1e-6, keep_steps=5, decay_steps=3_000_000, lr_end1=1e-6,
        final_steps=7), 11),
    "cool-down without a warmup": (lambda: ms_lr.ConstantWithCoolDownLR(
        1e-4, keep_steps=1000, decay_steps=3_000_000, lr_end1=1e-6), 9),
    "restarts, 4 cycles": (lambda: ms_lr.CosineWithRestartsAndWarmUpLR(
        1e-4, warmup_steps=2000, total_steps=3_002_000, num_cycles=4.0), 9),
    "restarts, 2.5 cycles to lr_end": (lambda: ms_lr.CosineWithRestartsAndWarmUpLR(
        1e-4, warmup_steps=2000, total_steps=3_002_000, num_cycles=2.5, lr_end=1e-6, warmup_lr_init=1e-7), 12),
    "restarts cut by decay_steps": (lambda: ms_lr.CosineWithRestartsAndWarmUpLR(
        1e-4, warmup_steps=2000, total_steps=3_002_000, num_cycles=3.0, decay_steps=1_500_000), 9),
    "restarts, decay_steps inside the warmup": (lambda: ms_lr.CosineWithRestartsAndWarmUpLR(
        1e-4, warmup_steps=2000, total_steps=3_002_000, num_cycles=3.0, decay_steps=1000), 6),
}


@pytest.mark.parametrize("name", sorted(LONG))
def test_long_runs_whose_cosines_are_whole_steps_are_one_phase_table(name):
    make, kernels = LONG[name]
    schedule = make()
    with tempfile.TemporaryDirectory() as folder:
        graph = graph_primitives(schedule, folder)
    assert schedule.phase_lr is not None and not schedule.tabulated and graph.kernels == kernels, graph
    steps = through_2_31(schedule, seed=4, first=-5)
    assert_close(ms_lr.evaluate(schedule, steps), schedule.reference(steps), context=name)


def test_cosines_between_steps_or_of_several_half_waves_keep_the_formula():
    for schedule in (ms_lr.CosineWithRestartsAndWarmUpLR(1e-4, warmup_steps=2000, total_steps=3_000_000,
                                                         num_cycles=7.0),
                     ms_lr.ConstantWithCoolDownLR(1e-4, warmup_steps=2000, decay_steps=3_000_000, num_cycles=1.0)):
        assert schedule.phase_lr is None, schedule
        steps = np.concatenate([np.arange(-5, 3000), np.arange(2**31 - 3000, 2**31)])
        assert_close(ms_lr.evaluate(schedule, steps), schedule.reference(steps), context=repr(schedule))


@pytest.mark.parametrize("name", sorted(CASES))
def test_block_round_trips_and_loads_from_a_mindformers_yaml(name, tmp_path):
    block, _, total = CASES[name]
    schedule = ms_lr.build(block, total_steps=total)
    again = ms_lr.build(schedule.to_dict())                      # the resolved config needs no total_steps
    np.testing.assert_array_equal(ms_lr.evaluate(again, np.arange(300)), ms_lr.evaluate(schedule, np.arange(300)))
    import yaml
    path = tmp_path / "train.yaml"
    path.write_text(yaml.safe_dump({"runner_config": {"epochs": 2}, "lr_schedule": block}))
    loaded = ms_lr.load(str(path), total_steps=total)
    assert loaded.get_config() == schedule.get_config()


def test_every_alias_names_its_class():
    built = {alias: type(ms_lr.build({"type": alias, **args}, total_steps=100)).__name__ for alias, args in [
        ("constant_with_warmup", {"learning_rate": 0.1}), ("linear", {"learning_rate": 0.1}),
        ("cosine", {"learning_rate": 0.1}), ("cosine_with_restarts", {"learning_rate": 0.1}),
        ("polynomial", {"learning_rate": 0.1}), ("cosine_annealing", {"base_lr": 0.1, "t_max": 10}),
        ("cosine_annealing_warm_restarts", {"base_lr": 0.1, "t_0": 10})]}
    assert built == {"constant_with_warmup": "ConstantWarmUpLR", "linear": "LinearWithWarmUpLR",
                     "cosine": "CosineWithWarmUpLR", "cosine_with_restarts": "CosineWithRestartsAndWarmUpLR",
                     "polynomial": "PolynomialWithWarmUpLR", "cosine_annealing": "CosineAnnealingLR",
                     "cosine_annealing_warm_restarts": "CosineAnnealingWarmRestarts"}


def test_ratios_round_down_as_mindformers_does():
    # 100 * 0.29 is 28.999999999999996 in float64: MindFormers' int() makes it 28 warmup steps.
    schedule = ms_lr.build({"type": "cosine", "learning_rate": 1.0, "warmup_ratio": 0.29}, total_steps=100)
    assert schedule.boundaries(100)[0] == 28


def test_warmup_epochs_count_in_steps_per_epoch_and_a_ratio_wins():
    block = {"type": "cosine", "learning_rate": 1.0, "warmup_epochs": 3, "total_steps": -1}
    assert ms_lr.build(block, total_steps=1000, steps_per_epoch=40).boundaries(1000)[0] == 120
    assert ms_lr.build(dict(block, steps_per_epoch=25), total_steps=1000).boundaries(1000)[0] == 75
    with pytest.warns(UserWarning, match="warmup_ratio wins"):
        schedule = ms_lr.build(dict(block, warmup_ratio=0.05), total_steps=1000, steps_per_epoch=40)
    assert schedule.boundaries(1000)[0] == 50
    with pytest.raises(ValueError, match="warmup_epochs=3 needs steps_per_epoch"):
        ms_lr.build(block, total_steps=1000)


@pytest.mark.parametrize("block, pattern", [
    ({"type": "cosine", "learning_rate": 1.0}, "total_steps is needed"),
    ({"type": "cosine", "learning_rate": 1.0, "total_steps": -1}, "total_steps is needed"),
    ({"type": "ConstantWarmUpLR", "learning_rate": 1.0, "warmup_ratio": 0.1}, "warmup_ratio=0.1 needs total_steps"),
    ({"type": "WarmUpStableDecayLR", "learning_rate": 1.0, "decay_start_ratio": 0.5}, "total_steps is needed"),
])
def test_a_missing_total_steps_is_a_clear_error(block, pattern):
    with pytest.raises(ValueError, match=pattern):
        ms_lr.build(block)
    ms_lr.build(block, total_steps=100)              # given to build, it resolves


@pytest.mark.parametrize("block, pattern", [
    ({"type": "cosine", "learning_rate": 1.0, "warmup_step": 10},
     r"unknown argument\(s\) warmup_step for cosine \(MindFormers' CosineWithWarmUpLR\); valid: learning_rate, "
     r".*Did you mean 'warmup_step' -> 'warmup_steps'"),
    ({"type": "cosine_annealing", "base_lr": 1.0, "t_max": 10, "T_mult": 2}, "unknown argument.*T_mult.*valid: base"),
    ({"type": "WarmUpStableDecayLR", "learning_rate": 1.0, "decay_start": 5}, "unknown argument.*decay_start"),
    ({"type": "LearningRateWiseLayer", "lr_scale": 0.5, "base_lr": {"type": "cosine", "lr": 1.0}},
     r"at base_lr: unknown argument\(s\) lr"),
])
def test_unknown_keys_are_errors_that_list_the_valid_ones(block, pattern):
    # MindFormers swallows typos into **kwargs; a warmup_step typo there silently means no warmup.
    with pytest.raises(ValueError, match=pattern):
        ms_lr.build(block, total_steps=100)


def test_restarts_hold_lr_end_where_mindformers_returns_zero():
    block = {"type": "cosine_with_restarts", "learning_rate": 1e-3, "warmup_steps": 10, "num_cycles": 1.5,
             "lr_end": 1e-5, "total_steps": 110, "decay_steps": 200}
    steps = np.arange(110, 200)
    assert (mf.cosine_with_restarts(steps, 1e-3, 10, 110, 1.5, 1e-5, decay=200) == 0).all()
    np.testing.assert_allclose(ms_lr.evaluate(ms_lr.build(block), steps), 1e-5, rtol=1e-6)


def test_wsd_holds_lr_end_where_mindformers_goes_negative():
    block = {"type": "WarmUpStableDecayLR", "learning_rate": 1e-3, "lr_end": 1e-5, "warmup_steps": 10,
             "decay_start_steps": 50, "total_steps": 100}
    steps = np.arange(100, 400)
    assert (mf.warmup_stable_decay(steps, 1e-3, 1e-5, 10, 100, 50) < 0).any()
    np.testing.assert_allclose(ms_lr.evaluate(ms_lr.build(block), steps), 1e-5, rtol=1e-6)


def test_polynomial_holds_lr_end_where_mindformers_takes_a_power_of_a_negative_number():
    block = {"type": "polynomial", "learning_rate": 1e-3, "warmup_steps": 10, "decay_steps": 50, "power": 0.5,
             "lr_end": 1e-5, "total_steps": 100}
    steps = np.arange(61, 100)
    assert np.isnan(mf.polynomial_with_warmup(steps, 1e-3, 100, 10, 1e-5, 0.5, decay=50)).all()
    np.testing.assert_allclose(ms_lr.evaluate(ms_lr.build(block), steps), 1e-5, rtol=1e-6)


def test_cooldown_lr_end2_zero_is_zero():
    # MindFormers' `lr_end2 or lr_end1` turns 0.0 into lr_end1.
    schedule = ms_lr.ConstantWithCoolDownLR(0.1, warmup_steps=0, decay_steps=10, lr_end1=0.01, final_steps=5,
                                            lr_end2=0.0)
    assert ms_lr.evaluate(schedule, [20])[0] == 0.0
    assert mf.constant_with_cooldown([20], 0.1, 0, 0, 10, 5, 0.5, 0.01, 0.0)[0] == np.float32(0.01)


def test_boundaries_past_2_24_stay_exact_where_mindformers_float32_step_moves_them():
    # MindFormers casts step and boundary to float32: 2**24 + 1 rounds to 2**24, so its cosine ends one step early.
    decay = 2**24 + 1
    block = {"type": "cosine", "learning_rate": 1.0, "warmup_steps": 0, "decay_steps": decay, "total_steps": 2**25}
    at = np.array([decay - 1, decay])
    ours = ms_lr.evaluate(ms_lr.build(block), at)
    theirs = mf.cosine_with_warmup(at, 1.0, 0, 2**25, decay=decay)
    assert theirs[0] == 0.0 and ours[0] == pytest.approx(0.5, rel=1e-6) and ours[1] == 0.0


def test_restarts_past_2_24_land_on_their_exact_steps():
    total, cycles = 2**30 + 11, 3.0
    schedule = ms_lr.CosineWithRestartsAndWarmUpLR(1.0, warmup_steps=11, total_steps=total, num_cycles=cycles,
                                                   lr_end=0.0)
    restarts = [11 + -(-j * (total - 11) // 3) for j in (1, 2)]          # ceil(j C / n) after the warmup
    before, at = ms_lr.evaluate(schedule, [r - 1 for r in restarts]), ms_lr.evaluate(schedule, restarts)
    np.testing.assert_array_equal(at, 1.0)
    assert (before < 1e-15).all()
    assert schedule.boundaries(total)[1:3] == restarts


def test_a_last_cycle_ending_past_2_31_is_held_there_not_wrapped():
    # 1.5 cycles over 2**31 - 1 steps: the second ends at 2.86e9, which an int32 table wrapped (NumPy warns it will
    # refuse that cast); the steps left to its end were right only because int32 subtraction wrapped back.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        schedule = ms_lr.CosineWithRestartsAndWarmUpLR(1.0, warmup_steps=0, total_steps=2**31 - 1, num_cycles=1.5)
    assert schedule.phase_lr is None
    steps = np.concatenate([np.arange(1_431_655_760, 1_431_655_770), np.arange(2**31 - 3000, 2**31),
                            np.random.default_rng(6).integers(0, 2**31 - 1, 2000)])
    assert_close(ms_lr.evaluate(schedule, steps), schedule.reference(steps), context=repr(schedule))


def test_mindformers_sgdr_float32_log_misplaces_restarts_ours_does_not():
    # T_0=10, T_mult=2: the restart at step 327670 = 10 * (2**15 - 1); MindFormers' float32 log puts it in the
    # previous cycle (any T_0 with T_mult=2 has such a step below 2**24).
    block = {"type": "cosine_annealing_warm_restarts", "base_lr": 1.0, "t_0": 10, "t_mult": 2}
    restarts = np.array([10 * (2**n - 1) for n in range(1, 21)])
    ours = ms_lr.evaluate(ms_lr.build(block), restarts)
    theirs = mf.cosine_annealing_warm_restarts(restarts, 1.0, 10, 2)
    np.testing.assert_allclose(ours, 1.0, rtol=1e-7)
    assert theirs[14] < 1e-3 and restarts[14] == 327670


def test_num_cycles_beyond_an_exact_table_are_refused_naming_num_cycles():
    with pytest.raises(ValueError, match="num_cycles must be <= 10000.0"):
        ms_lr.CosineWithRestartsAndWarmUpLR(1.0, total_steps=10**7, num_cycles=1e5 + 0.5)
    with pytest.raises(ValueError, match="num_cycles makes [0-9,]+ cycles .* at most 65,536"):
        ms_lr.CosineWithWarmUpLR(1.0, total_steps=2, warmup_steps=1, num_cycles=9999.5, decay_steps=10)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ms_lr.CosineWithRestartsAndWarmUpLR(1.0, total_steps=10**7, num_cycles=1e4 - 0.5)   # the largest table


def test_linear_with_a_warmup_reaching_total_steps_is_zero_after_it():
    schedule = ms_lr.LinearWithWarmUpLR(1.0, total_steps=10, warmup_steps=10)
    steps = np.arange(30)
    np.testing.assert_allclose(ms_lr.evaluate(schedule, steps), mf.linear_with_warmup(steps, 1.0, 10, 10),
                               rtol=1e-6, atol=1e-7)
    assert_close(ms_lr.evaluate(schedule, steps), schedule.reference(steps))


def test_a_wave_longer_than_int32_rising_to_lr_end_keeps_its_relative_precision():
    # 0.5 / 1e-5 half-waves over 42950 steps: one half-wave of 2.1e9 steps, past the int32 range. Rising from 0 to
    # lr_end = 1, the lr is sin**2(pi n t / C); 1 - cos**2 in float32 is 0 for the first ~1e5 steps. (Found by the
    # hypothesis test: the value 0 at step 1368 against 1.0e-12.)
    total, cycles = 42950, 1e-5
    schedule = ms_lr.CosineWithWarmUpLR(learning_rate=0.0, total_steps=total, num_cycles=cycles, lr_end=1.0)
    steps = np.array([1, 1368, 5000, 20000, 42949])
    exact = np.sin(np.pi * cycles * steps / total) ** 2
    np.testing.assert_allclose(ms_lr.evaluate(schedule, steps), exact, rtol=1e-6)


@pytest.mark.parametrize("cycles", [1e-300, 1.1125369292536007e-308])
def test_a_num_cycles_near_0_is_a_cosine_too_long_for_a_table_not_an_overflow(cycles):
    # Half-waves of total / (2 * cycles) steps, past float64's range at 1e-308 (found by the hypothesis test: an
    # OverflowError building the phase table's scale). Its cosine is flat at the lr over the run, then lr_end.
    schedule = ms_lr.CosineWithWarmUpLR(learning_rate=0.1, total_steps=4, num_cycles=cycles, lr_end=0.01)
    assert schedule.phase_lr is None
    steps = np.array([0, 1, 3, 4, 2**31 - 1])
    assert_close(ms_lr.evaluate(schedule, steps), schedule.reference(steps), context=repr(schedule))
    np.testing.assert_array_equal(ms_lr.evaluate(schedule, steps), np.float32([0.1, 0.1, 0.1, 0.01, 0.01]))

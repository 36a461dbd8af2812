"""Hugging Face's ``get_scheduler``, timm's ``create_scheduler_v2`` and mindcv's ``create_scheduler``, against the
real libraries over whole runs, for every name and the options that change the curve; and their configs in YAML."""
import numpy as np
import pytest

import ms_lr
from tests.support.accuracy import assert_close
from tests.support.peers import huggingface_lrs, mindcv_lrs, timm_lrs

# (name, num_warmup_steps, num_training_steps, scheduler_specific_kwargs)
HUGGING_FACE = [
    ("linear", 10, 100, {}), ("linear", 0, 57, {}),
    ("cosine", 10, 100, {}), ("cosine", 7, 90, {"num_cycles": 1.5}),
    ("cosine_with_restarts", 10, 100, {"num_cycles": 3}),
    ("polynomial", 10, 100, {}), ("polynomial", 5, 80, {"lr_end": 1e-4, "power": 2.0}),
    ("constant", None, None, {}), ("constant_with_warmup", 10, None, {}),
    ("inverse_sqrt", 10, None, {}), ("inverse_sqrt", 10, None, {"timescale": 40}),
    ("inverse_sqrt", 0, None, {"timescale": 25}),
    ("cosine_with_min_lr", 10, 100, {"min_lr": 1e-4}), ("cosine_with_min_lr", 10, 100, {"min_lr_rate": 0.1}),
    ("cosine_warmup_with_min_lr", 10, 100, {"min_lr_rate": 0.05}),
    ("cosine_warmup_with_min_lr", 10, 100, {"min_lr": 1e-4, "warmup_lr_rate": 0.2}),
    ("cosine_warmup_with_min_lr", 1, 50, {"min_lr_rate": 0.05, "warmup_lr_rate": 0.3}),
    ("cosine_warmup_with_min_lr", 0, 50, {"min_lr_rate": 0.05}),
    ("warmup_stable_decay", 10, 100, {"num_decay_steps": 30}),
    ("warmup_stable_decay", 10, None, {"num_decay_steps": 20, "num_stable_steps": 40, "min_lr_ratio": 0.1,
                                       "warmup_type": "cosine", "decay_type": "1-sqrt"}),
    ("warmup_stable_decay", 12, 90, {"num_decay_steps": 25, "warmup_type": "1-sqrt", "decay_type": "linear",
                                     "min_lr_ratio": 0.05}),
]


@pytest.mark.parametrize("name, warmup, total, specific", HUGGING_FACE,
                         ids=[f"{case[0]}-{i}" for i, case in enumerate(HUGGING_FACE)])
def test_get_scheduler_equals_hugging_face_over_the_run(name, warmup, total, specific):
    # Up to num_training_steps, the last step Hugging Face's formula is meant for (N - 1 for the variant counting
    # from 1); after it ms_lr holds the final value where Hugging Face's cosines climb back up.
    lr, steps = 3e-4, (total or 120) + (0 if name == "cosine_warmup_with_min_lr" else 1)
    expected = huggingface_lrs(name, lr, steps, num_warmup_steps=warmup, num_training_steps=total,
                               scheduler_specific_kwargs=specific or None)
    schedule = ms_lr.get_scheduler(name, lr, warmup, total, specific or None)
    assert_close(ms_lr.evaluate(schedule, np.arange(steps)), expected, context=f"{name} {specific}")
    # The same name and arguments as a config.
    config = {"type": name, "learning_rate": lr, "num_warmup_steps": warmup, "num_training_steps": total,
              "scheduler_specific_kwargs": specific}
    assert_close(ms_lr.evaluate(ms_lr.build(config), np.arange(steps)), expected)


def test_hugging_face_names_that_follow_a_metric_say_what_to_use():
    with pytest.raises(ValueError, match="ReducibleLR"):
        ms_lr.get_scheduler("reduce_lr_on_plateau", 0.1)
    with pytest.raises(ValueError, match="not a schedule of the step"):
        ms_lr.build({"type": "greedy", "learning_rate": 0.1})
    with pytest.raises(ValueError, match="requires `num_training_steps`"):
        ms_lr.get_scheduler("cosine", 0.1, num_warmup_steps=10)
    with pytest.raises(ValueError, match="unknown scheduler_specific_kwargs min_lrr"):
        ms_lr.get_scheduler("cosine_with_min_lr", 0.1, 10, 100, {"min_lrr": 1e-5})


def test_a_name_two_libraries_give_goes_by_its_keys():
    mindformers = ms_lr.build({"type": "cosine", "learning_rate": 0.1, "warmup_steps": 10, "total_steps": 100})
    hugging_face = ms_lr.build({"type": "cosine", "learning_rate": 0.1, "num_warmup_steps": 10,
                                "num_training_steps": 100})
    assert type(mindformers).__name__ == type(hugging_face).__name__ == "CosineWithWarmUpLR"
    with pytest.raises(ValueError, match="mixes them: MindFormers' CosineWithWarmUpLR takes learning_rate, warmup"):
        ms_lr.build({"type": "cosine", "learning_rate": 0.1, "warmup_steps": 10, "num_training_steps": 100})


# (updates_per_epoch, create_scheduler_v2 arguments)
TIMM = [
    (3, dict(sched="cosine", num_epochs=20)),
    (3, dict(sched="cosine", num_epochs=10, warmup_epochs=3, warmup_lr=1e-4, min_lr=1e-5)),
    (2, dict(sched="cosine", num_epochs=10, warmup_epochs=2, warmup_prefix=True, cooldown_epochs=3)),
    (1, dict(sched="cosine", num_epochs=10, cycle_limit=3, cycle_mul=2.0, cycle_decay=0.5, min_lr=1e-5)),
    (1, dict(sched="cosine", num_epochs=8, cycle_limit=3, cycle_mul=1.5, cycle_decay=0.7)),
    (4, dict(sched="cosine", num_epochs=10, k_decay=2.0, warmup_epochs=2, step_on_epochs=False)),
    (4, dict(sched="cosine", num_epochs=6, cycle_limit=2, cycle_mul=2.0, step_on_epochs=False, min_lr=1e-6)),
    (2, dict(sched="tanh", num_epochs=12, warmup_epochs=3)),
    (2, dict(sched="tanh", num_epochs=12, warmup_epochs=3, warmup_prefix=True, cycle_limit=2)),
    (3, dict(sched="step", decay_epochs=3, decay_rate=0.5, num_epochs=20, warmup_epochs=2)),
    (1, dict(sched="step", decay_epochs=2.4, decay_rate=0.97, num_epochs=60)),
    (5, dict(sched="step", decay_epochs=2.4, decay_rate=0.9, num_epochs=20, step_on_epochs=False)),
    (2, dict(sched="multistep", decay_milestones=[3, 7, 9], decay_rate=0.5, num_epochs=12, warmup_epochs=2)),
    (3, dict(sched="multistep", decay_milestones=[2, 5], decay_rate=0.1, num_epochs=8, step_on_epochs=False)),
    (2, dict(sched="poly", num_epochs=12, decay_rate=2.0, warmup_epochs=2, min_lr=1e-5)),
    (1, dict(sched="poly", num_epochs=6, decay_rate=0.5, k_decay=1.5, cycle_limit=2, cycle_decay=0.5)),
    (2, dict(sched="wsd", num_epochs=20, warmup_epochs=3)),
    (3, dict(sched="wsd", num_epochs=20, warmup_epochs=2, decay_epochs=5, decay_fn="cosine", min_lr=1e-5,
             step_on_epochs=False)),
    (2, dict(sched="wsd", num_epochs=20, warmup_epochs=2, decay_fn="exp", warmup_prefix=True)),
    (2, dict(sched="rsqrt", num_epochs=20, warmup_epochs=4)),
    (2, dict(sched="rsqrt", num_epochs=20, warmup_epochs=2, stable_timescale=5, decay_fn="power",
             step_on_epochs=False)),
    (3, dict(sched="constant", num_epochs=10, warmup_epochs=2)),
]


@pytest.mark.parametrize("updates, arguments", TIMM, ids=[f"{a['sched']}-{i}" for i, (_, a) in enumerate(TIMM)])
def test_create_scheduler_v2_equals_timm_over_the_run(updates, arguments):
    lr = 0.05
    schedule, epochs = ms_lr.create_scheduler_v2(lr, updates, **arguments)
    steps = (epochs + 2) * updates
    expected, timm_epochs = timm_lrs(lr, updates, steps, **arguments)
    assert epochs == timm_epochs
    # timm computes in float64; its tanh and cosine with k_decay stay within the contract too.
    assert_close(ms_lr.evaluate(schedule, np.arange(steps)), expected, context=str(arguments))


def test_timm_cycles_start_at_the_peak_where_a_warmup_restart_schedule_starts_at_the_floor():
    schedule, _ = ms_lr.create_scheduler_v2(0.05, 1, num_epochs=10, cycle_limit=3, cycle_mul=2.0, cycle_decay=0.5,
                                            min_lr=1e-5)
    assert float(ms_lr.evaluate(schedule, [0])[0]) == pytest.approx(0.05)


def test_timm_refusals_say_what_to_use():
    with pytest.raises(ValueError, match="ReducibleLR"):
        ms_lr.create_scheduler_v2(0.1, 10, sched="plateau")
    assert ms_lr.create_scheduler_v2(0.1, 10, sched="none", num_epochs=7) == (None, 7)


@pytest.mark.parametrize("updates, arguments", [
    (1, dict(sched="cosine", num_epochs=200, noise=[0.3, 0.8], noise_pct=0.67, noise_std=1.0, noise_seed=3)),
    (2, dict(sched="step", num_epochs=100, decay_epochs=30, noise=0.5, noise_pct=0.2, noise_std=0.5,
             step_on_epochs=False))])
def test_timm_noise_is_on_the_same_steps_with_timms_law(updates, arguments):
    """The noise's numbers are not torch's generator's: the test checks where it is on, its bound and its law
    against timm's own draws (a two-sample test), and that the noiseless curve under it is timm's."""
    lr = 0.05
    schedule, _ = ms_lr.create_scheduler_v2(lr, updates, **arguments)
    steps = arguments["num_epochs"] * updates
    ours = ms_lr.evaluate(schedule, np.arange(steps)).astype(np.float64)
    theirs, _ = timm_lrs(lr, updates, steps, **arguments)
    quiet, _ = timm_lrs(lr, updates, steps, **{**arguments, "noise": None})
    noisy_theirs, noisy_ours = theirs != quiet, np.abs(ours / quiet - 1.0) > 1e-6
    assert (noisy_theirs == noisy_ours).mean() > 0.99, "noise on over the same steps"
    assert np.allclose(ours[~noisy_ours], quiet[~noisy_ours], rtol=1e-6)
    ours_n, theirs_n = ours[noisy_ours] / quiet[noisy_ours] - 1.0, theirs[noisy_theirs] / quiet[noisy_theirs] - 1.0
    assert np.abs(ours_n).max() < arguments["noise_pct"]
    # Kolmogorov-Smirnov distance between the two samples' distributions.
    grid = np.sort(np.concatenate([ours_n, theirs_n]))
    distance = np.abs(np.searchsorted(np.sort(ours_n), grid, side="right") / ours_n.size -
                      np.searchsorted(np.sort(theirs_n), grid, side="right") / theirs_n.size).max()
    assert distance < 1.95 * np.sqrt((ours_n.size + theirs_n.size) / (ours_n.size * theirs_n.size)), distance


# (steps_per_epoch, create_scheduler arguments)
MINDCV = [
    (3, dict(scheduler="constant", lr=0.1, warmup_epochs=2, num_epochs=10)),
    (3, dict(scheduler="cosine_decay", lr=0.1, min_lr=1e-5, warmup_epochs=2, decay_epochs=8, num_epochs=10)),
    (3, dict(scheduler="warmup_cosine_decay", lr=0.1, min_lr=1e-5, warmup_epochs=2, warmup_factor=0.01,
             decay_epochs=3, num_epochs=14, num_cycles=3, cycle_decay=0.5)),
    (4, dict(scheduler="cosine_decay", lr=0.1, min_lr=1e-4, warmup_epochs=1, decay_epochs=5, num_epochs=9,
             lr_epoch_stair=True, warmup_factor=0.1)),
    (3, dict(scheduler="exponential_decay", lr=0.1, decay_rate=0.8, warmup_epochs=2, num_epochs=10)),
    (3, dict(scheduler="exponential_decay", lr=0.1, decay_rate=0.8, warmup_epochs=0, num_epochs=10,
             lr_epoch_stair=True)),
    (3, dict(scheduler="polynomial_decay", lr=0.1, decay_rate=2.0, warmup_epochs=2, num_epochs=10)),
    (2, dict(scheduler="polynomial_decay", lr=0.1, decay_rate=0.5, warmup_epochs=1, num_epochs=10,
             lr_epoch_stair=True)),
    (3, dict(scheduler="step_decay", lr=0.1, decay_epochs=3, decay_rate=0.5, warmup_epochs=2, num_epochs=12)),
    (3, dict(scheduler="multi_step_decay", lr=0.1, milestones=[3, 6, 8], decay_rate=0.5, warmup_epochs=1,
             num_epochs=10)),
    (5, dict(scheduler="one_cycle", lr=0.1, min_lr=1e-5, warmup_epochs=0, num_epochs=8)),
    (5, dict(scheduler="cyclic", lr=0.1, min_lr=1e-3, warmup_epochs=0, num_epochs=8, num_cycles=2)),
]


@pytest.mark.parametrize("per_epoch, arguments", MINDCV,
                         ids=[f"{a['scheduler']}-{i}" for i, (_, a) in enumerate(MINDCV)])
def test_create_scheduler_equals_mindcv_at_every_step_of_its_list(per_epoch, arguments):
    expected = mindcv_lrs(per_epoch, **arguments)
    schedule = ms_lr.create_scheduler(per_epoch, **arguments)
    assert_close(ms_lr.evaluate(schedule, np.arange(len(expected))), expected, context=str(arguments))


def test_training_yamls_of_timm_and_mindcv_and_a_hugging_face_block_load(tmp_path):
    pytest.importorskip("yaml")
    timm_file = tmp_path / "timm.yaml"
    timm_file.write_text("model: resnet50\nsched: cosine\nlr: 0.05\nepochs: 10\nwarmup_epochs: 2\n"
                         "warmup_lr: 1e-4\nmin_lr: 1e-5\nlr_cycle_limit: 1\nbatch_size: 128\n")
    schedule = ms_lr.load(str(timm_file), steps_per_epoch=3)
    arguments = dict(sched="cosine", num_epochs=10, warmup_epochs=2, warmup_lr=1e-4, min_lr=1e-5, decay_epochs=30,
                     decay_milestones=[30, 60], cycle_limit=1)
    expected, _ = timm_lrs(0.05, 3, 40, **arguments)
    assert_close(ms_lr.evaluate(schedule, np.arange(40)), expected)

    mindcv_file = tmp_path / "mindcv.yaml"
    mindcv_file.write_text("model: resnet50\nscheduler: cosine_decay\nlr: 0.1\nmin_lr: 1e-6\nwarmup_epochs: 2\n"
                           "decay_epochs: 8\nepoch_size: 10\nlr_epoch_stair: False\n")
    schedule = ms_lr.load(str(mindcv_file), steps_per_epoch=3)
    expected = mindcv_lrs(3, scheduler="cosine_decay", lr=0.1, min_lr=1e-6, warmup_epochs=2, decay_epochs=8,
                          num_epochs=10)
    assert_close(ms_lr.evaluate(schedule, np.arange(len(expected))), expected)

    hf_file = tmp_path / "hf.yaml"
    hf_file.write_text("lr_schedule:\n  type: cosine_with_min_lr\n  learning_rate: 3e-4\n  num_warmup_steps: 10\n"
                       "  num_training_steps: 100\n  scheduler_specific_kwargs:\n    min_lr: 1e-5\n")
    expected = huggingface_lrs("cosine_with_min_lr", 3e-4, 101, num_warmup_steps=10, num_training_steps=100,
                               scheduler_specific_kwargs={"min_lr": 1e-5})
    assert_close(ms_lr.evaluate(ms_lr.load(str(hf_file)), np.arange(101)), expected)

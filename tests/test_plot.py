"""Plot helpers: boundaries where schedules restart or change phase, and the chunked sweep."""
import numpy as np

import ms_lr
from ms_lr.tools.plot import CHUNK, plot, sample_steps, sweep


def test_boundaries_are_the_restarts_and_phase_changes():
    assert ms_lr.CosineAnnealingWarmRestarts(0.1, 10, 2).boundaries(100) == [10, 30, 70]
    assert ms_lr.CosineAnnealingWarmupRestarts(10, 1.0, 0.1, 0.0, 2).boundaries(25) == [2, 10, 12, 20, 22]
    assert ms_lr.LinearWarmup(ms_lr.StepLR(0.1, 10), 5).boundaries(40) == [5, 15, 25, 35]
    assert ms_lr.SequentialLR([ms_lr.ConstantLR(0.1, 0.5, 3), ms_lr.StepLR(0.1, 10)], [5]).boundaries(30) == \
        [3, 5, 15, 25]
    assert ms_lr.PerEpoch(ms_lr.MultiStepLR(0.1, [2, 5]), 100).boundaries(1000) == [200, 500]
    assert ms_lr.Offset(ms_lr.StepLR(0.1, 10), 15).boundaries(30) == [5, 15, 25]
    assert ms_lr.OneCycleLR(0.1, 100).boundaries(200) == [30, 99]
    assert ms_lr.WarmupStableDecayLR(0.1, 10, 20, 30).boundaries(100) == [10, 30, 60]
    assert ms_lr.ExponentialLR(0.1, 0.9).boundaries(100) == []


def test_boundaries_mark_real_jumps_of_restart_schedules():
    schedule = ms_lr.CosineAnnealingWarmupRestarts(37, 1.3, 0.1, 0.001, 0, 0.9)
    marks = schedule.boundaries(5000)
    values = ms_lr.evaluate(schedule, np.arange(5001))
    assert len(marks) > 5
    for mark in marks:
        assert values[mark] > 10 * values[mark - 1]      # back at the peak from near the floor


def test_chunked_sweep_equals_one_call_and_reports_progress():
    schedule = ms_lr.CosineAnnealingWarmRestarts(0.1, 1000, 2)
    steps = np.arange(CHUNK + 12345)
    messages = []
    np.testing.assert_array_equal(sweep(schedule, steps, messages.append), ms_lr.evaluate(schedule, steps))
    assert any("100%" in m for m in messages)


def test_sample_steps_keeps_every_step_when_few():
    np.testing.assert_array_equal(sample_steps(50, 4000), np.arange(50))
    sampled = sample_steps(10**6, 4000)
    assert sampled[0] == 0 and sampled[-1] == 10**6 - 1 and len(sampled) <= 4000


def test_boundaries_of_a_warmup_longer_than_the_plot_before_a_periodic_table(tmp_path):
    # SGDR with T_mult=1 has a periodic tail; the warmup shifts it past the last plotted step (last < 0 inside).
    schedule = ms_lr.LinearWarmup(ms_lr.CosineAnnealingWarmRestarts(0.1, T_0=10), warmup_steps=100)
    assert schedule.boundaries(49) == []
    summary = plot(schedule, 50, str(tmp_path / "w.png"))
    assert summary["boundaries"] == 0 and (tmp_path / "w.png").exists()

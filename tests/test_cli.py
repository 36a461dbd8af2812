"""python -m ms_lr: plot, table, list, --help, progress and errors."""
import csv
import os
import subprocess
import sys

import numpy as np
import pytest

import ms_lr
from ms_lr.tools.cli import main


def test_plot_writes_a_png_with_reference_boundaries_and_torch(tmp_path, capsys):
    out = tmp_path / "sgdr.png"
    assert main(["plot", "CosineAnnealingWarmRestarts", "base_lr=0.1", "T_0=100", "T_mult=2", "--steps", "1500",
                 "--torch", "-o", str(out)]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 10_000
    printed = capsys.readouterr().out
    assert "0.1], 3 boundaries" in printed             # restarts at 100, 300 and 700


def test_plot_reads_a_yaml_spec(tmp_path, capsys):
    spec = tmp_path / "s.yaml"
    spec.write_text("type: LinearWarmup\nwarmup_steps: 10\nafter: {type: StepLR, base_lr: 0.1, step_size: 30}\n")
    assert main(["plot", str(spec), "--steps", "100", "--log", "-o", str(tmp_path / "s.png")]) == 0
    assert "LinearWarmup" in capsys.readouterr().out and (tmp_path / "s.png").exists()


def test_table_writes_the_cell_and_the_reference(tmp_path):
    out = tmp_path / "t.csv"
    main(["table", "MultiStepLR", "base_lr=0.1", "milestones=[20,35,45]", "gamma=0.5", "--steps", "60",
          "-o", str(out)])
    rows = list(csv.reader(open(out)))
    assert rows[0] == ["step", "lr", "reference"] and len(rows) == 61
    data = np.array(rows[1:], dtype=float)
    np.testing.assert_allclose(data[:, 1], data[:, 2], rtol=1e-6)
    np.testing.assert_allclose(data[[0, 20, 35, 45], 2], [0.1, 0.05, 0.025, 0.0125])


def test_long_sweep_reports_progress(capsys):
    main(["table", "ExponentialLR", "base_lr=0.1", "gamma=0.999999", "--steps", "2500000", "--every", "1",
          "-o", os.devnull])
    err = capsys.readouterr().err
    assert "evaluated 1,048,576/2,500,000" in err and "(100%" in err


def test_list_shows_every_registered_type(capsys):
    main(["list"])
    out = capsys.readouterr().out
    for name in ms_lr.registered():
        assert f"{name}(" in out


def test_help_shows_working_examples():
    result = subprocess.run([sys.executable, "-m", "ms_lr", "plot", "--help"], capture_output=True, text=True,
                            check=True)
    assert "python -m ms_lr plot CosineAnnealingWarmRestarts base_lr=0.1" in result.stdout
    assert "type: LinearWarmup" in result.stdout


@pytest.mark.parametrize("argv, message", [
    (["plot", "Nope"], "unknown schedule type 'Nope'"),
    (["plot", "StepLR", "base_lr=0.1", "step_size=0"], "step_size must be >= 1"),
    (["plot", "StepLR", "base_lr=0.1", "30"], "key=value"),
    (["table", "StepLR", "base_lr=0.1", "step_size=3", "--steps", "0"], "--steps"),
])
def test_bad_specs_exit_with_a_clear_message(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2 and message in capsys.readouterr().err


def test_plot_and_table_read_a_mindformers_training_yaml_with_total_steps(tmp_path, capsys):
    config = tmp_path / "finetune.yaml"
    config.write_text("runner_config:\n  epochs: 2\nlr_schedule:\n  type: CosineWithWarmUpLR\n  learning_rate: 1.e-5\n"
                      "  lr_end: 1.e-6\n  warmup_ratio: 0.01\n  total_steps: -1 # the dataset's\n")
    assert main(["plot", str(config), "--total-steps", "20000", "--steps", "22000", "-o", str(tmp_path / "m.png")]) == 0
    assert "CosineWithWarmUpLR(learning_rate=1e-05" in capsys.readouterr().out
    out = tmp_path / "m.csv"
    main(["table", str(config), "--total-steps", "20000", "--steps", "20001", "--every", "200", "-o", str(out)])
    rows = np.array(list(csv.reader(open(out)))[1:], dtype=float)
    assert rows[1, 1] == pytest.approx(1e-5, rel=1e-6)            # step 200: the warmup (200 steps) is over
    assert rows[-1, 1] == pytest.approx(1e-6, rel=1e-6)           # step 20000: lr_end
    with pytest.raises(SystemExit):
        main(["plot", str(config), "--steps", "10"])               # total_steps: -1 and none given
    assert "total_steps is needed" in capsys.readouterr().err

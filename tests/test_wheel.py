"""The built wheel, installed on its own (not this checkout): it holds every module and ``py.typed``, and the
README's first steps run from it: ``python -m ms_lr --help``, ``python -m ms_lr plot`` and a 20-step training."""
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TRAINING = """
import mindspore as ms, numpy as np, ms_lr
from mindspore import nn
assert ms_lr.__file__.startswith({target!r}), ms_lr.__file__
net = nn.Dense(3, 1)
sched = ms_lr.CosineAnnealingWarmupRestarts(first_cycle_steps=10, cycle_mult=1.0, max_lr=0.01, min_lr=0.001,
                                            warmup_steps=2, gamma=0.9)
opt = ms_lr.share_schedules(ms.nn.SGD(net.trainable_params(), learning_rate=sched))
step = nn.TrainOneStepCell(nn.WithLossCell(net, nn.MSELoss()), opt)
x, y = ms.Tensor(np.ones((4, 3), np.float32)), ms.Tensor(np.zeros((4, 1), np.float32))
losses = [float(step(x, y).asnumpy()) for _ in range(20)]
assert losses[-1] < losses[0], losses
print("trained", int(opt.global_step.asnumpy()[0]))
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The wheel built from this checkout, unpacked into a folder of its own (its dependencies are this
    environment's); a child process run from elsewhere imports ms_lr from there."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", str(ROOT),
                    "-w", str(out)], check=True, capture_output=True, timeout=300)
    wheel = next(out.glob("ms_lr-*.whl"))
    target = out / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    return wheel, target


def _run(target, *args, timeout=300):
    env = {**os.environ, "PYTHONPATH": str(target)}
    return subprocess.run([sys.executable, *args], cwd=target.parent, env=env, capture_output=True, text=True,
                          timeout=timeout)


def test_the_wheel_holds_every_module_and_py_typed(installed):
    wheel, _ = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {str(path.relative_to(ROOT)) for path in (ROOT / "ms_lr").rglob("*.py")}
    assert modules <= names, sorted(modules - names)
    assert "ms_lr/py.typed" in names


def test_the_readme_first_steps_run_from_the_installed_wheel(installed, tmp_path):
    _, target = installed
    helped = _run(target, "-m", "ms_lr", "--help")
    assert helped.returncode == 0 and "plot" in helped.stdout, helped.stderr
    pytest.importorskip("matplotlib")
    figure = tmp_path / "lr.png"
    plotted = _run(target, "-m", "ms_lr", "plot", "CosineAnnealingLR", "base_lr=0.1", "T_max=50", "-o", str(figure))
    assert plotted.returncode == 0 and figure.stat().st_size > 0, plotted.stderr
    trained = _run(target, "-c", TRAINING.format(target=str(target)))
    assert trained.returncode == 0 and "trained 20" in trained.stdout, trained.stderr[-2000:]

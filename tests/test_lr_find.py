"""lr_find: the range test's suggestion on a problem whose answer is known (least squares with plain SGD, stable
below 2/L), its stability across seeds, its early stop, and that it leaves the network and the optimizer exactly
as it found them, for nn and torch-style optimizers, in GRAPH and PYNATIVE."""
import csv

import mindspore as ms
import mindspore.dataset as ds
import numpy as np
import pytest
from mindspore import Tensor, nn

import ms_lr
from ms_lr.tools.lr_find import SUGGESTIONS

N, D = 64, 8


def least_squares(seed):
    """A fixed design (columns scaled 0.3x to 3x), a target with seed-dependent noise, and L: the largest
    eigenvalue of the Hessian of MSE over (weights, bias), 2/n [X 1]^T [X 1]."""
    rng = np.random.default_rng(0)
    x = (rng.normal(size=(N, D)) * np.linspace(0.3, 3.0, D)).astype(np.float32)
    w = rng.normal(size=(D, 1))
    noise = np.random.default_rng(100 + seed).normal(size=(N, 1))
    y = (x @ w + 0.1 * noise).astype(np.float32)
    design = np.hstack([x, np.ones((N, 1))]).astype(np.float64)
    largest = float(np.linalg.eigvalsh(2.0 / N * design.T @ design).max())
    return x, y, largest


def fit(seed, **kwargs):
    x, y, largest = least_squares(seed)
    ms.set_seed(seed)
    net = nn.Dense(D, 1)
    optimizer = nn.SGD(net.trainable_params(), learning_rate=0.01)
    result = ms_lr.lr_find(nn.WithLossCell(net, nn.MSELoss()), optimizer, [(x, y)], progress=False, **kwargs)
    return result, 2.0 / largest


def test_the_largest_stable_lr_of_gradient_descent_is_what_the_test_would_find():
    """The premise, checked by training: full-batch SGD at 0.95 * 2/L converges, at 1.05 * 2/L it diverges."""
    x, y, largest = least_squares(0)
    ends = {}
    for factor in (0.95, 1.05):
        ms.set_seed(0)
        net = nn.Dense(D, 1)
        step = nn.TrainOneStepCell(nn.WithLossCell(net, nn.MSELoss()),
                                   nn.SGD(net.trainable_params(), learning_rate=factor * 2.0 / largest))
        losses = [float(step(Tensor(x), Tensor(y)).asnumpy()) for _ in range(300)]
        ends[factor] = losses[-1] / losses[0]
    assert ends[0.95] < 1e-2 and ends[1.05] > 1e2, ends


@pytest.mark.parametrize("mode", [ms.GRAPH_MODE, ms.PYNATIVE_MODE], ids=["graph", "pynative"])
def test_the_suggestion_lies_below_the_largest_stable_lr_within_a_factor_of_100(mode):
    ms.set_context(mode=mode)
    result, stable = fit(0)
    assert stable / 100 <= result.suggestion < stable, (result.suggestion, stable, result.suggestions)
    assert result.suggestion == result.suggestions["minimum/10"]
    assert set(result.suggestions) == set(SUGGESTIONS)


def test_the_suggestion_is_stable_across_seeds_within_a_factor_of_3():
    ms.set_context(mode=ms.GRAPH_MODE)
    found = [fit(seed)[0].suggestion for seed in range(4)]
    assert max(found) / min(found) <= 3.0, found


def test_the_lrs_are_the_ramp_and_the_smoothed_loss_is_the_bias_corrected_average():
    ms.set_context(mode=ms.GRAPH_MODE)
    result, _ = fit(1, start_lr=1e-6, end_lr=1.0, num_steps=50)
    k = np.arange(len(result.lrs))
    assert np.array_equal(result.lrs, (1e-6 * (1.0 / 1e-6) ** (k / 49)).astype(np.float32).astype(np.float64))
    average, expected = 0.0, []
    for i, loss in enumerate(result.losses):
        average = 0.98 * average + 0.02 * loss
        expected.append(average / (1 - 0.98 ** (i + 1)))
    np.testing.assert_allclose(result.smoothed_losses, expected, rtol=1e-12)
    linear, _ = fit(1, start_lr=1e-3, end_lr=0.01, num_steps=20, mode="linear")
    assert np.allclose(linear.lrs, np.linspace(1e-3, 0.01, 20), rtol=1e-6)


def test_it_stops_when_the_loss_diverges_and_records_why():
    ms.set_context(mode=ms.GRAPH_MODE)
    result, stable = fit(0, end_lr=100.0)
    assert result.stopped_early and len(result.lrs) < 100 and "stopped at step" in result.reason
    assert result.lrs[-1] > stable                 # it ran past the stable range before stopping
    last = result.smoothed_losses[-1]
    assert not np.isfinite(last) or last > 4.0 * result.smoothed_losses[:-1].min()
    gentle, _ = fit(0, end_lr=1e-3)
    assert not gentle.stopped_early and len(gentle.lrs) == 100


def _state(cells):
    return [p.asnumpy().copy() for cell in cells for p in cell.get_parameters()]


def _trained_a_little(optimizer, net):
    step = nn.TrainOneStepCell(nn.WithLossCell(net, nn.MSELoss()), optimizer)
    x, y, _ = least_squares(0)
    for _ in range(3):
        step(Tensor(x), Tensor(y))


@pytest.mark.parametrize("mode", [ms.GRAPH_MODE, ms.PYNATIVE_MODE], ids=["graph", "pynative"])
@pytest.mark.parametrize("kind", ["adam schedule", "momentum groups", "shared"])
def test_weights_and_the_whole_optimizer_state_are_restored_bit_for_bit(kind, mode):
    """After a few real steps (moments, global_step and the schedule's position are not at their start), lr_find
    runs and everything is back: every Parameter's bits, the optimizer's class and attributes, and training goes
    on exactly as it would have without it."""
    ms.set_context(mode=mode)

    def build():
        ms.set_seed(3)
        net = nn.SequentialCell([nn.Dense(D, 4), nn.Dense(4, 1)])
        params = net.trainable_params()
        if kind == "adam schedule":
            optimizer = nn.Adam(params, learning_rate=ms_lr.ReducibleLR(ms_lr.CosineAnnealingLR(0.01, 50)))
        elif kind == "momentum groups":
            optimizer = nn.Momentum([{"params": params[:2], "lr": ms_lr.LinearWarmup(ms_lr.FixedLR(0.01), 5)},
                                     {"params": params[2:], "lr": 0.002}], learning_rate=0.01, momentum=0.9)
        else:
            optimizer = ms_lr.share_schedules(nn.SGD(params, learning_rate=ms_lr.CosineAnnealingLR(0.01, 50)))
        _trained_a_little(optimizer, net)
        return net, optimizer

    net, optimizer = build()
    before, attributes, cls = _state([net, optimizer]), set(vars(optimizer)), type(optimizer)
    x, y, _ = least_squares(0)
    result = ms_lr.lr_find(nn.WithLossCell(net, nn.MSELoss()), optimizer, [(x, y)], num_steps=30, progress=False)
    assert len(result.lrs) >= 10
    after = _state([net, optimizer])
    assert len(before) == len(after) and all(np.array_equal(a, b) for a, b in zip(before, after))
    assert type(optimizer) is cls and set(vars(optimizer)) == attributes
    # Training afterwards is the training without lr_find, bit for bit.
    _trained_a_little(optimizer, net)
    untouched_net, untouched = build()
    _trained_a_little(untouched, untouched_net)
    assert all(np.array_equal(a, b) for a, b in zip(_state([net, optimizer]), _state([untouched_net, untouched])))


@pytest.mark.parametrize("jit_mode", [ms.GRAPH_MODE, ms.PYNATIVE_MODE], ids=["graph", "pynative"])
def test_a_torch_style_optimizer_is_ramped_by_its_weights_and_restored(jit_mode):
    """experimental.optim.SGD (it trains on CPU, mint.optim's SGD does not: the torch-style guide): the suggestion
    is in the known range and every Parameter, the group lrs included, is back afterwards."""
    optim = pytest.importorskip("mindspore.experimental.optim")
    ms.set_context(mode=jit_mode)
    x, y, largest = least_squares(0)
    ms.set_seed(0)
    net = nn.Dense(D, 1)
    optimizer = optim.SGD(net.trainable_params(), lr=0.01)
    before = _state([net, optimizer]) + [lr.asnumpy().copy() for lr in optimizer.lrs]
    result = ms_lr.lr_find(nn.WithLossCell(net, nn.MSELoss()), optimizer, [(x, y)], progress=False)
    after = _state([net, optimizer]) + [lr.asnumpy().copy() for lr in optimizer.lrs]
    assert all(np.array_equal(a, b) for a, b in zip(before, after))
    stable = 2.0 / largest
    assert stable / 100 <= result.suggestion < stable, (result.suggestion, stable)


def test_a_mindspore_dataset_shorter_than_the_test_is_cycled(tmp_path):
    ms.set_context(mode=ms.GRAPH_MODE)
    x, y, largest = least_squares(0)
    data = ds.NumpySlicesDataset({"x": x, "y": y}, shuffle=False).batch(N // 2)   # 2 batches, cycled 50 times
    ms.set_seed(0)
    net = nn.Dense(D, 1)
    result = ms_lr.lr_find(nn.WithLossCell(net, nn.MSELoss()), nn.SGD(net.trainable_params(), 0.01), data,
                           progress=False)
    assert len(result.lrs) > 50 and result.suggestion < 2.0 / largest
    result.to_csv(str(tmp_path / "lr.csv"))
    rows = list(csv.DictReader(open(tmp_path / "lr.csv")))
    assert len(rows) == len(result.lrs) and float(rows[3]["lr"]) == result.lrs[3]
    assert float(rows[-1]["smoothed_loss"]) == result.smoothed_losses[-1]


def test_the_plot_marks_every_suggestion(tmp_path):
    pytest.importorskip("matplotlib")
    ms.set_context(mode=ms.GRAPH_MODE)
    result, _ = fit(0)
    ax = result.plot(str(tmp_path / "lr.png"))
    assert (tmp_path / "lr.png").stat().st_size > 10_000
    assert ax.get_xscale() == "log"
    labels = [line.get_label() for line in ax.get_lines()]
    assert all(any(label.startswith(f"{name}:") for label in labels) for name, lr in result.suggestions.items()
               if lr is not None)


def test_a_progress_line_when_asked(capsys):
    ms.set_context(mode=ms.GRAPH_MODE)
    x, y, _ = least_squares(0)
    net = nn.Dense(D, 1)
    ms_lr.lr_find(nn.WithLossCell(net, nn.MSELoss()), nn.SGD(net.trainable_params(), 0.01), [(x, y)],
                  num_steps=10, end_lr=1e-3, progress=True)
    err = capsys.readouterr().err
    assert "lr_find [" in err and "10/10" in err


@pytest.mark.parametrize("kwargs, error, pattern", [
    ({"start_lr": 1.0, "end_lr": 0.1}, ValueError, r"end_lr must be > start_lr"),
    ({"start_lr": 0.0}, ValueError, r"start_lr must be > 0"),
    ({"num_steps": 5}, ValueError, r"num_steps"),
    ({"mode": "log"}, ValueError, r"mode"),
    ({"beta": 1.0}, ValueError, r"beta"),
    ({"divergence": 1.0}, ValueError, r"divergence"),
    ({"dataset": []}, ValueError, r"dataset has no batch"),
    ({"dataset": 3}, TypeError, r"dataset must be"),
    ({"optimizer": "sgd"}, TypeError, r"optimizer must be"),
])
def test_bad_input_is_named(kwargs, error, pattern):
    net = nn.Dense(2, 1)
    arguments = {"network_with_loss": nn.WithLossCell(net, nn.MSELoss()),
                 "optimizer": nn.SGD(net.trainable_params(), 0.01),
                 "dataset": [(np.ones((2, 2), np.float32), np.ones((2, 1), np.float32))], **kwargs}
    with pytest.raises(error, match=pattern) as info:
        ms_lr.lr_find(**arguments)
    assert str(info.value).startswith("For 'lr_find', ")

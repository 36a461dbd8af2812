"""LRMonitor and ReduceLROnPlateau: against torch, in Model.train/fit, and with bad input."""
import csv
import math
import warnings

import mindspore.dataset as ds
import numpy as np
import pytest
import torch
from mindspore import nn
from mindspore.train import Model
from torch.optim import lr_scheduler as torch_sched

import ms_lr
from ms_lr import LRMonitor, ReduceLROnPlateau


def dataset(batches, batch=8, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batches * batch, 4)).astype(np.float32)
    y = (x @ np.array([[1.0], [-2.0], [0.5], [0.0]], dtype=np.float32)).astype(np.float32)
    return ds.NumpySlicesDataset({"x": x, "y": y}, shuffle=False).batch(batch)


def test_lr_monitor_records_every_group_prints_and_writes_csv(tmp_path, capsys):
    net = nn.SequentialCell([nn.Dense(4, 3), nn.Dense(3, 1)])
    params = net.trainable_params()
    warm = ms_lr.LinearWarmup(ms_lr.CosineAnnealingLR(0.1, 20), 5)
    default = ms_lr.StepLR(0.05, 4, 0.5)
    opt = nn.SGD([{"params": params[:2], "lr": warm}, {"params": params[2:3], "lr": 0.2}, {"params": params[3:]}],
                 learning_rate=default)
    path = tmp_path / "lr.csv"
    monitor = LRMonitor(print_every=5, csv_path=str(path))
    Model(net, nn.MSELoss(), opt).train(3, dataset(4), callbacks=[monitor], dataset_sink_mode=False)
    steps = np.arange(12)
    np.testing.assert_array_equal(monitor.steps, steps)
    expected = np.stack([warm.reference(steps), np.full(12, 0.2), default.reference(steps)], axis=1)
    np.testing.assert_allclose(monitor.lrs, expected, rtol=1e-6)
    printed = capsys.readouterr().out
    assert "step 0: lr" in printed and "step 5: lr" in printed and "step 10: lr" in printed
    rows = list(csv.reader(open(path)))
    assert rows[0] == ["step", "lr_group0", "lr_group1", "lr_group2"] and len(rows) == 13
    np.testing.assert_allclose(np.array(rows[1:], dtype=float)[:, 1:], expected, rtol=1e-6)


METRICS = [1.0, 0.9, 0.95, 0.95, 0.96, 0.97, 0.8, 0.81, 0.82, 0.83, 0.84, 0.85, 0.79, 0.79, 0.80, 0.80, 0.81, 0.9,
           0.9, 0.9, 0.9, 0.9, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]


@pytest.mark.parametrize("kwargs", [
    dict(),
    dict(patience=2),
    dict(patience=1, cooldown=2, factor=0.5),
    dict(mode="max", patience=1),
    dict(patience=0, threshold=0.05, threshold_mode="abs"),
    dict(patience=0, factor=0.5, min_lr=0.02),
    dict(patience=0, factor=0.9, eps=0.05),
], ids=lambda k: ",".join(f"{a}={b}" for a, b in k.items()) or "defaults")
def test_reduce_on_plateau_matches_torch_on_the_same_metrics(kwargs):
    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([param], lr=0.1)
    reference = torch_sched.ReduceLROnPlateau(optimizer, **kwargs)
    reducible = ms_lr.ReducibleLR(ms_lr.ConstantLR(0.1, factor=1.0))
    callback = ReduceLROnPlateau(reducible, **kwargs)
    expected, got = [], []
    for step, metric in enumerate(METRICS * 2):
        reference.step(metric)
        callback.step(metric, step)
        expected.append(optimizer.param_groups[0]["lr"])
        got.append(float(ms_lr.evaluate(reducible, [step])[0]))
    np.testing.assert_allclose(got, expected, rtol=1e-6)
    if "eps" not in kwargs:                           # eps=0.05 is there to block every reduction
        assert min(expected) < 0.1


def test_reduction_keeps_the_schedule_shape_underneath():
    cosine = ms_lr.CosineAnnealingLR(0.1, 100)
    reducible = ms_lr.ReducibleLR(cosine)
    callback = ReduceLROnPlateau(reducible, patience=0, factor=0.5)
    callback.step(1.0, 10)
    assert callback.step(1.0, 20)                     # no improvement: reduced at step 20
    steps = np.arange(20, 100)
    np.testing.assert_allclose(ms_lr.evaluate(reducible, steps), 0.5 * cosine.reference(steps), rtol=1e-6)


def fit(callback, epochs=4, metrics=None):
    net = nn.Dense(4, 1)
    reducible = callback.schedules[0]
    opt = nn.SGD(net.trainable_params(), learning_rate=reducible)
    model = Model(net, nn.MSELoss(), opt, metrics=metrics or {"mae": nn.MAE()})
    model.fit(epochs, dataset(4), valid_dataset=dataset(2, seed=1), dataset_sink_mode=False, callbacks=[callback])
    return opt


def test_plateau_on_an_eval_metric_in_model_fit_lowers_the_optimizer_lr():
    reducible = ms_lr.ReducibleLR(ms_lr.ConstantLR(0.01, factor=1.0))
    # mode="max" on a falling error: never an improvement after the first epoch, so it reduces every epoch.
    callback = ReduceLROnPlateau(reducible, monitor="mae", mode="max", patience=0, factor=0.5)
    opt = fit(callback)
    assert reducible.get_factor() == pytest.approx(0.125)
    assert float(opt.get_lr().asnumpy()) == pytest.approx(0.01 * 0.125, rel=1e-6)


def test_plateau_on_train_loss_per_step():
    reducible = ms_lr.ReducibleLR(ms_lr.ConstantLR(0.01, factor=1.0))
    # threshold=10 (rel): nothing counts as better, so with patience 3 it reduces every 4th step of the 12.
    callback = ReduceLROnPlateau(reducible, monitor="loss", patience=3, factor=0.5, threshold=10.0, interval="step",
                                 min_lr=0.002)
    fit(callback, epochs=3)
    assert reducible.get_factor() == pytest.approx(0.2)      # 0.5, 0.25, then floored at min_lr = 0.2 x 0.01


def test_unknown_monitor_key_warns_and_training_continues():
    reducible = ms_lr.ReducibleLR(ms_lr.ConstantLR(0.01, factor=1.0))
    callback = ReduceLROnPlateau(reducible, monitor="accuracy", patience=0)
    with pytest.warns(UserWarning, match="accuracy"):
        opt = fit(callback, epochs=2)
    assert reducible.get_factor() == 1.0 and int(opt.global_step.asnumpy()[0]) == 8


def test_non_finite_metric_warns_and_leaves_the_factor():
    reducible = ms_lr.ReducibleLR(ms_lr.ConstantLR(0.01, factor=1.0))
    callback = ReduceLROnPlateau(reducible, patience=0)
    callback.step(1.0, 0)
    with pytest.warns(UserWarning, match="nan"):
        assert not callback.step(math.nan, 1)
    with pytest.warns(UserWarning, match="inf"):
        assert not callback.step(math.inf, 2)
    assert reducible.get_factor() == 1.0 and callback.best == 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert callback.step(2.0, 3)                  # a real plateau still reduces afterwards


INVALID = [
    (lambda: ReduceLROnPlateau(ms_lr.StepLR(0.1, 5)), TypeError, "ReducibleLR"),
    (lambda: ReduceLROnPlateau([]), ValueError, "schedules"),
    (lambda: ReduceLROnPlateau(ms_lr.ReducibleLR(ms_lr.StepLR(0.1, 5)), mode="lowest"), ValueError, "mode"),
    (lambda: ReduceLROnPlateau(ms_lr.ReducibleLR(ms_lr.StepLR(0.1, 5)), factor=1.0), ValueError, "factor"),
    (lambda: ReduceLROnPlateau(ms_lr.ReducibleLR(ms_lr.StepLR(0.1, 5)), patience=-1), ValueError, "patience"),
    (lambda: ReduceLROnPlateau(ms_lr.ReducibleLR(ms_lr.StepLR(0.1, 5)), threshold_mode="x"), ValueError,
     "threshold_mode"),
    (lambda: ReduceLROnPlateau(ms_lr.ReducibleLR(ms_lr.StepLR(0.1, 5)), min_lr=[0.1, 0.2]), ValueError, "min_lr"),
    (lambda: ReduceLROnPlateau(ms_lr.ReducibleLR(ms_lr.StepLR(0.1, 5)), interval="batch"), ValueError, "interval"),
    (lambda: ReduceLROnPlateau(ms_lr.ReducibleLR(ms_lr.StepLR(0.1, 5)), monitor=3), TypeError, "monitor"),
    (lambda: ms_lr.ReducibleLR(0.1), TypeError, "schedule"),
    (lambda: LRMonitor(print_every=-1), ValueError, "print_every"),
]


@pytest.mark.parametrize("make, error, name", INVALID, ids=[f"{i}-{case[2]}" for i, case in enumerate(INVALID)])
def test_bad_arguments_raise_a_clear_error_naming_the_argument(make, error, name):
    with pytest.raises(error, match=name):
        make()

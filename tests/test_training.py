"""Real MindSpore training: the optimizer drives the schedule from its own global_step."""
import mindspore as ms
import numpy as np
import pytest
from mindspore import Tensor, nn

import ms_lr


def make_net():
    net = nn.Dense(4, 1, weight_init="ones", bias_init="zeros")
    loss = nn.MSELoss()
    return net, nn.WithLossCell(net, loss)


def data(seed=0):
    rng = np.random.default_rng(seed)
    return Tensor(rng.normal(size=(8, 4)).astype(np.float32)), Tensor(rng.normal(size=(8, 1)).astype(np.float32))


@pytest.mark.parametrize("optimizer", ["SGD", "Adam"])
def test_optimizer_lr_follows_the_reference_step_by_step(optimizer, mode):
    schedule = ms_lr.LinearWarmup(ms_lr.CosineAnnealingWarmRestarts(0.05, T_0=4, T_mult=2, eta_min=0.001), 3)
    net, with_loss = make_net()
    opt = getattr(nn, optimizer)(net.trainable_params(), learning_rate=schedule)
    train = nn.TrainOneStepCell(with_loss, opt)
    x, y = data()
    seen = []
    for _ in range(20):
        seen.append(float(opt.get_lr().asnumpy()))
        train(x, y)
    assert int(opt.global_step.asnumpy()[0]) == 20
    np.testing.assert_allclose(seen, schedule.reference(np.arange(20)), rtol=1e-6)


def test_sgd_applies_exactly_the_scheduled_lr_to_the_weights():
    # Plain SGD: w_{k+1} = w_k - lr_k * grad_k, so the lr each update really used is (w_k - w_{k+1}) / grad_k.
    schedule = ms_lr.CosineAnnealingWarmupRestarts(6, 1.0, max_lr=0.1, min_lr=0.01, warmup_steps=2, gamma=0.5)
    net, with_loss = make_net()
    opt = nn.SGD(net.trainable_params(), learning_rate=schedule)
    train = nn.TrainOneStepCell(with_loss, opt)
    grad_fn = ms.value_and_grad(with_loss, None, opt.parameters)
    x, y = data(1)
    applied = []
    for _ in range(15):
        before = net.weight.asnumpy().copy()
        _, grads = grad_fn(x, y)
        train(x, y)
        g = grads[0].asnumpy()
        applied.append(float(np.median((before - net.weight.asnumpy()) / g)))
    np.testing.assert_allclose(applied, schedule.reference(np.arange(15)), rtol=1e-4)

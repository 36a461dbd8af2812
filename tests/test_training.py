"""Real MindSpore training: optimizers and groups, weight decay, resume, sink mode, GRAPH vs PYNATIVE."""
import mindspore as ms
import mindspore.dataset as ds
import numpy as np
import pytest
from mindspore import Tensor, nn, ops
from mindspore.train import Model

import ms_lr
from ms_lr import LRMonitor

STEPS = 20


def make_net():
    return nn.SequentialCell([nn.Dense(4, 3, weight_init="ones"), nn.Tanh(), nn.Dense(3, 1, weight_init="ones")])


def batches(n, seed=0):
    rng = np.random.default_rng(seed)
    return [(Tensor(rng.normal(size=(8, 4)).astype(np.float32)), Tensor(rng.normal(size=(8, 1)).astype(np.float32)))
            for _ in range(n)]


def train_steps(opt, net, data):
    """Run one TrainOneStepCell step per batch; return the lr get_lr() reported before each step."""
    train = nn.TrainOneStepCell(nn.WithLossCell(net, nn.MSELoss()), opt)
    seen = []
    for x, y in data:
        lr = opt.get_lr()
        seen.append([float(v.asnumpy()) for v in lr] if isinstance(lr, tuple) else float(lr.asnumpy()))
        train(x, y)
    return np.array(seen)


def schedule():
    return ms_lr.LinearWarmup(ms_lr.CosineAnnealingWarmRestarts(0.05, T_0=4, T_mult=2, eta_min=0.001), 3)


OPTIMIZERS = {
    "SGD": lambda p, lr: nn.SGD(p, learning_rate=lr),
    "Momentum": lambda p, lr: nn.Momentum(p, learning_rate=lr, momentum=0.9),
    "Adam": lambda p, lr: nn.Adam(p, learning_rate=lr),
    "AdamWeightDecay": lambda p, lr: nn.AdamWeightDecay(p, learning_rate=lr, weight_decay=0.01),
}


def test_lamb_reads_the_schedule_at_its_global_step():
    # MindSpore 2.10 has no CPU kernel for the Lamb update, so only the lr path is exercised here.
    net, sched = make_net(), schedule()
    opt = nn.Lamb(net.trainable_params(), learning_rate=sched)
    seen = []
    for step in [0, 1, 2, 3, 10, 2**31 - 1]:
        opt.global_step.set_data(Tensor(np.array([step], dtype=np.int32)))
        seen.append(float(opt.get_lr().asnumpy()))
    np.testing.assert_allclose(seen, sched.reference([0, 1, 2, 3, 10, 2**31 - 1]), rtol=1e-6)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_every_optimizer_follows_the_reference_at_its_global_step(name):
    net, sched = make_net(), schedule()
    opt = OPTIMIZERS[name](net.trainable_params(), sched)
    seen = train_steps(opt, net, batches(STEPS))
    assert int(opt.global_step.asnumpy()[0]) == STEPS
    np.testing.assert_allclose(seen, sched.reference(np.arange(STEPS)), rtol=1e-6)


def test_sgd_applies_exactly_the_scheduled_lr_to_the_weights():
    # Plain SGD: w_{k+1} = w_k - lr_k * grad_k, so the lr each update really used is (w_k - w_{k+1}) / grad_k.
    sched = ms_lr.CosineAnnealingWarmupRestarts(6, 1.0, max_lr=0.1, min_lr=0.01, warmup_steps=2, gamma=0.5)
    net = nn.Dense(4, 1, weight_init="ones", bias_init="zeros")
    with_loss = nn.WithLossCell(net, nn.MSELoss())
    opt = nn.SGD(net.trainable_params(), learning_rate=sched)
    train = nn.TrainOneStepCell(with_loss, opt)
    grad_fn = ms.value_and_grad(with_loss, None, opt.parameters)
    applied = []
    for x, y in batches(15, seed=1):
        before = net.weight.asnumpy().copy()
        _, grads = grad_fn(x, y)
        train(x, y)
        applied.append(float(np.median((before - net.weight.asnumpy()) / grads[0].asnumpy())))
    np.testing.assert_allclose(applied, sched.reference(np.arange(15)), rtol=1e-4)


def test_parameter_groups_with_different_schedules_and_a_default():
    # Seed 004: one group warmup + cosine, one constant; the rest take the optimizer's default lr (a schedule here).
    net = make_net()
    params = net.trainable_params()
    warm_cosine = ms_lr.LinearWarmup(ms_lr.CosineAnnealingLR(0.1, 40, eta_min=1e-5), 10)
    default = ms_lr.StepLR(0.05, 5, 0.5)
    opt = nn.Momentum([{"params": params[:2], "lr": warm_cosine}, {"params": params[2:3], "lr": 0.2},
                       {"params": params[3:]}], learning_rate=default, momentum=0.9)
    seen = train_steps(opt, net, batches(STEPS))       # one column per parameter
    steps = np.arange(STEPS)
    expected = [warm_cosine.reference(steps)] * 2 + [np.full(STEPS, 0.2)] + [default.reference(steps)]
    np.testing.assert_allclose(seen, np.stack(expected, axis=1), rtol=1e-6)


def test_layerwise_scaled_schedules():
    net = make_net()
    params = net.trainable_params()
    base = ms_lr.OneCycleLR(0.1, STEPS)
    groups = [{"params": [p], "lr": base * 0.75**depth} for depth, p in enumerate(reversed(params))]
    seen = train_steps(nn.Adam(groups, learning_rate=0.1), net, batches(STEPS))
    expected = np.stack([0.75**d * base.reference(np.arange(STEPS)) for d in range(len(params))], axis=1)
    np.testing.assert_allclose(seen, expected, rtol=1e-6)


def test_schedule_as_weight_decay():
    net = make_net()
    decay = ms_lr.CosineAnnealingLR(0.01, 10, eta_min=0.001)
    opt = nn.AdamWeightDecay(net.trainable_params(), learning_rate=1e-3, weight_decay=decay)
    train = nn.TrainOneStepCell(nn.WithLossCell(net, nn.MSELoss()), opt)
    seen = []
    for x, y in batches(STEPS):
        seen.append(float(opt.get_weight_decay().asnumpy().reshape(-1)[0]))
        train(x, y)
    np.testing.assert_allclose(seen, decay.reference(np.arange(STEPS)), rtol=1e-6)


def run(steps_first, steps_second, checkpoint=None):
    """Train steps_first steps (optionally save and restore everything into fresh objects), then steps_second."""
    data = batches(steps_first + steps_second, seed=3)

    def build():
        ms.set_seed(0)
        net = make_net()
        sched = ms_lr.ReducibleLR(schedule())
        opt = nn.Momentum(net.trainable_params(), learning_rate=sched, momentum=0.9)
        return net, sched, opt, nn.TrainOneStepCell(nn.WithLossCell(net, nn.MSELoss()), opt)

    net, sched, opt, train = build()
    lrs = []
    for i, (x, y) in enumerate(data):
        if i == steps_first:
            sched.set_factor(0.5)                    # as a plateau reduction would, mid-run
            if checkpoint:
                ms.save_checkpoint(train, checkpoint)
                net, sched, opt, train = build()     # fresh objects: factor 1, global_step 0, no momentum
                ms.load_param_into_net(train, ms.load_checkpoint(checkpoint))
        lrs.append(float(opt.get_lr().asnumpy()))
        train(x, y)
    return lrs, [p.asnumpy() for p in net.trainable_params()], int(opt.global_step.asnumpy()[0])


@pytest.mark.parametrize("mode", [ms.PYNATIVE_MODE, ms.GRAPH_MODE], ids=["pynative", "graph"])
def test_a_new_factor_trains_from_the_next_step(mode):
    """set_factor between steps of a train step that has run: a factor of 0 leaves the weights where they are, and 1
    moves them again (set_data, as before, was ignored by a PYNATIVE step)."""
    ms.set_context(mode=mode)
    try:
        net = make_net()
        sched = ms_lr.ReducibleLR(ms_lr.StepLR(0.1, 1000))
        train = nn.TrainOneStepCell(nn.WithLossCell(net, nn.MSELoss()), nn.SGD(net.trainable_params(), sched))
        moved = []
        for factor, (x, y) in zip([1.0, 0.0, 0.0, 1.0], batches(4)):
            sched.set_factor(factor)
            before = [p.asnumpy().copy() for p in net.trainable_params()]
            train(x, y)
            moved.append(any(not np.array_equal(a, p.asnumpy()) for a, p in zip(before, net.trainable_params())))
    finally:
        ms.set_context(mode=ms.GRAPH_MODE)
    assert moved == [True, False, False, True]


def test_checkpoint_resume_equals_an_uninterrupted_run(tmp_path):
    straight = run(7, 9)
    resumed = run(7, 9, checkpoint=str(tmp_path / "mid.ckpt"))
    np.testing.assert_array_equal(resumed[0], straight[0])
    for a, b in zip(resumed[1], straight[1]):
        np.testing.assert_array_equal(a, b)
    assert resumed[2] == straight[2] == 16


def test_offset_starts_a_schedule_at_a_chosen_step():
    # Fine-tuning with a fresh optimizer (global_step 0) continuing a cosine from its step 400.
    cosine = ms_lr.CosineAnnealingLR(0.1, 1000)
    net = make_net()
    opt = nn.SGD(net.trainable_params(), learning_rate=ms_lr.Offset(cosine, 400))
    seen = train_steps(opt, net, batches(5))
    np.testing.assert_allclose(seen, cosine.reference(np.arange(400, 405)), rtol=1e-6)


def dataset(n, batch=8, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n * batch, 4)).astype(np.float32)
    y = rng.normal(size=(n * batch, 1)).astype(np.float32)
    return ds.NumpySlicesDataset({"x": x, "y": y}, shuffle=False).batch(batch)


class SunkSteps(nn.Cell):
    """What one dataset-sink launch does on Ascend/GPU: ``k`` training steps inside a single compiled graph call."""

    def __init__(self, train, optimizer, k):
        super().__init__()
        self.train, self.optimizer, self.k = train, optimizer, k

    def construct(self, xs, ys):
        lrs = []
        for i in range(self.k):
            lrs.append(self.optimizer.get_lr())
            self.train(xs[i], ys[i])
        return ops.stack(lrs)


@pytest.mark.parametrize("k", [1, 4])
def test_one_graph_launch_of_k_steps_advances_the_schedule_every_step(k):
    # MindSpore 2.10 sinks data only on Ascend/GPU (on CPU, Model.train falls back to one launch per step and
    # ms.data_sink refuses). A sink launch runs the compiled step k times on the device; this runs k steps in one
    # graph call and checks the schedule is recomputed from global_step inside it, not frozen at launch.
    net, sched = make_net(), schedule()
    opt = nn.Momentum(net.trainable_params(), learning_rate=sched, momentum=0.9)
    sunk = SunkSteps(nn.TrainOneStepCell(nn.WithLossCell(net, nn.MSELoss()), opt), opt, k)
    monitor = LRMonitor(optimizer=opt)
    rng = np.random.default_rng(0)
    seen = []
    for _ in range(3):
        xs = Tensor(rng.normal(size=(k, 8, 4)).astype(np.float32))
        ys = Tensor(rng.normal(size=(k, 8, 1)).astype(np.float32))
        seen.append(sunk(xs, ys).asnumpy())
        monitor.record()                              # one callback per launch, as in sink mode
    total = 3 * k
    assert int(opt.global_step.asnumpy()[0]) == total
    np.testing.assert_allclose(np.concatenate(seen), sched.reference(np.arange(total)), rtol=1e-6)
    np.testing.assert_array_equal(monitor.steps, np.arange(total))
    np.testing.assert_allclose(monitor.lrs[:, 0], sched.reference(np.arange(total)), rtol=1e-6)


def test_model_train_with_sink_mode_arguments_follows_the_schedule():
    net, sched = make_net(), schedule()
    opt = nn.Momentum(net.trainable_params(), learning_rate=sched, momentum=0.9)
    monitor = LRMonitor()
    Model(net, nn.MSELoss(), opt).train(3, dataset(4), callbacks=[monitor], dataset_sink_mode=True, sink_size=2)
    total = int(opt.global_step.asnumpy()[0])
    assert total >= 6        # 3 x sink_size on Ascend/GPU; the whole dataset per epoch where sinking falls back
    np.testing.assert_array_equal(monitor.steps, np.arange(total))
    np.testing.assert_allclose(monitor.lrs[:, 0], sched.reference(np.arange(total)), rtol=1e-6)


def train_in(mode):
    ms.set_context(mode=mode)
    ms.set_seed(0)
    net = make_net()
    sched = ms_lr.SequentialLR([ms_lr.LinearLR(0.05, 0.1, 1.0, 5), ms_lr.CosineAnnealingWarmRestarts(0.05, 3, 2)],
                               [5])
    opt = nn.Adam(net.trainable_params(), learning_rate=sched)
    lrs = train_steps(opt, net, batches(STEPS, seed=5))
    return lrs, [p.asnumpy() for p in net.trainable_params()]


def test_graph_and_pynative_give_the_same_lrs_and_weights():
    graph, pynative = train_in(ms.GRAPH_MODE), train_in(ms.PYNATIVE_MODE)
    # Graph mode may fuse the schedule's float32 ops differently: equal to within one ulp.
    np.testing.assert_array_max_ulp(graph[0].astype(np.float32), pynative[0].astype(np.float32), maxulp=1)
    for a, b in zip(graph[1], pynative[1]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)

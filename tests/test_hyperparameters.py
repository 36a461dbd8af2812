"""Momentum, beta1 and beta2 driven by schedules: torch's cycle_momentum, exactly, against the real torch.

The momentum curves are compared with the momentum torch's schedulers set, step by step; the training is compared
by its weight trajectory (every step of 300, on an ill-conditioned least-squares fit), not only by the values.
"""
import warnings

import mindspore as ms
import numpy as np
import pytest
import torch
from mindspore import Tensor, experimental, nn

import ms_lr
from tests.support.accuracy import assert_close

warnings.filterwarnings("ignore", message=".*cycles the optimizer's momentum", category=UserWarning)
STEPS = 300


def torch_momenta(make_scheduler, steps, betas=False):
    """The momentum (or betas[0]) torch's scheduler gives each of ``steps`` updates."""
    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.Adam([param], lr=0.1) if betas else torch.optim.SGD([param], lr=0.1, momentum=0.9)
    scheduler = make_scheduler(optimizer)
    out = []
    for k in range(steps):
        group = optimizer.param_groups[0]
        out.append(group["betas"][0] if betas else group["momentum"])
        optimizer.step()
        if k < steps - 1:
            scheduler.step()
    return np.array(out)


CURVES = {
    "one-cycle cos": (lambda o: torch.optim.lr_scheduler.OneCycleLR(o, 0.1, total_steps=STEPS),
                      lambda: ms_lr.OneCycleLR(0.1, STEPS)),
    "one-cycle linear, three-phase": (
        lambda o: torch.optim.lr_scheduler.OneCycleLR(o, 0.1, total_steps=STEPS, anneal_strategy="linear",
                                                      three_phase=True, base_momentum=0.8, max_momentum=0.9),
        lambda: ms_lr.OneCycleLR(0.1, STEPS, anneal_strategy="linear", three_phase=True, base_momentum=0.8,
                                 max_momentum=0.9)),
    "cyclic triangular": (lambda o: torch.optim.lr_scheduler.CyclicLR(o, 0.01, 0.1, 20, 30),
                          lambda: ms_lr.CyclicLR(0.01, 0.1, 20, 30)),
    "cyclic triangular2": (lambda o: torch.optim.lr_scheduler.CyclicLR(o, 0.01, 0.1, 25, mode="triangular2"),
                           lambda: ms_lr.CyclicLR(0.01, 0.1, 25, mode="triangular2")),
    "cyclic exp_range": (lambda o: torch.optim.lr_scheduler.CyclicLR(o, 0.01, 0.1, 25, mode="exp_range",
                                                                     gamma=0.99),
                         lambda: ms_lr.CyclicLR(0.01, 0.1, 25, mode="exp_range", gamma=0.99)),
}


@pytest.mark.parametrize("name", sorted(CURVES))
def test_the_momentum_curve_is_torchs_momentum_at_every_step(name):
    make_torch, make_ours = CURVES[name]
    expected = torch_momenta(make_torch, STEPS)
    curve = make_ours().momentum_curve()
    steps = np.arange(STEPS)
    assert_close(ms_lr.evaluate(curve, steps), expected, context=f"{name}: cell")
    assert_close(curve.reference(steps), expected, context=f"{name}: reference")


def test_adam_gets_the_curve_as_beta1_as_in_torch():
    expected = torch_momenta(lambda o: torch.optim.lr_scheduler.OneCycleLR(o, 0.1, total_steps=STEPS), STEPS,
                             betas=True)
    assert_close(ms_lr.evaluate(ms_lr.OneCycleMomentum(STEPS), np.arange(STEPS)), expected)


def test_cycle_momentum_false_has_no_curve_and_the_default_warns_once_with_the_fix():
    assert ms_lr.OneCycleLR(0.1, 100, cycle_momentum=False).momentum_curve() is None
    assert ms_lr.momentum_schedule(ms_lr.StepLR(0.1, 3)) is None


# --- training: the weight trajectory against torch's -------------------------------------------------------------

def _problem(seed=0):
    """An ill-conditioned least squares: features scaled 1 to 30, so the directions converge at different rates."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((64, 4)) * np.array([1.0, 3.0, 10.0, 30.0])
    w = rng.standard_normal((4, 1))
    y = x @ w + 0.01 * rng.standard_normal((64, 1))
    return x.astype(np.float32), y.astype(np.float32)


def torch_trajectory(make_optimizer, make_scheduler, steps=STEPS):
    x, y = _problem()
    weight = torch.nn.Parameter(torch.zeros(4, 1))
    optimizer = make_optimizer([weight])
    scheduler = make_scheduler(optimizer)
    xs, ys, out = torch.tensor(x), torch.tensor(y), []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = ((xs @ weight - ys) ** 2).mean()
        loss.backward()
        optimizer.step()
        scheduler.step()
        out.append(weight.detach().numpy().ravel().copy())
    return np.array(out)


class _Linear(nn.Cell):
    def __init__(self):
        super().__init__()
        self.weight = ms.Parameter(Tensor(np.zeros((4, 1), np.float32)), name="weight")

    def construct(self, x):
        return ms.ops.matmul(x, self.weight)


def nn_trajectory(make_optimizer, steps=STEPS):
    x, y = _problem()
    net = _Linear()
    optimizer = make_optimizer(net.trainable_params())
    train = nn.TrainOneStepCell(nn.WithLossCell(net, nn.MSELoss()), optimizer)
    xs, ys, out = Tensor(x), Tensor(y), []
    for _ in range(steps):
        train(xs, ys)
        out.append(net.weight.asnumpy().ravel().copy())
    return np.array(out), optimizer


def assert_same_trajectory(ours, theirs, tolerance):
    """Every step's weights within ``tolerance`` of torch's, relative to the weights' scale at that step."""
    scale = np.maximum(np.abs(theirs).max(axis=1, keepdims=True), 1e-3)
    error = np.abs(ours - theirs) / scale
    worst = int(np.argmax(error.max(axis=1)))
    assert error.max() <= tolerance, f"step {worst}: {ours[worst]} vs torch {theirs[worst]} ({error.max():.3g})"


LR = 0.001      # below the stability limit 2 (1 + momentum) / L, L ~ 1800 the largest curvature of the fit


@pytest.mark.parametrize("optimizer_class", [nn.Momentum, nn.SGD])
def test_one_cycle_over_sgd_momentum_trains_as_torch(optimizer_class):
    theirs = torch_trajectory(lambda p: torch.optim.SGD(p, lr=LR, momentum=0.9),
                              lambda o: torch.optim.lr_scheduler.OneCycleLR(o, LR, total_steps=STEPS))
    ours, optimizer = nn_trajectory(lambda p: ms_lr.share_schedules(optimizer_class(
        p, learning_rate=ms_lr.OneCycleLR(LR, STEPS), momentum=0.9)))
    assert_same_trajectory(ours, theirs, 1e-5)       # measured 6.2e-7: float32 noise
    assert float(optimizer.momentum.asnumpy()) == pytest.approx(
        float(ms_lr.evaluate(ms_lr.OneCycleMomentum(STEPS), [STEPS - 1])[0]))


def test_the_same_training_without_momentum_cycling_is_measurably_different():
    # The check above is not vacuous: a constant momentum 0.9 (the old behaviour) leaves torch's trajectory.
    theirs = torch_trajectory(lambda p: torch.optim.SGD(p, lr=LR, momentum=0.9),
                              lambda o: torch.optim.lr_scheduler.OneCycleLR(o, LR, total_steps=STEPS))
    ours, _ = nn_trajectory(lambda p: ms_lr.share_schedules(nn.Momentum(
        p, learning_rate=ms_lr.OneCycleLR(LR, STEPS, cycle_momentum=False), momentum=0.9)))
    with pytest.raises(AssertionError):             # measured 0.81
        assert_same_trajectory(ours, theirs, 1e-2)


def test_cyclic_lr_over_sgd_momentum_trains_as_torch():
    theirs = torch_trajectory(lambda p: torch.optim.SGD(p, lr=LR, momentum=0.9),
                              lambda o: torch.optim.lr_scheduler.CyclicLR(o, LR / 10, LR, 40))
    ours, _ = nn_trajectory(lambda p: ms_lr.share_schedules(nn.SGD(
        p, learning_rate=ms_lr.CyclicLR(LR / 10, LR, 40), momentum=0.9)))
    assert_same_trajectory(ours, theirs, 1e-5)       # measured 4.1e-7


def test_a_shrinking_cyclic_lr_over_sgd_momentum_trains_as_torch():
    # exp_range: the lr and the momentum it cycles are both scaled waves (a height per cycle, a shape per position).
    theirs = torch_trajectory(lambda p: torch.optim.SGD(p, lr=LR, momentum=0.9),
                              lambda o: torch.optim.lr_scheduler.CyclicLR(o, LR / 10, LR, 15, mode="exp_range",
                                                                          gamma=0.99))
    schedule = ms_lr.CyclicLR(LR / 10, LR, 15, mode="exp_range", gamma=0.99)
    assert schedule.waves is not None and schedule.momentum_curve().native.waves is not None
    ours, _ = nn_trajectory(lambda p: ms_lr.share_schedules(nn.SGD(p, learning_rate=schedule, momentum=0.9)))
    assert_same_trajectory(ours, theirs, 1e-5)       # measured 8.9e-7


def test_one_cycle_over_adam_trains_as_torch_up_to_the_eps_placement():
    # MindSpore's Adam adds eps to sqrt(v) before the bias correction of v, torch after it: the steps differ by
    # eps * (1 - sqrt(1 - beta2**t)) relative to sqrt(v), here ~1e-8 / |gradient|.
    theirs = torch_trajectory(lambda p: torch.optim.Adam(p, lr=0.05),
                              lambda o: torch.optim.lr_scheduler.OneCycleLR(o, 0.05, total_steps=STEPS))
    ours, optimizer = nn_trajectory(lambda p: ms_lr.share_schedules(nn.Adam(
        p, learning_rate=ms_lr.OneCycleLR(0.05, STEPS))))
    assert_same_trajectory(ours, theirs, 2e-5)       # measured 3.4e-6 (a constant beta1, as before: 6.2e-2)
    beta1 = float(ms_lr.evaluate(ms_lr.OneCycleMomentum(STEPS), [STEPS - 1])[0])
    assert float(optimizer.beta1.asnumpy()) == pytest.approx(beta1)
    assert float(optimizer.beta1_power.asnumpy()) == pytest.approx(beta1 ** STEPS, rel=1e-5), "torch's 1 - b1_t**t"


def test_beta2_and_beta1_schedules_drive_adam_exactly_step_by_step():
    beta1 = ms_lr.LinearLR(0.9, 1.0, 0.5 / 0.9, 10)
    beta2 = ms_lr.CosineAnnealingLR(0.999, 20, 0.95)
    x, y = _problem()
    net = _Linear()
    optimizer = ms_lr.share_schedules(nn.Adam(net.trainable_params(), 0.01), beta1=beta1, beta2=beta2)
    train = nn.TrainOneStepCell(nn.WithLossCell(net, nn.MSELoss()), optimizer)
    for k in range(25):
        train(Tensor(x), Tensor(y))
        assert float(optimizer.beta1.asnumpy()) == float(ms_lr.evaluate(beta1, [k])[0])
        assert float(optimizer.beta2.asnumpy()) == float(ms_lr.evaluate(beta2, [k])[0])
        assert float(optimizer.beta2_power.asnumpy()) == pytest.approx(float(ms_lr.evaluate(beta2, [k])[0]) ** (k + 1),
                                                                       rel=1e-5)
    assert set(ms_lr.training.sharing.scheduled_hyperparameters(optimizer)) == {"beta1", "beta2"}


def test_mindspores_product_bias_correction_on_request():
    beta1 = ms_lr.LinearLR(0.9, 1.0, 0.5 / 0.9, 10)
    x, y = _problem()
    net = _Linear()
    optimizer = ms_lr.share_schedules(nn.Adam(net.trainable_params(), 0.01), beta1=beta1, bias_correction="product")
    train = nn.TrainOneStepCell(nn.WithLossCell(net, nn.MSELoss()), optimizer)
    for _ in range(4):
        train(Tensor(x), Tensor(y))
    product = np.prod(ms_lr.evaluate(beta1, range(4)).astype(np.float64))
    assert float(optimizer.beta1_power.asnumpy()) == pytest.approx(product, rel=1e-6)


def test_resume_gives_the_momentum_of_an_uninterrupted_run():
    full, _ = nn_trajectory(lambda p: ms_lr.share_schedules(nn.Momentum(
        p, learning_rate=ms_lr.OneCycleLR(LR, STEPS), momentum=0.9)), steps=40)
    x, y = _problem()
    net = _Linear()
    first = ms_lr.share_schedules(nn.Momentum(net.trainable_params(), ms_lr.OneCycleLR(LR, STEPS), momentum=0.9))
    train = nn.TrainOneStepCell(nn.WithLossCell(net, nn.MSELoss()), first)
    for _ in range(20):
        train(Tensor(x), Tensor(y))
    saved = {p.name: p.asnumpy().copy() for p in train.get_parameters()}
    net2 = _Linear()
    second = ms_lr.share_schedules(nn.Momentum(net2.trainable_params(), ms_lr.OneCycleLR(LR, STEPS), momentum=0.9))
    train2 = nn.TrainOneStepCell(nn.WithLossCell(net2, nn.MSELoss()), second)
    ms.load_param_into_net(train2, {name: ms.Parameter(Tensor(value), name=name) for name, value in saved.items()})
    rest = []
    for _ in range(20):
        train2(Tensor(x), Tensor(y))
        rest.append(net2.weight.asnumpy().ravel().copy())
    np.testing.assert_array_equal(np.array(rest), full[20:])


def test_an_optimizer_without_momentum_gets_torchs_error_with_the_fix():
    params = nn.Dense(2, 1).trainable_params()
    with pytest.raises(ValueError, match="neither momentum nor beta1.*cycle_momentum=False"):
        ms_lr.share_schedules(nn.RMSProp(params, ms_lr.OneCycleLR(0.1, 100)))
    with pytest.raises(ValueError, match="Momentum has no beta2"):
        ms_lr.share_schedules(nn.Momentum(params, 0.1, 0.9), beta2=ms_lr.StepLR(0.99, 10))
    with pytest.raises(ValueError, match="cycles it too"):
        ms_lr.share_schedules(nn.Momentum(params, ms_lr.OneCycleLR(0.1, 100), 0.9), momentum=ms_lr.StepLR(0.9, 5))


# --- torch-style optimizers through LRScheduler -------------------------------------------------------------------

def torch_style_trajectory(make_optimizer, make_schedule, where, steps=STEPS, **hyper):
    x, y = _problem()
    net = _Linear()
    optimizer = make_optimizer(net.trainable_params())
    scheduler = ms_lr.LRScheduler(optimizer, make_schedule(), **hyper)
    loss_fn = nn.MSELoss()

    def forward(xs, ys):
        return loss_fn(net(xs), ys)

    grad = ms.value_and_grad(forward, None, optimizer.parameters)

    @ms.jit
    def train(xs, ys):
        loss, grads = grad(xs, ys)
        optimizer(grads)
        if where == "jit":
            scheduler.step()
        return loss

    out = []
    for _ in range(steps):
        train(Tensor(x), Tensor(y))
        if where == "host":
            scheduler.step()
        out.append(net.weight.asnumpy().ravel().copy())
    return np.array(out), optimizer


@pytest.mark.parametrize("where", ["host", "jit"])
def test_one_cycle_over_experimental_sgd_trains_as_torch(where):
    ms.set_context(mode=ms.PYNATIVE_MODE)
    theirs = torch_trajectory(lambda p: torch.optim.SGD(p, lr=LR, momentum=0.9),
                              lambda o: torch.optim.lr_scheduler.OneCycleLR(o, LR, total_steps=STEPS))
    ours, optimizer = torch_style_trajectory(lambda p: experimental.optim.SGD(p, lr=LR, momentum=0.9),
                                             lambda: ms_lr.OneCycleLR(LR, STEPS), where)
    assert_same_trajectory(ours, theirs, 1e-5)       # measured 6.2e-7, host and jit


def test_lr_scheduler_refuses_betas_of_torch_style_adam_with_the_way_out():
    # MindSpore 2.10's experimental/mint AdamW take betas as floats only: a Parameter there runs and leaves the
    # weights unchanged (measured), so scheduling one would silently stop the training.
    ms.set_context(mode=ms.PYNATIVE_MODE)
    optimizer = experimental.optim.AdamW(_Linear().trainable_params(), lr=0.01)
    with pytest.raises(ValueError, match=r"beta2 is scheduled, but .*AdamW takes its betas as Python floats.*"
                                         r"share_schedules"):
        ms_lr.LRScheduler(optimizer, ms_lr.StepLR(0.01, 5), beta2=ms_lr.CosineAnnealingLR(0.999, 20, 0.95))
    with pytest.raises(ValueError, match=r"OneCycleLR cycles beta1 \(cycle_momentum=True, as in torch\).*"
                                         r"cycle_momentum=False"):
        ms_lr.LRScheduler(optimizer, ms_lr.OneCycleLR(0.01, 50))
    scheduler = ms_lr.LRScheduler(optimizer, ms_lr.OneCycleLR(0.01, 50, cycle_momentum=False))
    assert isinstance(optimizer.param_groups[0]["betas"][0], float) and scheduler.get_last_lr()


def test_lr_scheduler_drives_a_momentum_schedule_step_by_step():
    ms.set_context(mode=ms.PYNATIVE_MODE)
    optimizer = experimental.optim.SGD(_Linear().trainable_params(), lr=0.01, momentum=0.9)
    momentum = ms_lr.CosineAnnealingLR(0.95, 20, 0.85)
    scheduler = ms_lr.LRScheduler(optimizer, ms_lr.StepLR(0.01, 5), momentum=momentum)
    for k in range(1, 6):
        scheduler.step()
        assert float(optimizer.param_groups[0]["momentum"].asnumpy()) == float(ms_lr.evaluate(momentum, [k])[0])
    with pytest.raises(ValueError, match="has no 'momentum'"):
        ms_lr.LRScheduler(experimental.optim.AdamW(_Linear().trainable_params(), lr=0.01), ms_lr.StepLR(0.01, 5),
                          momentum=momentum)


def test_lr_monitor_logs_the_scheduled_momentum_beside_the_lr(tmp_path):
    x, y = _problem()
    net = _Linear()
    schedule = ms_lr.OneCycleLR(LR, 50)
    optimizer = ms_lr.share_schedules(nn.Momentum(net.trainable_params(), schedule, momentum=0.9))
    train = nn.TrainOneStepCell(nn.WithLossCell(net, nn.MSELoss()), optimizer)
    monitor = ms_lr.LRMonitor(optimizer=optimizer)
    for _ in range(12):
        train(Tensor(x), Tensor(y))
        monitor.record()
    np.testing.assert_array_equal(monitor.hyperparameters["momentum"],
                                  ms_lr.evaluate(schedule.momentum_curve(), range(12)).astype(np.float64))
    monitor.to_csv(str(tmp_path / "lr.csv"))
    header = (tmp_path / "lr.csv").read_text().splitlines()[0]
    assert header == "step,lr_group0,momentum"


def test_a_weight_decay_schedule_drives_experimental_adamw_as_torch_step_by_step():
    ms.set_context(mode=ms.PYNATIVE_MODE)
    decay = ms_lr.StepLR(0.5, 10, 0.2)          # 0.5, then 0.1, then 0.02 ... every 10 steps
    steps = 40
    # torch: AdamW with the group's weight_decay set to the schedule's value before every update
    x, y = _problem()
    weight = torch.nn.Parameter(torch.ones(4, 1))
    optimizer = torch.optim.AdamW([weight], lr=0.01, weight_decay=0.5)
    theirs = []
    for k in range(steps):
        optimizer.param_groups[0]["weight_decay"] = float(ms_lr.evaluate(decay, [k])[0])
        optimizer.zero_grad()
        ((torch.tensor(x) @ weight - torch.tensor(y)) ** 2).mean().backward()
        optimizer.step()
        theirs.append(weight.detach().numpy().ravel().copy())
    net = _Linear()
    net.weight.set_data(Tensor(np.ones((4, 1), np.float32)))
    adamw = experimental.optim.AdamW(net.trainable_params(), lr=0.01, weight_decay=0.5)
    scheduler = ms_lr.LRScheduler(adamw, ms_lr.ConstantLR(0.01, 1.0, 1), weight_decay=decay)
    loss_fn = nn.MSELoss()
    grad = ms.value_and_grad(lambda a, b: loss_fn(net(a), b), None, adamw.parameters)
    ours = []
    for k in range(steps):
        assert float(adamw.param_groups[0]["weight_decay"].asnumpy()) == float(ms_lr.evaluate(decay, [k])[0])
        _, grads = grad(Tensor(x), Tensor(y))
        adamw(grads)
        scheduler.step()
        ours.append(net.weight.asnumpy().ravel().copy())
    assert_same_trajectory(np.array(ours), np.array(theirs), 1e-5)
    with pytest.raises(ValueError, match="builds its weight decay into its update as a constant"):
        ms_lr.LRScheduler(experimental.optim.SGD(_Linear().trainable_params(), lr=0.1), ms_lr.StepLR(0.1, 5),
                          weight_decay=decay)

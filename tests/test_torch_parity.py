"""The references and the cells against the real torch schedulers and the seeds' warmups, whole sequences."""
import math

import numpy as np
import pytest
from mindspore import ops
from torch.optim import lr_scheduler as torch_sched
from torch.optim import swa_utils

import ms_lr
from ms_lr.tools.torch_oracle import torch_lrs
from tests.support.accuracy import assert_close

N = 3000


def check(schedule, expected, context):
    steps = np.arange(len(expected))
    assert_close(schedule.reference(steps), expected, context=f"{context} reference")
    assert_close(ms_lr.evaluate(schedule, steps), expected, context=f"{context} cell")


@pytest.mark.parametrize("base_lr, T_max, eta_min", [(0.1, 100, 0.0), (0.05, 37, 0.001), (1.0, 1, 0.0),
                                                     (0.001, 250, 0.01), (0.1, 1500, 1e-6)])
def test_cosine_annealing_matches_torch_including_past_t_max(base_lr, T_max, eta_min):
    expected = torch_lrs(lambda opt: torch_sched.CosineAnnealingLR(opt, T_max=T_max, eta_min=eta_min), N,
                         lrs=(base_lr,))
    check(ms_lr.CosineAnnealingLR(base_lr, T_max, eta_min), expected, "CosineAnnealingLR")


@pytest.mark.parametrize("T_0, T_mult, eta_min", [(10, 1, 0.0), (10, 2, 0.0), (7, 3, 0.001), (1, 2, 0.0),
                                                  (50, 1, 1e-4)])
def test_warm_restarts_match_torch(T_0, T_mult, eta_min):
    expected = torch_lrs(lambda opt: torch_sched.CosineAnnealingWarmRestarts(opt, T_0=T_0, T_mult=T_mult,
                                                                              eta_min=eta_min), N)
    check(ms_lr.CosineAnnealingWarmRestarts(0.1, T_0, T_mult, eta_min), expected, "CosineAnnealingWarmRestarts")


@pytest.mark.parametrize("factor, total_iters", [(1 / 3, 5), (0.5, 100), (0.1, 1)])
def test_constant_lr_is_a_constant_warmup(factor, total_iters):
    expected = torch_lrs(lambda opt: torch_sched.ConstantLR(opt, factor=factor, total_iters=total_iters), 500)
    check(ms_lr.ConstantWarmup(0.1, total_iters, 0.1 * factor), expected, "ConstantLR")


def test_yolov3_warmup_factor_lambda_is_a_linear_warmup():
    # Seed 002: LambdaLR with f(x) = 1 past warmup_iters, else warmup_factor * (1 - x / W) + x / W.
    warmup_iters, warmup_factor, lr0 = 1000, 1.0 / 1000, 0.01

    def f(x):
        if x >= warmup_iters:
            return 1
        alpha = float(x) / warmup_iters
        return warmup_factor * (1 - alpha) + alpha

    expected = torch_lrs(lambda opt: torch_sched.LambdaLR(opt, f), N, lrs=(lr0,))
    check(ms_lr.LinearWarmup(lr0, warmup_iters, start_lr=lr0 * warmup_factor), expected, "yolov3 warmup")


def test_yolov3_cosine_lambda_is_cosine_annealing_with_floor():
    # Seed 002: lf(x) = ((1 + cos(x * pi / epochs)) / 2) * (1 - lrf) + lrf, on lr0.
    epochs, lrf, lr0 = 30, 0.01, 0.01
    expected = torch_lrs(lambda opt: torch_sched.LambdaLR(
        opt, lambda x: ((1 + math.cos(x * math.pi / epochs)) / 2) * (1 - lrf) + lrf), 100, lrs=(lr0,))
    check(ms_lr.CosineAnnealingLR(lr0, epochs, eta_min=lr0 * lrf), expected, "yolov3 cosine")


def test_step_over_warmup_lambda_is_a_linear_warmup():
    # Seed 004: current_step / max(1, warmup_steps) below warmup_steps, then 1.
    warmup = 25
    expected = torch_lrs(lambda opt: torch_sched.LambdaLR(
        opt, lambda k: float(k) / float(max(1, warmup)) if k < warmup else 1.0), 200)
    check(ms_lr.LinearWarmup(0.1, warmup), expected, "linear warmup lambda")


def test_per_group_warmup_cosine_lambdas_of_seed_004():
    # Seed 004: group 0 (lr 0.1) warms up for 10 steps then follows a cosine from 0.1 to 1e-5 over 40 steps;
    # group 1 (lr 0.2) is constant.
    warm, T_max, lr_max, lr_min = 10, 50, 0.1, 1e-5

    def lambda0(k):
        if k < warm:
            return k / warm
        return (lr_min + 0.5 * (lr_max - lr_min) * (1.0 + math.cos((k - warm) / (T_max - warm) * math.pi))) / 0.1

    expected = torch_lrs(lambda opt: torch_sched.LambdaLR(opt, [lambda0, lambda k: 1]), 300, lrs=(0.1, 0.2))
    group0 = ms_lr.LinearWarmup(ms_lr.CosineAnnealingLR(lr_max, T_max - warm, eta_min=lr_min), warm)
    check(group0, expected[:, 0], "seed 004 group 0")
    check(ms_lr.LinearWarmup(0.2, 1, start_lr=0.2), expected[:, 1], "seed 004 group 1")


class Seed000Stepper:
    """Seed 000's scheduler, simulated step by step from its stepping rule (no closed forms).

    Construction takes one internal step (position 0) and then sets the lr to min_lr; each step() advances the
    position, rolls over into the next cycle with length int((T - warmup) * mult) + warmup, and sets the lr from the
    warmup ramp or the cosine toward min_lr, the peak decaying by gamma per cycle.
    """

    def __init__(self, first_cycle_steps, cycle_mult, max_lr, min_lr, warmup_steps, gamma):
        self.length, self.mult, self.warmup = first_cycle_steps, cycle_mult, warmup_steps
        self.max_lr, self.min_lr, self.gamma = max_lr, min_lr, gamma
        self.position, self.cycle = -1, 0
        self.step()
        self.lr = min_lr

    def step(self):
        self.position += 1
        if self.position >= self.length:
            self.cycle += 1
            self.position -= self.length
            self.length = int((self.length - self.warmup) * self.mult) + self.warmup
        peak = self.max_lr * self.gamma ** self.cycle
        if self.position < self.warmup:
            self.lr = (peak - self.min_lr) * self.position / self.warmup + self.min_lr
        else:
            phase = math.pi * (self.position - self.warmup) / (self.length - self.warmup)
            self.lr = self.min_lr + (peak - self.min_lr) * (1 + math.cos(phase)) / 2


@pytest.mark.parametrize("args", [
    (10, 1.0, 0.01, 0.001, 2, 0.9),          # the seed's own example
    (10, 1.0, 0.1, 0.001, 0, 1.0),
    (20, 1.5, 0.1, 0.0, 5, 0.8),
    (16, 1.01, 0.05, 0.001, 3, 0.95),         # truncation freezes the length
    (100, 1.01, 0.05, 0.0, 10, 1.0),          # grows by one step per cycle
    (7, 2.0, 0.3, 0.01, 1, 0.5),
    (200, 1.0, 0.1, 0.001, 50, 0.5),          # the package's README example: one length, a peak under min_lr
    (20, 1.0, 0.1, 0.001, 0, 0.7),            # one length, no warmup: min_lr at step 0 only
])
def test_seed000_matches_step_by_step_simulation(args):
    simulation = Seed000Stepper(*args)
    expected = []
    for _ in range(N):
        expected.append(simulation.lr)
        simulation.step()
    check(ms_lr.CosineAnnealingWarmupRestarts(*args), np.array(expected), f"seed000 {args}")


# --- the complete family -----------------------------------------------------------------------------------------

FAMILY = {
    "StepLR(50, 0.99) seed 001": (lambda o: torch_sched.StepLR(o, 50, 0.99), lambda: ms_lr.StepLR(0.1, 50, 0.99), 1000),
    "StepLR(30, 0.1) seed 003": (lambda o: torch_sched.StepLR(o, 30, 0.1), lambda: ms_lr.StepLR(0.1, 30, 0.1), 300),
    "MultiStepLR([20, 35, 45], 0.5)": (lambda o: torch_sched.MultiStepLR(o, [20, 35, 45], 0.5),
                                       lambda: ms_lr.MultiStepLR(0.1, [20, 35, 45], 0.5), 100),
    "MultiStepLR repeated milestone": (lambda o: torch_sched.MultiStepLR(o, [10, 20, 20, 30], 0.3),
                                       lambda: ms_lr.MultiStepLR(0.1, [10, 20, 20, 30], 0.3), 100),
    "ExponentialLR(0.9)": (lambda o: torch_sched.ExponentialLR(o, 0.9), lambda: ms_lr.ExponentialLR(0.1, 0.9), 200),
    "ExponentialLR(0.999)": (lambda o: torch_sched.ExponentialLR(o, 0.999),
                             lambda: ms_lr.ExponentialLR(0.1, 0.999), N),
    "ConstantLR default": (lambda o: torch_sched.ConstantLR(o), lambda: ms_lr.ConstantLR(0.1), 50),
    "LinearLR default": (lambda o: torch_sched.LinearLR(o), lambda: ms_lr.LinearLR(0.1), 50),
    "LinearLR to 0": (lambda o: torch_sched.LinearLR(o, 1.0, 0.0, 100), lambda: ms_lr.LinearLR(0.1, 1.0, 0.0, 100),
                      99),
    "PolynomialLR(50, 2)": (lambda o: torch_sched.PolynomialLR(o, 50, 2.0),
                            lambda: ms_lr.PolynomialLR(0.1, 50, 2.0), 200),
    "PolynomialLR(100, 0.5)": (lambda o: torch_sched.PolynomialLR(o, 100, 0.5),
                               lambda: ms_lr.PolynomialLR(0.1, 100, 0.5), 100),
    "CyclicLR(0.01, 0.1, 25, 10) seed 003": (
        lambda o: torch_sched.CyclicLR(o, 0.01, 0.1, step_size_up=25, step_size_down=10, cycle_momentum=False),
        lambda: ms_lr.CyclicLR(0.01, 0.1, step_size_up=25, step_size_down=10), 500),
    "CyclicLR triangular2": (
        lambda o: torch_sched.CyclicLR(o, 0.001, 0.1, step_size_up=7, mode="triangular2", cycle_momentum=False),
        lambda: ms_lr.CyclicLR(0.001, 0.1, step_size_up=7, mode="triangular2"), 500),
    "CyclicLR exp_range": (
        lambda o: torch_sched.CyclicLR(o, 0.001, 0.1, step_size_up=20, step_size_down=13, mode="exp_range",
                                       gamma=0.995, cycle_momentum=False),
        lambda: ms_lr.CyclicLR(0.001, 0.1, step_size_up=20, step_size_down=13, mode="exp_range", gamma=0.995), N),
    "OneCycleLR(0.1, 100) seed 003": (lambda o: torch_sched.OneCycleLR(o, 0.1, total_steps=100, cycle_momentum=False),
                                      lambda: ms_lr.OneCycleLR(0.1, 100), 100),
    "OneCycleLR linear pct 0.25": (
        lambda o: torch_sched.OneCycleLR(o, 1.0, total_steps=1000, pct_start=0.25, anneal_strategy="linear",
                                         cycle_momentum=False),
        lambda: ms_lr.OneCycleLR(1.0, 1000, pct_start=0.25, anneal_strategy="linear"), 1000),
    "OneCycleLR three-phase": (
        lambda o: torch_sched.OneCycleLR(o, 0.5, total_steps=777, pct_start=0.37, three_phase=True, div_factor=10,
                                         final_div_factor=100, cycle_momentum=False),
        lambda: ms_lr.OneCycleLR(0.5, 777, pct_start=0.37, three_phase=True, div_factor=10, final_div_factor=100),
        777),
    "SequentialLR warmup then exponential": (
        lambda o: torch_sched.SequentialLR(o, [torch_sched.LinearLR(o, 0.1, 1.0, 10),
                                               torch_sched.ExponentialLR(o, 0.95)], milestones=[10]),
        lambda: ms_lr.SequentialLR([ms_lr.LinearLR(0.1, 0.1, 1.0, 10), ms_lr.ExponentialLR(0.1, 0.95)], [10]), 300),
    "SequentialLR three schedules": (
        lambda o: torch_sched.SequentialLR(o, [torch_sched.ConstantLR(o, 0.5, 5),
                                               torch_sched.CosineAnnealingLR(o, T_max=40),
                                               torch_sched.StepLR(o, 10, 0.5)], milestones=[5, 45]),
        lambda: ms_lr.SequentialLR([ms_lr.ConstantLR(0.1, 0.5, 5), ms_lr.CosineAnnealingLR(0.1, 40),
                                    ms_lr.StepLR(0.1, 10, 0.5)], [5, 45]), 200),
    "ChainedScheduler constant x exponential": (
        lambda o: torch_sched.ChainedScheduler([torch_sched.ConstantLR(o, 0.1, 2), torch_sched.ExponentialLR(o, 0.9)]),
        lambda: ms_lr.ExponentialLR(0.1, 0.9) * ms_lr.ConstantLR(1.0, 0.1, 2), 100),
    "SWALR cos": (lambda o: swa_utils.SWALR(o, swa_lr=0.05, anneal_epochs=10),
                  lambda: ms_lr.SWALR(0.1, 0.05, 10), 50),
    "SWALR linear up": (lambda o: swa_utils.SWALR(o, swa_lr=0.3, anneal_epochs=7, anneal_strategy="linear"),
                        lambda: ms_lr.SWALR(0.1, 0.3, 7, "linear"), 50),
    "SWALR no anneal": (lambda o: swa_utils.SWALR(o, swa_lr=0.02, anneal_epochs=0),
                        lambda: ms_lr.SWALR(0.1, 0.02, 0), 20),
}


@pytest.mark.parametrize("name", sorted(FAMILY))
def test_family_matches_torch(name):
    make_torch, make_ours, steps = FAMILY[name]
    check(make_ours(), torch_lrs(make_torch, steps), name)


def lambda_foo(epoch):
    """Seed 003's LambdaLR example, with Python if/elif."""
    if epoch < 10:
        return (epoch + 1) * 1e-3
    elif epoch < 40:
        return 1e-2
    else:
        return 1e-3


def test_seed003_lambda_foo_on_the_host_and_compiled():
    expected = torch_lrs(lambda opt: torch_sched.LambdaLR(opt, lambda_foo), 100)
    check(ms_lr.HostLambdaLR(0.1, lambda_foo, total_steps=100), expected, "HostLambdaLR lambda_foo")
    compiled_foo = lambda k: ops.where(k < 10, (k + 1) * 1e-3, ops.where(k < 40, 1e-2, 1e-3))  # noqa: E731
    check(ms_lr.LambdaLR(0.1, compiled_foo), expected, "LambdaLR lambda_foo")


def test_seed003_multiplicative_lr_with_per_group_lambdas():
    lambda_base = lambda epoch: 0.5 if epoch % 10 == 0 else 1  # noqa: E731
    lambda_fc = lambda epoch: 0.8 if epoch % 10 == 0 else 1  # noqa: E731
    expected = torch_lrs(lambda opt: torch_sched.MultiplicativeLR(opt, [lambda_base, lambda_fc]), 100,
                         lrs=(0.1, 0.05))
    check(ms_lr.MultiplicativeLR(0.1, lambda_base, total_steps=100), expected[:, 0], "MultiplicativeLR base")
    check(ms_lr.MultiplicativeLR(0.05, lambda_fc, total_steps=100), expected[:, 1], "MultiplicativeLR fc")


def test_torch_scheduler_stepped_per_epoch_is_per_epoch():
    steps_per_epoch, epochs = 7, 30
    per_epoch = torch_lrs(lambda opt: torch_sched.CosineAnnealingLR(opt, T_max=epochs), epochs)
    expected = np.repeat(per_epoch, steps_per_epoch)
    check(ms_lr.PerEpoch(ms_lr.CosineAnnealingLR(0.1, epochs), steps_per_epoch), expected, "PerEpoch cosine")

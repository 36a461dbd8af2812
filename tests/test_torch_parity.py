"""The references and the cells against the real torch schedulers and the seeds' warmups, whole sequences."""
import math

import numpy as np
import pytest
from torch.optim import lr_scheduler as torch_sched

import ms_lr
from accuracy import assert_close
from torch_run import torch_lrs

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
])
def test_seed000_matches_step_by_step_simulation(args):
    simulation = Seed000Stepper(*args)
    expected = []
    for _ in range(N):
        expected.append(simulation.lr)
        simulation.step()
    check(ms_lr.CosineAnnealingWarmupRestarts(*args), np.array(expected), f"seed000 {args}")

"""ms_lr performance and precision figures (make bench). Timings are ratios taken in one interleaved run.

1. Train-step time of Dense 16->1, batch 32, SGD, GRAPH_MODE, with each schedule / a constant lr
   (anchor: MindSpore's nn.CosineDecayLR). Target <= 1.05x.
2. The same with one scheduled group of 25 parameters (the optimizer evaluates the schedule once per parameter)
   / the same group with a constant lr. Target <= 1.10x.
3. Compile time of the train step (min of 3 fresh compiles) / with a constant lr. Target <= 1.3x.
4. Vector evaluation: 1,000,000 steps through a cell in one call (compiled) <= 0.1 s; the reference, 10,000,000
   steps <= 1 s.
5. Precision: max relative error vs the float64 reference (where lr >= 1e-6 x peak) over steps 0..100000 and
   +-3 steps around every boundary up to 2**31 - 1.

    python scripts/bench.py [--rounds 25] [--steps 150] [--markdown bench.md]
"""
import argparse
import os
import platform
import sys
import time

import mindspore as ms
import numpy as np
from mindspore import Tensor, nn, ops

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import ms_lr  # noqa: E402
from ms_lr.tools.device import use_selected_device  # noqa: E402

LAST = 2**31 - 1


def factor(k):
    return ops.where(k < 100, 0.5, 1.0)


def schedules():
    """One representative configuration of every schedule class, as factories (a fresh cell per call)."""
    cosine = lambda: ms_lr.CosineAnnealingLR(0.1, 10_000, 1e-5)  # noqa: E731
    return {
        "CosineAnnealingLR": cosine,
        "CosineAnnealingWarmRestarts (T_mult=1)": lambda: ms_lr.CosineAnnealingWarmRestarts(0.1, 1000),
        "CosineAnnealingWarmRestarts (T_mult=2)": lambda: ms_lr.CosineAnnealingWarmRestarts(0.1, 1000, 2),
        "CosineAnnealingWarmupRestarts": lambda: ms_lr.CosineAnnealingWarmupRestarts(1000, 1.5, 0.1, 1e-4, 100, 0.9),
        "LinearWarmup(cosine)": lambda: ms_lr.LinearWarmup(cosine(), 500),
        "ConstantWarmup(const)": lambda: ms_lr.ConstantWarmup(0.1, 500, 0.01),
        "StepLR": lambda: ms_lr.StepLR(0.1, 1000, 0.5),
        "MultiStepLR": lambda: ms_lr.MultiStepLR(0.1, [3000, 6000, 9000], 0.1),
        "ExponentialLR": lambda: ms_lr.ExponentialLR(0.1, 0.9999),
        "ConstantLR": lambda: ms_lr.ConstantLR(0.1),
        "LinearLR": lambda: ms_lr.LinearLR(0.1, 1.0, 0.0, 10_000),
        "PolynomialLR": lambda: ms_lr.PolynomialLR(0.1, 10_000, 2.0),
        "WarmupStableDecayLR (1-sqrt)": lambda: ms_lr.WarmupStableDecayLR(0.1, 500, 5000, 4500, decay="1-sqrt"),
        "InverseSqrtLR": lambda: ms_lr.InverseSqrtLR(0.1, 4000),
        "CyclicLR (exp_range)": lambda: ms_lr.CyclicLR(0.001, 0.1, 2000, 1000, "exp_range", 0.9999),
        "OneCycleLR": lambda: ms_lr.OneCycleLR(0.1, 10_000),
        "SWALR": lambda: ms_lr.SWALR(0.1, 0.01, 1000),
        "SequentialLR(linear, cosine)": lambda: ms_lr.SequentialLR([ms_lr.LinearLR(0.1, 0.1, 1.0, 500), cosine()],
                                                                   [500]),
        "Product(exp, constant)": lambda: ms_lr.ExponentialLR(0.1, 0.9999) * ms_lr.ConstantLR(1.0, 0.1, 100),
        "PerEpoch(cosine)": lambda: ms_lr.PerEpoch(ms_lr.CosineAnnealingLR(0.1, 90), 100),
        "ReducibleLR(cosine)": lambda: ms_lr.ReducibleLR(cosine()),
        "LambdaLR": lambda: ms_lr.LambdaLR(0.1, factor),
        "TabulatedLR (10k)": lambda: ms_lr.TabulatedLR(np.linspace(0.1, 0.0, 10_000).tolist()),
    }


def train_step(lr, grouped):
    """A compiled train step and its inputs: Dense 16->1 (or a 25-parameter stack, grouped), batch 32, SGD."""
    if grouped:
        # 12 x Dense(16, 16) with bias + Dense(16, 1) without: 25 parameters in one scheduled group.
        net = nn.SequentialCell([nn.Dense(16, 16) for _ in range(12)] + [nn.Dense(16, 1, has_bias=False)])
        opt = nn.SGD([{"params": net.trainable_params(), "lr": lr}], learning_rate=0.1)
    else:
        net = nn.Dense(16, 1)
        opt = nn.SGD(net.trainable_params(), learning_rate=lr)
    step = nn.TrainOneStepCell(nn.WithLossCell(net, nn.MSELoss()), opt)
    rng = np.random.default_rng(0)
    x = Tensor(rng.normal(size=(32, 16)).astype(np.float32))
    y = Tensor(rng.normal(size=(32, 1)).astype(np.float32))
    return step, (x, y)


def time_steps(builders, rounds, steps, compiles=3):
    """Compile time (min of ``compiles`` fresh builds) and best-of-rounds seconds per step of each variant.

    Best-of-rounds, as timeit advises: noise only ever adds time. The variants are interleaved round by round so
    slow spells of the shared machine hit them all alike.
    """
    compile_s, variants = {}, {}
    for name, build in builders.items():
        times = []
        for _ in range(compiles):
            step, inputs = build()          # a new cell is compiled anew
            start = time.perf_counter()
            step(*inputs).asnumpy()
            times.append(time.perf_counter() - start)
        compile_s[name], variants[name] = min(times), (step, inputs)
    samples = {name: [] for name in variants}
    for _ in range(rounds):
        for name, (step, inputs) in variants.items():
            start = time.perf_counter()
            for _ in range(steps):
                loss = step(*inputs)
            loss.asnumpy()
            samples[name].append((time.perf_counter() - start) / steps)
    return {name: float(np.min(v)) for name, v in samples.items()}, compile_s


def step_overhead(rounds, steps, grouped):
    builders = {"constant lr": lambda: train_step(0.1, grouped)}
    if not grouped:
        builders["nn.CosineDecayLR (anchor)"] = lambda: train_step(nn.CosineDecayLR(1e-5, 0.1, 10_000), grouped)
    for name, make in schedules().items():
        builders[name] = lambda make=make: train_step(make(), grouped)
    per_step, compile_s = time_steps(builders, rounds, steps)
    base, base_compile = per_step["constant lr"], compile_s["constant lr"]
    return {name: (per_step[name] * 1e6, per_step[name] / base, compile_s[name] / base_compile, compile_s[name])
            for name in builders}, base * 1e6


def vector_speed():
    cosine = ms_lr.CosineAnnealingWarmupRestarts(1000, 1.5, 0.1, 1e-4, 100, 0.9)
    steps = np.arange(1_000_000)
    ms_lr.evaluate(cosine, steps)                   # compile for this shape
    best = min(_timed(lambda: ms_lr.evaluate(cosine, steps)) for _ in range(5))
    big = np.arange(10_000_000)
    best_ref = min(_timed(lambda: cosine.reference(big)) for _ in range(3))
    return best, best_ref


def _timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def precision():
    """Max relative error per schedule over 0..100000 and +-3 steps around its boundaries up to 2**31 - 1."""
    rows = {}
    for name, make in schedules().items():
        schedule = make()
        marks = schedule.boundaries(LAST) if not isinstance(schedule, ms_lr.CosineAnnealingLR) else \
            [schedule.get_config()["T_max"] * n for n in (1, 2, LAST // schedule.get_config()["T_max"])]
        marks = marks[:2000] + marks[-2000:]
        near = {m + d for m in marks + [LAST] for d in range(-3, 4) if 0 <= m + d <= LAST}
        steps = np.array(sorted(set(range(100_001)) | near | set(range(LAST - 1000, LAST + 1))))
        got = ms_lr.evaluate(schedule, steps).astype(np.float64)
        ref = schedule.reference(steps)
        peak = float(np.abs(ref).max())
        mask = np.abs(ref) >= 1e-6 * peak
        rows[name] = (float((np.abs(got - ref)[mask] / np.abs(ref)[mask]).max()), len(steps), len(marks))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=25)
    parser.add_argument("--steps", type=int, default=150, help="train steps per timing sample")
    parser.add_argument("--markdown", help="also write the tables to this file")
    args = parser.parse_args()
    ms.set_context(mode=ms.GRAPH_MODE)
    device = use_selected_device()

    lines = [f"ms_lr benchmark, {time.strftime('%Y-%m-%d')}, {platform.machine()} {platform.processor() or ''} "
             f"{os.cpu_count()} cores, {device}, MindSpore {ms.__version__}, "
             f"{args.rounds} rounds x {args.steps} steps", ""]
    single, single_us = step_overhead(args.rounds, args.steps, grouped=False)
    grouped, grouped_us = step_overhead(args.rounds, args.steps, grouped=True)
    lines += ["| schedule | train step (us) | added (us) | vs constant (target <= 1.05) | 25-param group vs "
              "constant (target <= 1.10) | compile (ms) | compile vs constant (target <= 1.3) |",
              "|---|---|---|---|---|---|---|"]
    for name, (us, ratio, compile_ratio, compile_s) in single.items():
        group = f"{grouped[name][1]:.3f}" if name in grouped else "-"
        lines.append(f"| {name} | {us:.1f} | {us - single_us:+.1f} | {ratio:.3f} | {group} | {1e3 * compile_s:.0f} | "
                     f"{compile_ratio:.2f} |")
    lines.append(f"\nconstant-lr step: {single_us:.1f} us single group, {grouped_us:.1f} us with the 25-parameter "
                 f"group\n")
    vector, reference = vector_speed()
    lines += [f"vector evaluation, 1,000,000 steps in one call: {vector:.3f} s (target <= 0.1 s)",
              f"reference, 10,000,000 steps: {reference:.3f} s (target <= 1 s)", ""]
    lines += ["| schedule | max relative error | steps checked | boundaries |", "|---|---|---|---|"]
    for name, (error, count, marks) in precision().items():
        lines.append(f"| {name} | {error:.2e} | {count:,} | {marks} |")
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        with open(args.markdown, "w") as handle:
            handle.write(text + "\n")


if __name__ == "__main__":
    main()

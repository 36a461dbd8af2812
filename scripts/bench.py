"""ms_lr performance and precision figures (make bench; MS_LR_DEVICE picks the device, CPU by default).

The machines are shared and noisy, so every timing is a difference (or a ratio) taken next to its base, and the
timing is repeated (--repeats runs) to give the spread. Every variant is built twice, in the order A B C ... C B A
(graphs compiled earlier in a process run faster here, up to ~100 us on a 2.8 ms step). A run times ``--cycles``
cycles; a cycle visits every copy once in a shuffled order, each visit next to a visit of the base (one untimed
step, then ``--steps`` timed ones, each waited for). A variant's added time in a run is the median over its cycles
of its step minus the base's step timed next to it: the noise here drifts over seconds, a pair of visits takes
milliseconds, so the pairing cancels it, where medians of separate rounds did not.

1. Cause: how often MindSpore's per-call ``compile_phase`` walk visits the schedule's cells (a count, not a time).
2. Parameter sweep: added us per step of CosineAnnealingWarmupRestarts over a constant lr, Dense stacks of 2, 13,
   49 and 201 parameters, the schedule as ``learning_rate`` (plain) or as one group's ``'lr'`` (grouped), with and
   without ``ms_lr.share_schedules``.
3. Every schedule: added us on Dense 16->1 (2 parameters), and on the 49-parameter stack grouped and shared;
   compile time vs a constant lr (5 fresh pairs, target <= 1.3), and the constant lr against itself.
3b. Where the time goes (CPU): every kernel on the step's timeline, read from MindSpore's profiler
   (``scripts/timeline.py``, a process per run) for a constant lr, MindSpore's anchor and the sweep's schedule on the
   grouped, shared step of 2 and 49 parameters: kernels launched per step, threads, the per-kernel cost, what the lr
   adds.
3c. A realistic step, counted (CPU): the conv net's step profiled once per distinct kernel sequence, in a process of
   its own per run; a schedule's kernels (those its step launches and the constant lr's does not), what they cost
   and their share of the step's span. A share of 1% is below what two timed steps of that net resolve.
4. A realistic step (a small conv net, a few ms per step): every distinct kernel sequence's added time, in percent
   of the step, beside MindSpore's nn.CosineDecayLR and a dynamic_lr per-step list (as MindCV builds), over as many
   cycles as fit in 6 minutes a run (a slow machine's net stepped in 59 ms: 100 cycles took an hour); and for the
   torch-style optimizers (PYNATIVE, a jit train step), MindSpore's experimental.optim.lr_scheduler and
   ms_lr.LRScheduler stepped on the host and in the jit step, each as a ratio to MindSpore's fastest of these, and
   that fastest one with a one-kernel graph called on the host after each step (MindSpore alone: what any graph
   launched between two train steps costs).
5. Vector evaluation speed; precision: max relative error vs the float64 reference over steps 0..100000 and +-3
   steps around every boundary up to 2**31 - 1.

    python scripts/bench.py [--repeats 3] [--cycles 400] [--quick] [--markdown bench.md]
                            [--page docs/guides/performance.md] [--sections SECTION ...]

``make bench`` writes its figures into the performance guide (docs/guides/performance.md) between the performance
markers (as ``make tables`` writes the schedule table): the guide's figures are this script's output, never pasted.
"""
import argparse
import functools
import itertools
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time

import mindspore as ms
import numpy as np
from mindspore import Tensor, nn, ops

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from graph_between_steps import counting_graph  # noqa: E402  (scripts/, MindSpore alone)

import ms_lr  # noqa: E402
from ms_lr.tools.device import use_selected_device  # noqa: E402
from ms_lr.tools.generated import rewrite_block  # noqa: E402
from ms_lr.tools.op_audit import graph_primitives  # noqa: E402

FIGURES_BEGIN = "<!-- performance figures: written by `make bench` (scripts/bench.py --page ...); do not edit -->"
FIGURES_END = "<!-- end of performance figures -->"

LAST = 2**31 - 1
SWEEP_SCHEDULE = "CosineAnnealingWarmupRestarts"
ANCHOR = "nn.CosineDecayLR (MindSpore)"


def factor(k):
    return ops.where(k < 100, 0.5, 1.0)


def formula(build):
    """The schedule ``build`` makes, with its formula in the graph even where it settles near (no lookup table)."""
    with ms_lr.settled_tables(0):
        return build()


def schedules():
    """One representative configuration of every schedule class, as factories (a fresh cell per call)."""
    cosine = lambda: ms_lr.CosineAnnealingLR(0.1, 10_000, 1e-5)  # noqa: E731
    return {
        "CosineAnnealingLR": cosine,
        "CosineAnnealingWarmRestarts (T_mult=1)": lambda: ms_lr.CosineAnnealingWarmRestarts(0.1, 1000),
        "CosineAnnealingWarmRestarts (T_mult=2)": lambda: ms_lr.CosineAnnealingWarmRestarts(0.1, 1000, 2),
        "CosineAnnealingWarmupRestarts": lambda: ms_lr.CosineAnnealingWarmupRestarts(1000, 1.5, 0.1, 1e-4, 100, 0.9),
        # Its last cycle reaches 2**31 - 1 27% into its cosine (the bench's above, 46%): the anchor moves, no shift.
        "CosineAnnealingWarmupRestarts (last anchor moved)": lambda: ms_lr.CosineAnnealingWarmupRestarts(
            12345, 1.5, 0.1, 1e-4, 1234, 0.9),
        "LinearWarmup(cosine)": lambda: ms_lr.LinearWarmup(cosine(), 500),
        "ConstantWarmup(const)": lambda: ms_lr.ConstantWarmup(0.1, 500, 0.01),
        "StepLR": lambda: ms_lr.StepLR(0.1, 1000, 0.5),
        "MultiStepLR": lambda: ms_lr.MultiStepLR(0.1, [3000, 6000, 9000], 0.1),
        "ExponentialLR": lambda: ms_lr.ExponentialLR(0.1, 0.9999),
        "ConstantLR": lambda: ms_lr.ConstantLR(0.1),
        "LinearLR": lambda: ms_lr.LinearLR(0.1, 1.0, 0.0, 10_000),
        "PolynomialLR": lambda: ms_lr.PolynomialLR(0.1, 10_000, 2.0),
        "WarmupStableDecayLR (1-sqrt)": lambda: ms_lr.WarmupStableDecayLR(0.1, 500, 5000, 4500, decay="1-sqrt"),
        "WarmupStableDecayLR (1-sqrt, 10M steps)": lambda: ms_lr.WarmupStableDecayLR(0.1, 2000, 8_998_000, 1_000_000,
                                                                                     decay="1-sqrt"),
        # The default linear decay, too long for the lookup even with the stable phase held once: a phase table.
        "WarmupStableDecayLR (linear, 10M steps, 3M decay)": lambda: ms_lr.WarmupStableDecayLR(0.1, 2000, 6_998_000,
                                                                                               3_000_000),
        "WarmupStableDecayLR (1-sqrt, formula)": lambda: formula(
            lambda: ms_lr.WarmupStableDecayLR(0.1, 500, 5000, 4500, decay="1-sqrt")),
        "InverseSqrtLR": lambda: ms_lr.InverseSqrtLR(0.1, 4000),
        "LinearWarmup(cosine, 5M steps)": lambda: ms_lr.LinearWarmup(ms_lr.CosineAnnealingLR(0.1, 5_000_000), 2000),
        "CosineWithWarmUpLR (5M steps)": lambda: ms_lr.CosineWithWarmUpLR(1e-4, 2000, 5_000_000),
        "LinearWithWarmUpLR (5M steps)": lambda: ms_lr.LinearWithWarmUpLR(1e-4, 5_000_000, 2000),
        "CyclicLR (exp_range)": lambda: ms_lr.CyclicLR(0.001, 0.1, 2000, 1000, "exp_range", 0.9999),
        # Settles at step 2,196,000, past the lookup's limit: a height per cycle and a shape per position.
        "CyclicLR (exp_range, gamma=0.99999)": lambda: ms_lr.CyclicLR(0.001, 0.1, 2000, 1000, "exp_range", 0.99999),
        "OneCycleLR": lambda: ms_lr.OneCycleLR(0.1, 10_000),
        "OneCycleLR (formula, settled_tables(0))": lambda: formula(lambda: ms_lr.OneCycleLR(0.1, 10_000)),
        "SWALR": lambda: ms_lr.SWALR(0.1, 0.01, 1000),
        "SequentialLR(linear, cosine)": lambda: ms_lr.SequentialLR([ms_lr.LinearLR(0.1, 0.1, 1.0, 500), cosine()],
                                                                   [500]),
        "SequentialLR(linear, cosine) (formula)": lambda: formula(
            lambda: ms_lr.SequentialLR([ms_lr.LinearLR(0.1, 0.1, 1.0, 500), cosine()], [500])),
        "CyclicLR (triangular)": lambda: ms_lr.CyclicLR(0.001, 0.1, 2000, 1000),
        "Product(exp, constant)": lambda: ms_lr.ExponentialLR(0.1, 0.9999) * ms_lr.ConstantLR(1.0, 0.1, 100),
        "PerEpoch(cosine)": lambda: ms_lr.PerEpoch(ms_lr.CosineAnnealingLR(0.1, 90), 100),
        "ReducibleLR(cosine)": lambda: ms_lr.ReducibleLR(cosine()),
        "LambdaLR": lambda: ms_lr.LambdaLR(0.1, factor),
        "TabulatedLR (10k)": lambda: ms_lr.TabulatedLR(np.linspace(0.1, 0.0, 10_000).tolist()),
        "FixedLR": lambda: ms_lr.FixedLR(0.1),
        "CosineCyclesLR (cycle_mul=2)": lambda: ms_lr.CosineCyclesLR(0.1, 1000, 1e-5, 2.0, 0.5, 5),
        "TanhCyclesLR": lambda: ms_lr.TanhCyclesLR(0.1, 1000, 1e-5, 1.0, 1.0, 3),
        "PolyCyclesLR": lambda: ms_lr.PolyCyclesLR(0.1, 1000, 1e-5, power=0.5),
        # Settles at step 3,000,000, past the lookup's limit: a height per cycle and the cosine's weight per position.
        "CosineCyclesLR (300 cycles, cycle_decay=0.99)": lambda: ms_lr.CosineCyclesLR(0.1, 10_000, 1e-5, 1.0, 0.99,
                                                                                      300),
        # DeepSeek-V3's schedule over 3.4M steps: a warmup, a plateau, a cosine cool-down and two floors, one table.
        "ConstantWithCoolDownLR (3.4M steps)": lambda: ms_lr.ConstantWithCoolDownLR(
            2.2e-4, warmup_steps=2000, keep_steps=3_000_000, decay_steps=300_000, lr_end1=2.2e-5, final_steps=100_000,
            lr_end2=7.3e-6),
        "CooldownLR(cosine)": lambda: ms_lr.CooldownLR(cosine(), 9000, 1000),
        "NoisyLR(cosine)": lambda: ms_lr.NoisyLR(cosine(), 1000, 9000),
        "OneCycleMomentum": lambda: ms_lr.OneCycleMomentum(10_000),
        # The momentum CyclicLR (exp_range) above cycles by default, torch's momenta: a falling wave that settles.
        "CyclicMomentum (exp_range)": lambda: ms_lr.CyclicMomentum(0.8, 0.9, 2000, 1000, "exp_range", 0.9999),
    }


def dense_stack(parameters):
    """Dense 16->1 (2 parameters) or (parameters - 1) / 2 Dense 16->16 layers and a bias-free Dense 16->1."""
    if parameters == 2:
        return nn.Dense(16, 1), (32, 16), (32, 1)
    layers = (parameters - 1) // 2
    return nn.SequentialCell([nn.Dense(16, 16) for _ in range(layers)] + [nn.Dense(16, 1, has_bias=False)]), \
        (32, 16), (32, 1)


def conv_net(width=16, side=16, batch=32):
    """Two 3x3 conv layers (``width`` and ``2 * width`` channels, each with a ReLU and a 2x2 max pool) and two Dense
    layers, 8 parameters, on a batch of ``batch`` images of 3 x ``side`` x ``side``. The default steps in about 8 ms on
    2 CPU cores, the realistic step the overhead targets name; the torch-style step uses the small one."""
    return nn.SequentialCell([
        nn.Conv2d(3, width, 3, has_bias=True), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(width, 2 * width, 3, has_bias=True), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Flatten(), nn.Dense(2 * width * (side // 4) ** 2, 32), nn.ReLU(), nn.Dense(32, 10)]), \
        (batch, 3, side, side), (batch, 10)


def small_conv_net():
    """The conv net at 8 and 16 channels, batch 16 of 3x8x8: 1.2 to 1.7 ms per step here (GRAPH_MODE), the torch-style
    step's net (a jit step's fixed costs show on it)."""
    return conv_net(8, 8, 16)


def nn_step(network, lr, grouped=False, shared=False):
    """A compiled SGD train step (TrainOneStepCell) and its inputs; ``lr`` a float, schedule or Tensor."""
    net, x_shape, y_shape = network()
    params = net.trainable_params()
    opt = nn.SGD([{"params": params, "lr": lr}], learning_rate=0.1) if grouped else nn.SGD(params, learning_rate=lr)
    if shared:
        ms_lr.share_schedules(opt)
    step = nn.TrainOneStepCell(nn.WithLossCell(net, nn.MSELoss()), opt)
    rng = np.random.default_rng(0)
    inputs = (Tensor(rng.normal(size=x_shape).astype(np.float32)), Tensor(rng.normal(size=y_shape).astype(np.float32)))
    return step, inputs


def torch_style_step(network, scheduler, where, momentum=0.0, relaunched=True, graph_between=False):
    """A jit train step of experimental.optim.SGD; the scheduler steps nowhere, on the host, or in the jit step.
    ``"ms_lr, cycled momentum"``: OneCycleLR, which cycles the optimizer's momentum (as torch's does by default).
    ``relaunched=False``: every host step of ms_lr's scheduler is a ``mindspore.jit`` call, as before its compiled
    graph was launched directly (ms_lr/training/relaunch.py). ``graph_between``: a ``mindspore.jit`` function whose
    graph is one ``AssignAdd`` on a counter of its own is called on the host after each step, MindSpore alone: what
    any graph launched between two train steps costs (scripts/graph_between_steps.py)."""
    from mindspore.experimental import optim
    net, x_shape, y_shape = network()
    opt = optim.SGD(net.trainable_params(), lr=0.1, momentum=momentum)
    sched = None
    if scheduler == "experimental":
        sched = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=10_000, eta_min=1e-5)
    elif scheduler == "ms_lr":
        sched = ms_lr.LRScheduler(opt, ms_lr.CosineAnnealingLR(0.1, 10_000, 1e-5))
    elif scheduler == "ms_lr, cycled momentum":
        sched = ms_lr.LRScheduler(opt, ms_lr.OneCycleLR(0.1, 10_000))
    if not relaunched:
        sched._compiled_step = ms.jit(sched._advance)
    loss_fn = nn.MSELoss()

    def forward(x, y):
        return loss_fn(net(x), y)

    grad_fn = ms.value_and_grad(forward, None, opt.parameters)

    def train(x, y):
        loss, grads = grad_fn(x, y)
        opt(grads)
        if where == "jit":
            sched.step()
        return loss

    compiled = ms.jit(train)
    between = counting_graph(f"bench_counter_{next(_COUNTERS)}")[0] if graph_between else None

    def step(x, y):
        loss = compiled(x, y)
        if where == "host":
            sched.step()
        if between is not None:
            between()
        return loss

    rng = np.random.default_rng(0)
    inputs = (Tensor(rng.normal(size=x_shape).astype(np.float32)), Tensor(rng.normal(size=y_shape).astype(np.float32)))
    return step, inputs


_COUNTERS = itertools.count()


def build(builders):
    """Every variant built twice, in the order A B ... B A, and warmed up: ``{name: (copy, copy)}``."""
    names = list(builders)
    built = {name: [] for name in names}
    for name in names + names[::-1]:
        step, inputs = builders[name]()
        for _ in range(3):
            step(*inputs).asnumpy()
        built[name].append((step, inputs))
    return built


def measure(built, base, cycles, steps, seed):
    """Per variant, one row per cycle: (its step, the base's step timed next to it), in seconds.

    A cycle visits every copy of every variant once, in a shuffled order, each visit next to a visit of a base copy
    (before or after it, at random; the base's two copies in turn). A visit runs one untimed step (the first step
    after another graph ran pays for the switch, up to ~1 ms for a jit step) and then ``steps`` timed ones, each
    waited for (``asnumpy``: a launch returns before its work is done, which would bill it to the next visit). A
    variant's time in a cycle is the mean of its two copies', and so is its base's."""
    rng = random.Random(seed)
    clock = time.perf_counter

    def visit(copy):
        step, inputs = copy
        step(*inputs).asnumpy()
        start = clock()
        for _ in range(steps):
            step(*inputs).asnumpy()
        return (clock() - start) / steps

    names = [name for name in built if name != base]
    pairs = {name: np.zeros((cycles, 2, 2)) for name in names}     # cycle, copy, (variant, base)
    turn = 0
    for cycle in range(cycles):
        order = [(name, i) for name in names for i in (0, 1)]
        rng.shuffle(order)
        for name, i in order:
            base_copy = built[base][turn % 2]
            turn += 1
            if rng.random() < 0.5:
                mine, theirs = visit(built[name][i]), visit(base_copy)
            else:
                theirs, mine = visit(base_copy), visit(built[name][i])
            pairs[name][cycle, i] = mine, theirs
    rows = {name: (pair[:, :, 0].mean(axis=1), pair[:, :, 1].mean(axis=1)) for name, pair in pairs.items()}
    every_base = np.concatenate([pair[1] for pair in rows.values()])
    rows[base] = (every_base, every_base)
    return rows


def added(builders, base, args, minutes=None):
    """Per variant: (median step us of the base, [added us per run]), and the cycles each run timed. The variants are
    built once; each of the ``args.repeats`` runs times them afresh, and its added time is the median over its
    cycles of the variant's step minus the base's step timed next to it (paired, so the machine's drift cancels).
    With ``minutes``, a run times as many of ``args.cycles`` cycles as fit in that (:func:`cycles_within`)."""
    built = build(builders)
    cycles = cycles_within(built, base, args, minutes) if minutes else args.cycles
    runs = [measure(built, base, cycles, args.steps, seed) for seed in range(args.repeats)]
    return {name: [1e6 * float(np.median(run[name][0] - run[name][1])) for run in runs] for name in builders}, \
        float(np.median([1e6 * np.median(run[base][0]) for run in runs])), cycles


def cycles_within(built, base, args, minutes):
    """How many cycles of :func:`measure` take about ``minutes``, from 5 steps of the base: at least 10, at most
    ``args.cycles``. A cycle steps every copy of every variant and a base copy beside it, each ``1 + args.steps``
    times; the conv net's table at 100 cycles took over an hour on a machine where that net stepped in 59 ms."""
    step, inputs = built[base][0]
    start = time.perf_counter()
    for _ in range(5):
        step(*inputs).asnumpy()
    step_seconds = (time.perf_counter() - start) / 5
    steps_per_cycle = (len(built) - 1) * 2 * 2 * (1 + args.steps)
    return int(max(10, min(args.cycles, 60 * minutes / (steps_per_cycle * step_seconds))))


def spread(values, form="+.0f"):
    """The median, and the range over repeats, each written in ``form`` (signed whole us by default)."""
    return f"{np.median(values):{form}} ({min(values):{form}} to {max(values):{form}})"


def walk_visits(lr, grouped, shared, parameters):
    """compile_phase setter calls per call of the train step: the Python walk MindSpore makes before each launch."""
    step, inputs = nn_step(lambda: dense_stack(parameters), lr, grouped, shared)
    step(*inputs)
    calls = [0]
    setter = nn.Cell.compile_phase.fset

    def counting(cell, value):
        calls[0] += 1
        setter(cell, value)

    nn.Cell.compile_phase = nn.Cell.compile_phase.setter(counting)
    try:
        step(*inputs)
    finally:
        nn.Cell.compile_phase = nn.Cell.compile_phase.setter(setter)
    return calls[0]


def cause_section():
    make = schedules()[SWEEP_SCHEDULE]
    lines = ["### Cause: cells visited by MindSpore's per-call compile_phase walk",
             "", "| parameters | constant lr | plain | grouped | grouped, shared |", "|---|---|---|---|---|"]
    for parameters in (2, 13, 49, 201):
        row = [walk_visits(0.1, False, False, parameters), walk_visits(make(), False, False, parameters),
               walk_visits(make(), True, False, parameters), walk_visits(make(), True, True, parameters)]
        lines.append(f"| {parameters} | " + " | ".join(str(v) for v in row) + " |")
    return lines


def sweep_builders(parameters, make):
    def network():
        return dense_stack(parameters)
    return {"constant": lambda: nn_step(network, 0.1),
            "plain": lambda: nn_step(network, make()),
            "plain, shared": lambda: nn_step(network, make(), shared=True),
            "grouped": lambda: nn_step(network, make(), grouped=True),
            "grouped, shared": lambda: nn_step(network, make(), grouped=True, shared=True)}


def sweep_section(args):
    make = schedules()[SWEEP_SCHEDULE]
    lines = [f"### Parameter sweep: {SWEEP_SCHEDULE}, added us per step (median over {args.repeats} runs, range)",
             "", "| parameters | constant-lr step (us) | plain | plain, shared | grouped | grouped, shared |",
             "|---|---|---|---|---|---|"]
    for parameters in args.sweep:
        builders = sweep_builders(parameters, make)
        result, base, _ = added(builders, "constant", args)
        lines.append(f"| {parameters} | {base:.0f} | " + " | ".join(spread(result[n]) for n in list(builders)[1:])
                     + " |")
        print(lines[-1], flush=True)
    return lines


def compile_seconds(build, compiles=3):
    times = []
    for _ in range(compiles):
        step, inputs = build()
        start = time.perf_counter()
        step(*inputs).asnumpy()
        times.append(time.perf_counter() - start)
    return min(times)


def compile_ratio(build, base, rounds=5):
    """Compile time of ``build``'s step and its ratio to the constant-lr step's compiled next to it: ``rounds`` fresh
    pairs, alternating which goes first (base, schedule; schedule, base; ...), so that neither always gets the
    process's warmer second compile. Returns the median seconds and the median and range of the pairs' ratios."""
    seconds, ratios = [], []
    for i in range(rounds):
        if i % 2 == 0:
            theirs, mine = compile_seconds(base, compiles=1), compile_seconds(build, compiles=1)
        else:
            mine, theirs = compile_seconds(build, compiles=1), compile_seconds(base, compiles=1)
        seconds.append(mine)
        ratios.append(mine / theirs)
    return float(np.median(seconds)), ratios


def kernel_sequences(makes):
    """The kernels of each schedule's compiled graph, in order (primitive nodes of MindSpore's saved validate IR, read
    by ms_lr.tools.op_audit), evaluated at an int32 [1] step as an optimizer does."""
    sequences = {}
    for name, make in makes.items():
        with tempfile.TemporaryDirectory() as folder:
            sequences[name] = graph_primitives(make(), folder).sequence
    ms.set_context(mode=ms.GRAPH_MODE)
    return sequences


def same_kernels(sequences):
    """The schedules grouped by the kernels their graphs launch: ``{first name: [the others with that sequence]}``,
    in the order of ``sequences``."""
    groups = {}
    first_of = {}
    for name, sequence in sequences.items():
        if sequence in first_of:
            groups[first_of[sequence]].append(name)
        else:
            first_of[sequence] = name
            groups[name] = []
    return groups


def anchored():
    """MindSpore's anchor, nn.CosineDecayLR, and every schedule, as factories."""
    return {ANCHOR: lambda: nn.CosineDecayLR(1e-5, 0.1, 10_000), **schedules()}


def schedule_section(args, sequences):
    small = lambda: dense_stack(2)  # noqa: E731
    stack = lambda: dense_stack(49)  # noqa: E731
    makes = anchored()
    plain = {"constant lr": lambda: nn_step(small, 0.1)}
    grouped = {"constant lr": lambda: nn_step(stack, 0.1, grouped=True)}
    for name, make in makes.items():
        plain[name] = lambda make=make: nn_step(small, make())
        grouped[name] = lambda make=make: nn_step(stack, make(), grouped=True, shared=True)
    plain_added, plain_base, _ = added(plain, "constant lr", args)
    grouped_added, grouped_base, _ = added(grouped, "constant lr", args)
    lines = [f"### Every schedule: added us per step (median over {args.repeats} runs, range)", "",
             f"Constant-lr step: {plain_base:.0f} us on Dense 16->1 (2 parameters), {grouped_base:.0f} us on the "
             f"49-parameter stack with one group. Kernels: primitive nodes of the schedule's own compiled graph "
             f"(MindSpore's saved validate IR). Compile: the 2-parameter step's first call (median of 5 fresh "
             f"builds), and its ratio to the constant-lr step's compiled next to it (median and range of the 5 "
             f"pairs); the first row compiles the constant-lr step against itself: the protocol's own spread.", "",
             "| schedule | kernels | 2 parameters | 49 parameters, grouped, shared | compile (ms) | compile vs "
             "constant (target <= 1.3) |", "|---|---|---|---|---|---|"]
    seconds, ratios = compile_ratio(plain["constant lr"], plain["constant lr"])
    lines.append(f"| constant lr (against itself) | 0 | | | {1e3 * seconds:.0f} | {spread(ratios, '.2f')} |")
    for name in makes:
        seconds, ratios = compile_ratio(plain[name], plain["constant lr"])
        lines.append(f"| {name} | {len(sequences[name])} | {spread(plain_added[name])} | "
                     f"{spread(grouped_added[name])} | {1e3 * seconds:.0f} | {spread(ratios, '.2f')} |")
        print(lines[-1], flush=True)
    return lines


TIMELINE_LRS = ("constant lr", ANCHOR, SWEEP_SCHEDULE)
#: scripts/timeline.py's warm-up and profiled steps of the conv net (each tens of milliseconds).
CONV_WARM_STEPS, CONV_PROFILED_STEPS = 10, 40
#: A run of the conv net's timed table takes about this long at most (its cycles fitted to the machine's step).
REALISTIC_MINUTES = 6


def timeline(name, parameters):
    """``scripts/timeline.py``'s figures for one lr on the grouped, shared step of ``parameters`` (``"conv"``: the conv
    net's plain step), in a process of its own (MindSpore's profiler is global to a process and leaves its files
    behind)."""
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "timeline.py")
    done = subprocess.run([sys.executable, script, name, str(parameters)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def timeline_section(args):
    """The cause of the growth with the parameter count, counted: kernels per step and what each costs, from
    MindSpore's profiler; the lrs profiled one after another in each run, each in a process of its own."""
    lines = [f"### Where the time goes: every kernel on the step's timeline (grouped, shared; median over "
             f"{args.repeats} runs, range)", "",
             "MindSpore's profiler (CPU) records each kernel's start and run; a kernel's cost is from the end of the "
             "kernel before it to its own end (the runtime's dispatch and the run), its median over 200 steps. The "
             "schedule's own kernels are those under its name scope, counted and summed within the same profile "
             "(the per-kernel cost differs between processes, so a step timed in one process against a step timed "
             "in another would measure that); MindSpore expands the anchor's scalar ops out of its scope, so its row "
             "gives the graph's figures only.", "",
             "| parameters | lr | kernels per step | threads | per kernel (us) | the schedule's kernels | their cost "
             "per step (us) |", "|---|---|---|---|---|---|---|"]
    per_kernel, schedule_cost = {}, {}      # (lr, parameters): per run; parameters: per run
    for parameters in (2, 49):
        runs = {label: [] for label in TIMELINE_LRS}
        for _ in range(args.repeats):
            for label in TIMELINE_LRS:
                runs[label].append(timeline(label, parameters))
        for label, mine in runs.items():
            per_kernel[label, parameters] = [run["per_kernel_us"] for run in mine]
            row = [str(parameters), label, "/".join(map(str, sorted({run["kernels"] for run in mine}))),
                   "/".join(map(str, sorted({run["threads"] for run in mine}))),
                   spread(per_kernel[label, parameters], ".1f"), "", ""]
            if label == SWEEP_SCHEDULE:
                schedule_cost[parameters] = [run["schedule_us"] for run in mine]
                row[5:] = ["/".join(map(str, sorted({run["schedule_kernels"] for run in mine}))),
                           spread(schedule_cost[parameters], ".1f")]
            lines.append("| " + " | ".join(row) + " |")
            print(lines[-1], flush=True)
    kernel_growth = {label: np.median(per_kernel[label, 49]) / np.median(per_kernel[label, 2])
                     for label in TIMELINE_LRS}
    lines += ["", f"From 2 to 49 parameters (medians): {SWEEP_SCHEDULE}'s own kernels cost "
              f"{np.median(schedule_cost[49]) / np.median(schedule_cost[2]):.2f}x as much per step; a kernel of its "
              f"step {kernel_growth[SWEEP_SCHEDULE]:.2f}x as much, of the constant lr's step "
              f"{kernel_growth['constant lr']:.2f}x, of the anchor's {kernel_growth[ANCHOR]:.2f}x."]
    return lines


def counted_realistic_section(args, sequences):
    """The conv-net step's share that each schedule's kernels take, counted from MindSpore's profiler (CPU): a
    difference of two timed steps cannot resolve 1% of a step that spreads by more between cycles, a profile's own
    records can. Each lr is profiled in a process of its own (``scripts/timeline.py ... conv``), the lrs one after
    another in each run; a schedule's kernels are those its step's profile has and the constant lr's does not."""
    groups = same_kernels(sequences)
    # The constant lr's profile gives only the names of the network's own kernels: once is enough.
    constant = set(timeline("constant lr", "conv")["kernel_us"])
    runs = {name: [] for name in groups}
    for _ in range(args.repeats):
        for name in runs:
            runs[name].append(timeline(name, "conv"))
    lines = [f"### A realistic step, counted: the share of the conv net's step each schedule's kernels take (median "
             f"over {args.repeats} runs, range)", "",
             f"nn.SGD, TrainOneStepCell, batch 32 of 3x16x16, profiled over {CONV_PROFILED_STEPS} steps by "
             f"MindSpore's profiler in a process per schedule and run. A schedule's kernels are those its step "
             f"launches and the constant lr's (profiled once) does not (its name scope misses the anchor's Muls and "
             f"Divs, which MindSpore files apart); each costs its median from the end of the kernel before it to "
             f"its own end (the runtime's dispatch and the run), and the share is their sum over the step's span "
             f"(first kernel's start to the last one's end; the timed step is longer, so the share is an upper "
             f"bound). Kernels: counted in the profile, and from the saved IR where the two differ.", "",
             "| lr | kernels | their cost per step (us) | step's span (us) | share of the step (%) | same kernels |",
             "|---|---|---|---|---|---|"]
    for name, others in groups.items():
        counts, costs, shares = [], [], []
        for run in runs[name]:
            mine = set(run["kernel_us"]) - constant
            counts.append(len(mine))
            costs.append(sum(run["kernel_us"][kernel] for kernel in mine))
            shares.append(100 * costs[-1] / run["span_us"])
        counted = "/".join(map(str, sorted(set(counts))))
        if set(counts) != {len(sequences[name])}:
            counted += f" (IR {len(sequences[name])})"
        lines.append(f"| {name} | {counted} | {spread(costs, '.0f')} | "
                     f"{np.median([run['span_us'] for run in runs[name]]):.0f} | {spread(shares, '.2f')} | "
                     f"{', '.join(others)} |")
        print(lines[-1], flush=True)
    return lines


def realistic_section(args, sequences):
    """The conv-net step: every schedule's added time beside MindSpore's peers (one timing per distinct kernel
    sequence), and the torch-style configurations against MindSpore's fastest one."""
    steps = 10_000
    per_step = nn.cosine_decay_lr(1e-5, 0.1, steps, 1, 1)
    nn_builders = {
        "constant lr": lambda: nn_step(conv_net, 0.1),
        "dynamic_lr list (nn.cosine_decay_lr)": lambda: nn_step(conv_net, Tensor(np.array(per_step, np.float32))),
        "ms_lr.CosineAnnealingLR, shared": lambda: nn_step(conv_net, ms_lr.CosineAnnealingLR(0.1, steps, 1e-5),
                                                           shared=True),
    }
    # Schedules whose graphs launch the same kernels in the same order (most are a 3-kernel lookup) are timed once:
    # on this step their differences are far below the noise, and forty variants left each too few cycles.
    makes = anchored()
    groups = same_kernels(sequences)
    for name in groups:
        nn_builders[name] = lambda make=makes[name]: nn_step(conv_net, make())
    result, base, cycles = added(nn_builders, "constant lr", args, minutes=REALISTIC_MINUTES)
    lines = [f"### A realistic step: conv net, batch 32 of 3x16x16 (median over {args.repeats} runs, range)", "",
             f"nn.SGD, TrainOneStepCell: constant-lr step {base:.0f} us; {cycles} cycles a run (as many as fit in "
             f"{REALISTIC_MINUTES} minutes). A dynamic_lr list is MindSpore's cheapest lr that changes (one gather). "
             f"Each schedule row stands for the schedules whose graphs launch the same kernels in the same order "
             f"(from the saved IR), named beside it.", "",
             "| lr | kernels | added us per step | overhead | same kernels |", "|---|---|---|---|---|"]
    for name in list(nn_builders)[1:]:
        percent = [100 * v / base for v in result[name]]
        lines.append(f"| {name} | {len(sequences[name]) if name in sequences else ''} | {spread(result[name])} | "
                     f"{np.median(percent):.1f}% ({min(percent):.1f}% to {max(percent):.1f}%) | "
                     f"{', '.join(groups.get(name, []))} |")
        print(lines[-1], flush=True)
    plain_sgd = {
        "experimental CosineAnnealingLR, in jit": lambda: torch_style_step(small_conv_net, "experimental", "jit"),
        "experimental CosineAnnealingLR, in jit, and a one-kernel graph on the host":
            lambda: torch_style_step(small_conv_net, "experimental", "jit", graph_between=True),
        "no scheduler": lambda: torch_style_step(small_conv_net, None, None),
        "experimental CosineAnnealingLR, host": lambda: torch_style_step(small_conv_net, "experimental", "host"),
        "ms_lr.LRScheduler(CosineAnnealingLR), host": lambda: torch_style_step(small_conv_net, "ms_lr", "host"),
        "ms_lr.LRScheduler(CosineAnnealingLR), host, each step a mindspore.jit call":
            lambda: torch_style_step(small_conv_net, "ms_lr", "host", relaunched=False),
        "ms_lr.LRScheduler(CosineAnnealingLR), in jit": lambda: torch_style_step(small_conv_net, "ms_lr", "jit"),
    }
    momentum_sgd = {
        "momentum 0.9: experimental CosineAnnealingLR, in jit":
            lambda: torch_style_step(small_conv_net, "experimental", "jit", 0.9),
        "momentum 0.9: experimental CosineAnnealingLR, in jit, and a one-kernel graph on the host":
            lambda: torch_style_step(small_conv_net, "experimental", "jit", 0.9, graph_between=True),
        "momentum 0.9: ms_lr.LRScheduler(OneCycleLR, momentum cycled), host":
            lambda: torch_style_step(small_conv_net, "ms_lr, cycled momentum", "host", 0.9),
        "momentum 0.9: ms_lr.LRScheduler(OneCycleLR, momentum cycled), host, each step a mindspore.jit call":
            lambda: torch_style_step(small_conv_net, "ms_lr, cycled momentum", "host", 0.9, relaunched=False),
        "momentum 0.9: ms_lr.LRScheduler(OneCycleLR, momentum cycled), in jit":
            lambda: torch_style_step(small_conv_net, "ms_lr, cycled momentum", "jit", 0.9),
    }
    lines += ["", "experimental.optim.SGD, ms.jit step of the small conv net (batch 16 of 3x8x8), PYNATIVE: each "
              "configuration's step, and its ratio to MindSpore's fastest (its own scheduler stepped in the jit "
              "step, on an SGD with the same momentum; per run, the median over cycles of its step over that one's "
              "timed next to it; each run builds every configuration afresh; target <= 1.1)", "",
              "| configuration | step (us) | vs MindSpore's fastest |", "|---|---|---|"]
    ms.set_context(mode=ms.PYNATIVE_MODE)           # a torch-style script's context
    try:
        for builders in (plain_sgd, momentum_sgd):
            fastest = next(iter(builders))
            # Every run builds its configurations afresh: a jit step's speed can depend on its build (MindSpore's
            # slow path for graphs without control flow is erratic), and one build timed three times repeated it.
            runs = [measure(build(builders), fastest, args.cycles, args.steps, seed) for seed in range(args.repeats)]
            for name in builders:
                step_us = [1e6 * float(np.median(run[name][0])) for run in runs]
                ratios = [float(np.median(run[name][0] / run[name][1])) for run in runs]
                lines.append(f"| {name} | {np.median(step_us):.0f} ({min(step_us):.0f} to {max(step_us):.0f}) | "
                             f"{np.median(ratios):.2f} ({min(ratios):.2f} to {max(ratios):.2f}) |")
                print(lines[-1], flush=True)
    finally:
        ms.set_context(mode=ms.GRAPH_MODE)
    lines.append("")
    return lines


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


def machine():
    """The processor's model name, its architecture and core count."""
    model = platform.processor()
    try:
        with open("/proc/cpuinfo") as handle:
            model = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), model)
    except OSError:
        pass
    return f"{model or 'unknown processor'} ({platform.machine()}), {os.cpu_count()} cores"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3, help="independent timing runs, for the spread")
    parser.add_argument("--cycles", type=int, default=100, help="visits of every variant per run")
    parser.add_argument("--steps", type=int, default=2, help="timed steps per visit")
    parser.add_argument("--sweep", type=int, nargs="+", default=[2, 13, 49, 201], help="parameter counts")
    parser.add_argument("--quick", action="store_true", help="1 repeat of 20 cycles: a smoke run, not figures")
    parser.add_argument("--markdown", help="also write the tables to this file")
    parser.add_argument("--page", help="write the tables into this page, between the performance markers")
    parser.add_argument("--sections", nargs="+", metavar="SECTION",
                        help="only these sections, printed (a page holds a whole run); an unknown name lists "
                             "the device's sections")
    args = parser.parse_args()
    if args.quick:
        args.repeats, args.cycles = 1, 10
    if args.sections and args.page:
        parser.error("--page takes a whole run: leave out --sections")
    ms.set_context(mode=ms.GRAPH_MODE)
    device = use_selected_device()

    # oneDNN's instruction set, where capped: on this project's AVX-512 machine the conv net's convolutions ran about
    # 40 times faster capped at AVX2, which changes what a schedule's share of that step is.
    isa = f", oneDNN capped at {os.environ['DNNL_MAX_CPU_ISA']}" if os.environ.get("DNNL_MAX_CPU_ISA") else ""
    lines = [f"ms_lr benchmark, {time.strftime('%Y-%m-%d')}: {machine()}, {device}{isa}, MindSpore {ms.__version__}, "
             f"{args.repeats} runs x {args.cycles} cycles x {args.steps} steps; each timing is the median of the runs "
             f"and their range.", ""]
    # Every schedule compiled once for its IR, when the first section that needs the counts runs (not for a
    # --sections run without one, nor before a misspelt section name is refused).
    sequences = functools.lru_cache(maxsize=None)(lambda: kernel_sequences(anchored()))
    sections = {"cause": cause_section, "sweep": lambda: sweep_section(args),
                "schedules": lambda: schedule_section(args, sequences())}
    if device == "CPU":
        sections["timeline"] = lambda: timeline_section(args)
        sections["realistic step, counted"] = lambda: counted_realistic_section(args, sequences())
    sections["realistic step"] = lambda: realistic_section(args, sequences())
    if args.sections:
        unknown = set(args.sections) - set(sections)
        if unknown:
            parser.error(f"no section {sorted(unknown)} on {device}; the sections: {list(sections)}")
        sections = {title: section for title, section in sections.items() if title in args.sections}
    # Each section's wall time, printed as it ends and kept with the figures: what a rerun costs (over 90 minutes in
    # all on this project's 2-core machine), and which section to shorten where that is too much.
    took = {}
    for title, section in sections.items():
        start = time.perf_counter()
        lines += section() + [""]
        took[title] = (time.perf_counter() - start) / 60
        print(f"[bench] {title} section: {took[title]:.1f} min", flush=True)
    if args.sections:
        print("\n".join(lines))
        return
    vector, reference = vector_speed()
    lines += ["### Vector evaluation", "", f"vector evaluation, 1,000,000 steps in one call: {vector:.3f} s "
              f"(target <= 0.1 s); reference, 10,000,000 steps: {reference:.3f} s (target <= 1 s)", ""]
    lines += ["### Precision: max relative error against the float64 reference (where lr >= 1e-6 x peak), over steps "
              "0..100000 and +-3 steps around every boundary up to 2**31 - 1", "",
              "| schedule | max relative error | steps checked | boundaries |", "|---|---|---|---|"]
    for name, (error, count, marks) in precision().items():
        lines.append(f"| {name} | {error:.2e} | {count:,} | {marks} |")
    lines += ["", "Wall time of this run's timed sections (minutes): "
              + ", ".join(f"{title} {minutes:.0f}" for title, minutes in took.items()) + "."]
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        with open(args.markdown, "w") as handle:
            handle.write(text + "\n")
    if args.page:
        rewrite_block(args.page, FIGURES_BEGIN, FIGURES_END, lambda: text)


if __name__ == "__main__":
    main()

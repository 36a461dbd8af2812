"""share_schedules: the same bits as the unshared optimizer, the schedule once in the cell tree, resume both ways,
Offset, several steps in one graph launch, Model.train with LRMonitor and ReduceLROnPlateau."""
import warnings

import mindspore as ms
import numpy as np
import pytest
from mindspore import Tensor, nn
from mindspore.train import Model

import ms_lr
from ms_lr import LRMonitor
from tests.test_training import OPTIMIZERS, SunkSteps, batches, dataset, make_net, schedule, train_steps

STEPS = 12


def visits(cell, target):
    """How often a walk over ``_cells`` that does not skip repeats reaches ``target``: the walk MindSpore's
    ``compile_phase`` setter makes on every call of a compiled cell."""
    return (cell is target) + sum(visits(child, target) for child in cell._cells.values() if child is not None)


def weights_after(make_optimizer, shared, data):
    ms.set_seed(0)
    net = make_net()
    opt = make_optimizer(net.trainable_params())
    if shared:
        assert ms_lr.share_schedules(opt) is opt
    train = nn.TrainOneStepCell(nn.WithLossCell(net, nn.MSELoss()), opt)
    for x, y in data:
        train(x, y)
    return [p.asnumpy() for p in net.trainable_params()], int(opt.global_step.asnumpy()[0])


def assert_same_weights(a, b):
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_shared_optimizer_trains_to_the_same_bits(name):
    sched = schedule()
    data = batches(STEPS, seed=7)
    plain, steps_plain = weights_after(lambda p: OPTIMIZERS[name](p, sched), False, data)
    shared, steps_shared = weights_after(lambda p: OPTIMIZERS[name](p, sched), True, data)
    assert steps_plain == steps_shared == STEPS
    assert_same_weights(shared, plain)


def grouped(params, warm_cosine, default, constant=0.25):
    return nn.Momentum([{"params": params[:2], "lr": warm_cosine}, {"params": params[2:3], "lr": constant},
                        {"params": params[3:]}], learning_rate=default, momentum=0.9)


def test_groups_share_one_parameter_per_schedule_and_train_to_the_same_bits():
    warm_cosine = ms_lr.LinearWarmup(ms_lr.CosineAnnealingLR(0.1, 40, eta_min=1e-5), 4)
    default = ms_lr.StepLR(0.05, 5, 0.5)
    data = batches(STEPS, seed=8)
    # 0.25 is exact in float32 and survives MindSpore's lr + 1 - 1 on the unshared dynamic path.
    plain, _ = weights_after(lambda p: grouped(p, warm_cosine, default), False, data)
    shared, _ = weights_after(lambda p: grouped(p, warm_cosine, default), True, data)
    assert_same_weights(shared, plain)

    net = make_net()
    opt = ms_lr.share_schedules(grouped(net.trainable_params(), warm_cosine, default))
    assert len(opt.ms_lr_values) == 2                              # two distinct schedules, not one per parameter
    seen = train_steps(opt, net, batches(STEPS))
    steps = np.arange(STEPS)
    expected = [warm_cosine.reference(steps)] * 2 + [np.full(STEPS, 0.25)] + [default.reference(steps)]
    np.testing.assert_allclose(seen, np.stack(expected, axis=1), rtol=1e-6)


def test_a_constant_group_lr_is_read_exactly():
    net = make_net()
    opt = nn.SGD([{"params": net.trainable_params()[:1], "lr": 0.01}, {"params": net.trainable_params()[1:]}],
                 learning_rate=ms_lr.CosineAnnealingLR(0.1, 10))
    unshared = float(opt.get_lr()[0].asnumpy())
    shared = float(ms_lr.share_schedules(opt).get_lr()[0].asnumpy())
    assert shared == np.float32(0.01)
    assert abs(unshared / np.float32(0.01) - 1) < 2e-6          # MindSpore's lr + 1 - 1, for comparison


def test_the_schedule_sits_once_in_the_cell_tree():
    net = nn.SequentialCell([nn.Dense(4, 4) for _ in range(5)])
    params = net.trainable_params()
    cosine = ms_lr.CosineAnnealingWarmupRestarts(100, 1.5, 0.1, 1e-4, 10, 0.9)
    opt = nn.SGD([{"params": params, "lr": cosine}], learning_rate=0.1)
    assert visits(opt, cosine) == len(params)                     # MindSpore's CellList: once per parameter
    ms_lr.share_schedules(opt)
    assert visits(opt, cosine) == 1


def test_the_compiled_step_does_not_grow_per_parameter(tmp_path):
    # Read from the saved IR: unshared, MindSpore merges the group's per-parameter copies (so the walk over the
    # cell tree is the whole cost of not sharing); shared, the step adds one Assign, the store of the lr.
    from ms_lr.tools.op_audit import graph_primitives

    x, y = batches(1)[0]

    def kernels(grouped, shared):
        net = nn.SequentialCell([nn.Dense(4, 4) for _ in range(5)] + [nn.Dense(4, 1)])
        cosine = nn.CosineDecayLR(0.0, 0.1, 100)
        opt = nn.SGD([{"params": net.trainable_params(), "lr": cosine}] if grouped else net.trainable_params(),
                     learning_rate=0.1 if grouped else cosine)
        if shared:
            ms_lr.share_schedules(opt)
        step = nn.TrainOneStepCell(nn.WithLossCell(net, nn.MSELoss()), opt)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ms_lr.UnsharedScheduleWarning)
            return graph_primitives(step, str(tmp_path / f"{grouped}{shared}"), (x, y))

    plain, unshared, shared = kernels(False, False), kernels(True, False), kernels(True, True)
    assert plain.sequence.count("SGD") == 12 and "Sin" in plain.primitives   # the updates and the schedule are in
    assert unshared.sequence == plain.sequence
    assert shared.kernels == plain.kernels + 1
    assert sorted(shared.sequence) == sorted(plain.sequence + ("Assign",))


def test_refusals_and_no_ops():
    with pytest.raises(TypeError, match="optimizer must be a mindspore.nn optimizer, got CosineAnnealingLR"):
        ms_lr.share_schedules(ms_lr.CosineAnnealingLR(0.1, 10))
    constant = nn.SGD(make_net().trainable_params(), learning_rate=0.1)
    assert ms_lr.share_schedules(constant) is constant and type(constant) is nn.SGD
    opt = ms_lr.share_schedules(nn.SGD(make_net().trainable_params(), learning_rate=schedule()))
    values = opt.ms_lr_values
    assert ms_lr.share_schedules(opt) is opt and opt.ms_lr_values is values
    assert isinstance(opt, nn.SGD) and type(opt).__name__ == "SGD"


def resume(first_shared, second_shared, tmp_path, steps_first=7, steps_second=9):
    """Train, save, restore into fresh objects (shared or not), train on; ReducibleLR's factor changes mid-run."""
    data = batches(steps_first + steps_second, seed=3)

    def build(shared):
        ms.set_seed(0)
        net = make_net()
        sched = ms_lr.ReducibleLR(schedule())
        opt = nn.Momentum(net.trainable_params(), learning_rate=sched, momentum=0.9)
        if shared:
            ms_lr.share_schedules(opt)
        return net, sched, opt, nn.TrainOneStepCell(nn.WithLossCell(net, nn.MSELoss()), opt)

    net, sched, opt, train = build(first_shared)
    path = str(tmp_path / f"mid_{first_shared}_{second_shared}.ckpt")
    for i, (x, y) in enumerate(data):
        if i == steps_first:
            sched.set_factor(0.5)
            ms.save_checkpoint(train, path)
            net, sched, opt, train = build(second_shared)
            ms.load_param_into_net(train, ms.load_checkpoint(path))
        train(x, y)
    return [p.asnumpy() for p in net.trainable_params()], int(opt.global_step.asnumpy()[0])


@pytest.mark.parametrize("first_shared, second_shared", [(True, True), (True, False), (False, True)])
def test_resume_across_sharing_equals_an_unshared_resumed_run(first_shared, second_shared, tmp_path):
    reference = resume(False, False, tmp_path)
    weights, steps = resume(first_shared, second_shared, tmp_path)
    assert steps == reference[1] == 16
    assert_same_weights(weights, reference[0])


def test_offset_under_sharing():
    cosine = ms_lr.CosineAnnealingLR(0.1, 1000)
    net = make_net()
    opt = ms_lr.share_schedules(nn.SGD(net.trainable_params(), learning_rate=ms_lr.Offset(cosine, 400)))
    seen = train_steps(opt, net, batches(5))
    np.testing.assert_allclose(seen, cosine.reference(np.arange(400, 405)), rtol=1e-6)


def sunk_training(shared):
    ms.set_seed(0)
    net = make_net()
    opt = nn.Momentum(net.trainable_params(), learning_rate=schedule(), momentum=0.9)
    if shared:
        ms_lr.share_schedules(opt)
    sunk = SunkSteps(nn.TrainOneStepCell(nn.WithLossCell(net, nn.MSELoss()), opt), opt, 4)
    rng = np.random.default_rng(0)
    for _ in range(3):
        xs, ys = rng.normal(size=(4, 8, 4)), rng.normal(size=(4, 8, 1))
        sunk(Tensor(xs.astype(np.float32)), Tensor(ys.astype(np.float32)))
    return [p.asnumpy() for p in net.trainable_params()], int(opt.global_step.asnumpy()[0])


def test_k_steps_in_one_graph_launch_update_with_the_lr_of_every_step():
    # Each step's assign is ordered before that step's updates and after the previous step's: the same weights as
    # the unshared optimizer, which computes the lr inside each update's data path.
    shared, steps = sunk_training(True)
    plain, _ = sunk_training(False)
    assert steps == 12
    assert_same_weights(shared, plain)


def test_model_train_with_lr_monitor_and_plateau_on_a_shared_grouped_optimizer():
    net = make_net()
    params = net.trainable_params()
    reducible = ms_lr.ReducibleLR(ms_lr.CosineAnnealingLR(0.1, 50))
    opt = ms_lr.share_schedules(nn.Momentum([{"params": params[:2], "lr": reducible}, {"params": params[2:]}],
                                            learning_rate=0.05, momentum=0.9))
    monitor = LRMonitor()
    # No epoch after the first improves by 1e9: the factor halves after epoch 2 (patience 0).
    plateau = ms_lr.ReduceLROnPlateau(reducible, factor=0.5, patience=0, threshold=1e9, threshold_mode="abs")
    Model(net, nn.MSELoss(), opt).train(3, dataset(4), callbacks=[monitor, plateau], dataset_sink_mode=False)
    assert int(opt.global_step.asnumpy()[0]) == 12
    np.testing.assert_array_equal(monitor.steps, np.arange(12))
    np.testing.assert_allclose(monitor.lrs[:, 1], np.full(12, 0.05), rtol=1e-7)
    cosine = ms_lr.CosineAnnealingLR(0.1, 50).reference(np.arange(12))
    np.testing.assert_allclose(monitor.lrs[:, 0], np.concatenate([cosine[:8], 0.5 * cosine[8:]]), rtol=1e-6)
    # What the updates read at the end: the shared Parameter holds the reduced lr of the last step.
    assert float(opt.ms_lr_values[0].asnumpy()) == pytest.approx(0.5 * cosine[11], rel=1e-6)


def test_parameter_free_cells_stay_out_of_the_tree_and_a_factor_stays_in():
    # The per-call walk visits each cell of the tree: a schedule's blocks and parameter-free children are not in it.
    for composed in (ms_lr.CosineAnnealingWarmupRestarts(100, 1.5, 0.1, 1e-4, 10, 0.9),
                     ms_lr.SequentialLR([ms_lr.LinearLR(0.1, 0.1, 1.0, 5), ms_lr.CosineAnnealingLR(0.1, 50)], [5]),
                     ms_lr.LinearWarmup(ms_lr.OneCycleLR(0.1, 100), 10)):
        assert [name for name, _ in composed.cells_and_names()] == [""]
    reducible = ms_lr.ReducibleLR(ms_lr.CosineAnnealingLR(0.1, 100))
    product = reducible * ms_lr.ConstantLR(1.0, 0.5, 10)
    opt = ms_lr.share_schedules(nn.SGD(make_net().trainable_params(), learning_rate=product))
    # The factor is found by the optimizer, so checkpoints save it.
    assert any(param is reducible.factor for param in opt.parameters_dict().values())


@pytest.mark.parametrize("grouped, shared, warns", [(True, False, True), (True, True, False), (False, False, False)])
def test_a_grouped_optimizer_without_sharing_warns_once(grouped, shared, warns, monkeypatch):
    """The warning comes at the first step of a grouped nn optimizer that holds its schedule once per parameter,
    once per process, and names the fix; a shared or ungrouped optimizer is silent."""
    if warns and not hasattr(nn.Cell, "compile_phase"):
        pytest.skip("this MindSpore does not walk the cell tree before each launch (no Cell.compile_phase): a "
                    "schedule held once per parameter costs nothing there, and nothing warns")
    monkeypatch.setattr(ms_lr.core.unshared, "_warned", False)
    ms.set_context(mode=ms.GRAPH_MODE)
    caught = []
    for _ in range(2):
        net = nn.SequentialCell([nn.Dense(4, 4), nn.Dense(4, 1)])
        lr = ms_lr.CosineAnnealingLR(0.1, 100)
        params = [{"params": net.trainable_params(), "lr": lr}] if grouped else net.trainable_params()
        optimizer = nn.SGD(params, learning_rate=lr if not grouped else 0.1)
        if shared:
            ms_lr.share_schedules(optimizer)
        step = nn.TrainOneStepCell(nn.WithLossCell(net, nn.MSELoss()), optimizer)
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            step(Tensor(np.ones((2, 4), np.float32)), Tensor(np.ones((2, 1), np.float32)))
        caught += [w for w in record if issubclass(w.category, ms_lr.UnsharedScheduleWarning)]
    assert len(caught) == (1 if warns else 0)
    if warns:
        assert "4 times here" in str(caught[0].message) and "ms_lr.share_schedules(optimizer)" in str(caught[0].message)

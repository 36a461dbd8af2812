"""LambdaLR compiled into the graph; TabulatedLR, HostLambdaLR and MultiplicativeLR on host tables."""
import math

import numpy as np
import pytest
from mindspore import Tensor, nn, ops
from torch.optim import lr_scheduler as torch_sched

import ms_lr
from ms_lr.tools.torch_oracle import torch_lrs
from tests.support.accuracy import assert_close
from tests.support.holder import ScheduleHolder


def warm_then_decay(k):
    return ops.where(k < 100, k / 100, ops.sqrt(100 / ops.maximum(k, 100)))


def test_lambda_lr_compiles_and_matches_its_float64_run(mode):
    schedule = ms_lr.LambdaLR(0.1, warm_then_decay)
    steps = np.arange(20_000)
    expected = np.where(steps < 100, steps / 100, np.sqrt(100 / np.maximum(steps, 100))) * 0.1
    assert_close(ms_lr.evaluate(schedule, steps), expected, context="LambdaLR")
    assert_close(schedule.reference(steps), expected, rtol=1e-12, context="LambdaLR reference")


def test_lambda_lr_held_in_another_graph_clamps_and_floors_its_step():
    # Its trial compile at construction once left MindSpore parsing the cell as that method wherever it was a
    # sub-cell (an optimizer's graph): no clamp of a negative step, no floor of a float one.
    schedule = ms_lr.LambdaLR(0.1, warm_then_decay)
    for dtype, step, at in ((np.int32, -5, 0), (np.int32, 57, 57), (np.float32, 50.7, 50), (np.float32, -3.5, 0)):
        held = ScheduleHolder(schedule, dtype).at(step)
        assert_close(held, [0.1 * at / 100], context=f"LambdaLR held in a graph, at the {dtype.__name__} step {step}")


def test_lambda_returning_a_constant_keeps_the_step_shape():
    one = lambda k: 1.0  # noqa: E731
    values = ms_lr.evaluate(ms_lr.LambdaLR(0.1, one), np.arange(6).reshape(2, 3))
    assert values.shape == (2, 3)
    np.testing.assert_allclose(values, 0.1)


def python_if(k):
    if k < 10:
        return 0.1
    return 1.0


def test_lambda_that_cannot_compile_says_how_to_write_it():
    with pytest.raises(TypeError, match="HostLambdaLR") as info:
        ms_lr.LambdaLR(0.1, python_if)
    assert "ops.where" in str(info.value)
    with pytest.raises(TypeError, match="ops.cos"):
        ms_lr.LambdaLR(0.1, lambda k: math.cos(k))


def test_lambda_giving_a_negative_factor_is_refused():
    negative = lambda k: k - 5.0  # noqa: E731
    with pytest.raises(ValueError, match="lr_lambda"):
        ms_lr.LambdaLR(0.1, negative)


def test_host_tables_hold_the_last_value():
    schedule = ms_lr.HostLambdaLR(0.1, lambda k: math.exp(-k / 10), total_steps=50)
    values = ms_lr.evaluate(schedule, [0, 49, 50, 2**31 - 1])
    np.testing.assert_allclose(values, 0.1 * np.exp(-np.array([0, 49, 49, 49]) / 10), rtol=1e-6)
    table = ms_lr.TabulatedLR(schedule.table.tolist())
    steps = np.arange(100)
    np.testing.assert_array_equal(ms_lr.evaluate(table, steps), ms_lr.evaluate(schedule, steps))


def test_function_schedules_have_no_json_config_but_tables_do():
    with pytest.raises(TypeError, match="Python function"):
        ms_lr.LambdaLR(0.1, warm_then_decay).get_config()
    with pytest.raises(TypeError, match="TabulatedLR"):
        ms_lr.MultiplicativeLR(0.1, lambda k: 0.9, 10).get_config()
    assert ms_lr.TabulatedLR([0.2, 0.1]).get_config() == {"values": [0.2, 0.1]}


INVALID = [
    (lambda: ms_lr.LambdaLR(0.1, 0.5), TypeError, "lr_lambda"),
    (lambda: ms_lr.LambdaLR(-0.1, warm_then_decay), ValueError, "base_lr"),
    (lambda: ms_lr.TabulatedLR([]), ValueError, "values"),
    (lambda: ms_lr.TabulatedLR([0.1, float("nan")]), ValueError, "step 1"),
    (lambda: ms_lr.TabulatedLR([0.1, -0.1]), ValueError, "step 1"),
    (lambda: ms_lr.TabulatedLR([[0.1]]), ValueError, "values"),
    (lambda: ms_lr.TabulatedLR(["a"]), TypeError, "values"),
    (lambda: ms_lr.HostLambdaLR(0.1, lambda k: 1.0, 0), ValueError, "total_steps"),
    (lambda: ms_lr.HostLambdaLR(0.1, "f", 10), TypeError, "lr_lambda"),
    (lambda: ms_lr.HostLambdaLR(0.1, lambda k: 1.0 / (k - 3), 10), ValueError, "ZeroDivisionError at step 3"),
    (lambda: ms_lr.MultiplicativeLR(0.1, lambda k: 1e30, 10), ValueError, "step"),
    (lambda: ms_lr.MultiplicativeLR(0.1, lambda k: 0.9, 10.5), TypeError, "total_steps"),
]


@pytest.mark.parametrize("make, error, name", INVALID, ids=[f"{i}-{case[2]}" for i, case in enumerate(INVALID)])
def test_bad_arguments_raise_a_clear_error_naming_the_argument(make, error, name):
    with pytest.raises(error, match=name):
        make()


def test_tables_of_strings_or_bools_are_refused():
    for values in (["0.1"], np.array(["0.1"]), [0.1, True], np.array([True, False]), "0.1"):
        with pytest.raises(TypeError, match="For 'TabulatedLR', values must"):
            ms_lr.TabulatedLR(values)
    assert ms_lr.TabulatedLR(np.array([3, 2, 1], dtype=np.int64)).upper_bound() == 3.0   # integer tables are numbers


@pytest.mark.parametrize("cls", [ms_lr.HostLambdaLR, ms_lr.MultiplicativeLR])
def test_host_tables_past_the_cap_are_refused_with_their_memory_cost(cls):
    calls = []
    with pytest.raises(ValueError, match=r"total_steps=2,147,483,647 would call lr_lambda .* 24\.0 GiB .* 2\*\*25"):
        cls(0.1, lambda k: calls.append(k) or 1.0, 2**31 - 1)
    assert calls == []          # refused before a single call


def test_long_tabulations_report_progress(capsys):
    schedule = ms_lr.HostLambdaLR(0.1, lambda k: 1.0 / (1.0 + k), total_steps=2**20 + 10)
    err = capsys.readouterr().err
    assert "HostLambdaLR: tabulated" in err and f"{2**20 + 10:,}/{2**20 + 10:,} (100%" in err
    assert ms_lr.evaluate(schedule, [2**20 + 9])[0] == pytest.approx(0.1 / (2**20 + 10), rel=1e-6)


def test_an_inline_lambda_compiles_as_torch_users_write_it():
    # torch's most common idiom; MindSpore's parser used to refuse a lambda written inside a call.
    schedule = ms_lr.LambdaLR(0.1, lambda k: 0.95 ** k)
    expected = torch_lrs(lambda opt: torch_sched.LambdaLR(opt, lambda epoch: 0.95 ** epoch), 300)
    assert_close(schedule.reference(np.arange(300)), expected, context="reference vs torch")
    # The lambda's own float32 pow carries 0.95's rounding k times (documented): 3.4e-6 at k = 267.
    assert_close(ms_lr.evaluate(schedule, np.arange(300)), expected, rtol=300 * 6e-8, absolute=1e-9,
                 context="cell vs torch")
    exact = ms_lr.LambdaLR(0.1, lambda k: 0.5 ** k)                     # an exact base keeps the contract
    halving = torch_lrs(lambda opt: torch_sched.LambdaLR(opt, lambda epoch: 0.5 ** epoch), 100)
    assert_close(ms_lr.evaluate(exact, np.arange(100)), halving, context="exact base vs torch")


def test_two_inline_lambdas_on_one_line_inside_parameter_group_dicts():
    net = nn.SequentialCell([nn.Dense(4, 3), nn.Dense(3, 1)])
    params = net.trainable_params()
    opt = nn.SGD([{"params": params[:2], "lr": ms_lr.LambdaLR(0.1, lambda k: 0.95 ** k)}, {"params": params[2:], "lr": ms_lr.LambdaLR(0.05, lambda k: ops.where(k < 3, 1.0, 0.5))}], learning_rate=0.1)  # noqa: E501 - one line on purpose
    train = nn.TrainOneStepCell(nn.WithLossCell(net, nn.MSELoss()), opt)
    seen = []
    for _ in range(6):
        seen.append([float(v.asnumpy()) for v in opt.get_lr()])
        train(Tensor(np.ones((8, 4), np.float32)), Tensor(np.zeros((8, 1), np.float32)))
    steps = np.arange(6)
    first, second = 0.1 * 0.95 ** steps, np.where(steps < 3, 0.05, 0.025)
    np.testing.assert_allclose(np.array(seen), np.stack([first, first, second, second], axis=1), rtol=1e-6)


def decay_from(rate, every):
    return ms_lr.LambdaLR(1.0, lambda k: rate ** ops.floor(k / every))


def test_inline_lambdas_keep_their_closure_and_span_lines():
    assert_close(ms_lr.evaluate(decay_from(0.5, 10), [0, 9, 10, 35]), [1.0, 1.0, 0.5, 0.125])
    spanning = ms_lr.LambdaLR(0.1, lambda k: ops.where(k < 5,
                                                       k / 5,
                                                       1.0))
    assert_close(ms_lr.evaluate(spanning, [0, 1, 5, 100]), [0.0, 0.02, 0.1, 0.1])


def test_a_lambda_without_source_still_gets_the_clear_error():
    namespace = {"ops": ops}
    exec("made_at_a_prompt = lambda k: 1.0 if k < 3 else 0.5", namespace)      # no file: no source to recover
    with pytest.raises(TypeError, match="HostLambdaLR"):
        ms_lr.LambdaLR(0.1, namespace["made_at_a_prompt"])
    with pytest.raises(TypeError, match="HostLambdaLR"):
        ms_lr.LambdaLR(0.1, lambda k: 1e-3 * (k + 1) if k < 10 else 1e-2)   # a Python if on the step

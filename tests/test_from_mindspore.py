"""MindSpore's schedule cells by name: the same values as the real mindspore.nn cells (to MindSpore's own float32
error), the accuracy contract against the float64 reference where MindSpore's float32 loses it, and every
nn.dynamic_lr function as a per-epoch ms_lr schedule."""
import warnings

import mindspore as ms
import numpy as np
import pytest
from mindspore import Tensor, nn

import ms_lr
from tests.support.accuracy import assert_close

with warnings.catch_warnings():
    warnings.simplefilter("ignore")     # MindSpore 2.9+ deprecates most of these; they are the comparison here
    from mindspore.nn import dynamic_lr

CELLS = {
    "CosineDecayLR": ((0.01, 0.1, 1000), {}),
    "CosineDecayLR zero floor": ((0.0, 0.05, 37), {}),
    "WarmUpLR": ((0.1, 250), {}),
    "PolynomialDecayLR": ((0.1, 0.001, 800, 0.5), {}),
    "PolynomialDecayLR update": ((0.1, 0.01, 100, 2.0), {"update_decay_steps": True}),
    "ExponentialDecayLR": ((0.1, 0.9, 100), {}),
    "ExponentialDecayLR stair": ((0.1, 0.5, 64), {"is_stair": True}),
    "NaturalExpDecayLR": ((0.1, 0.001, 10), {}),
    "NaturalExpDecayLR stair": ((0.1, 0.01, 30), {"is_stair": True}),
    "InverseDecayLR": ((0.1, 0.5, 50), {}),
    "InverseDecayLR stair": ((0.1, 2.0, 40), {"is_stair": True}),
}


@pytest.mark.parametrize("name", sorted(CELLS))
def test_same_values_as_the_mindspore_cell(name):
    cls_name = name.split()[0]
    args, kwargs = CELLS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs_cell = getattr(nn, cls_name)(*args, **kwargs)
    ours = getattr(ms_lr, cls_name)(*args, **kwargs)
    steps = np.arange(3000)
    theirs = theirs_cell(Tensor(steps.astype(np.int32))).asnumpy().astype(np.float64)
    values = ms_lr.evaluate(ours, steps).astype(np.float64)
    # MindSpore's own float32 (pow(rate, k / D), its CPU exp, 1 + sin near the floor) is off by up to ~1e-5.
    np.testing.assert_allclose(values, theirs, rtol=2e-5, atol=1e-7 * np.abs(theirs).max(), err_msg=name)
    assert_close(values, ours.reference(steps), context=f"{name} vs reference")
    far = np.array([10**6, 2**24 + 1, 2**30, 2**31 - 1])
    assert_close(ms_lr.evaluate(ours, far), ours.reference(far), peak=float(np.abs(theirs).max()),
                 context=f"{name} far")


def test_cosine_decay_keeps_precision_at_the_floor_where_mindspore_returns_zero():
    decay = 2**30
    steps = decay - np.array([1, 10, 1000, 50_000])
    theirs = nn.CosineDecayLR(0.0, 1.0, decay)(Tensor(steps.astype(np.int32))).asnumpy()
    ours = ms_lr.CosineDecayLR(0.0, 1.0, decay)
    assert (theirs == 0).all()
    assert_close(ms_lr.evaluate(ours, steps), ours.reference(steps), peak=1.0)
    assert (ms_lr.evaluate(ours, steps) > 0).all()


def test_natural_exp_decay_with_a_rate_that_underflows_float64():
    # exp(-800) is 0 in float64; the lr is 0.1 at step 0 and 0 after, as float32 holds it.
    schedule = ms_lr.NaturalExpDecayLR(0.1, decay_rate=800.0, decay_steps=1)
    np.testing.assert_array_equal(ms_lr.evaluate(schedule, [0, 1, 2, 2**31 - 1]), np.float32([0.1, 0.0, 0.0, 0.0]))


def test_growth_rates_are_accepted_while_they_fit_float32():
    grows = ms_lr.ExponentialDecayLR(0.1, decay_rate=1.5, decay_steps=10**8, is_stair=True)   # 21 factors of 1.5
    assert grows.upper_bound() == pytest.approx(0.1 * 1.5**21)
    assert_close(ms_lr.evaluate(grows, [0, 10**8, 2**31 - 1]), grows.reference([0, 10**8, 2**31 - 1]))
    with pytest.raises(ValueError, match="For 'ExponentialDecayLR', decay_rate=1.5 grows learning_rate=0.1 .* past"):
        ms_lr.ExponentialDecayLR(0.1, decay_rate=1.5, decay_steps=100)


def test_every_schedule_is_the_native_one_it_names():
    assert repr(ms_lr.CosineDecayLR(0.01, 0.1, 100).to_native()) == \
        "CosineAnnealingLR(base_lr=0.1, T_max=100, eta_min=0.01, hold_floor=True)"
    assert repr(ms_lr.PolynomialDecayLR(0.1, 0.01, 100, 2.0, True).to_native()) == \
        "PolynomialLR(base_lr=0.1, total_iters=100, power=2.0, end_lr=0.01, cycle=True)"


INVALID = [
    (lambda: ms_lr.PolynomialDecayLR(0.01, 0.1, 10, 1.0), ValueError, "end_learning_rate must be <= learning_rate"),
    (lambda: ms_lr.PolynomialDecayLR(0.1, 0.01, 10, 6.0), ValueError, "power must be <= 5"),
    (lambda: ms_lr.ExponentialDecayLR(0.1, 0.0, 10), ValueError, "decay_rate must be > 0"),
    (lambda: ms_lr.InverseDecayLR(0.1, 0.5, 0), ValueError, "decay_steps must be >= 1"),
    (lambda: ms_lr.CosineDecayLR(0.0, 0.1, 10.5), TypeError, "decay_steps must be an int"),
    (lambda: ms_lr.WarmUpLR(0.1, -1), ValueError, "warmup_steps must be >= 0"),
]


@pytest.mark.parametrize("make, error, pattern", INVALID, ids=[c[2][:30] for c in INVALID])
def test_bad_arguments_name_the_class_and_the_argument(make, error, pattern):
    with pytest.raises(error, match=pattern) as info:
        make()
    assert str(info.value).startswith("For '")


DYNAMIC = {
    "piecewise_constant_lr": (lambda: dynamic_lr.piecewise_constant_lr([20, 50, 90], [0.1, 0.05, 0.01]),
                              lambda: ms_lr.PiecewiseConstantLR([20, 50], [0.1, 0.05, 0.01])),
    "exponential_decay_lr": (lambda: dynamic_lr.exponential_decay_lr(0.1, 0.9, 90, 3, 2),
                             lambda: ms_lr.PerEpoch(ms_lr.ExponentialDecayLR(0.1, 0.9, 2), 3)),
    "exponential_decay_lr stair": (lambda: dynamic_lr.exponential_decay_lr(0.1, 0.9, 90, 3, 2, True),
                                   lambda: ms_lr.PerEpoch(ms_lr.ExponentialDecayLR(0.1, 0.9, 2, True), 3)),
    "natural_exp_decay_lr": (lambda: dynamic_lr.natural_exp_decay_lr(0.1, 0.1, 90, 3, 2),
                             lambda: ms_lr.PerEpoch(ms_lr.NaturalExpDecayLR(0.1, 0.1, 2), 3)),
    "natural_exp_decay_lr stair": (lambda: dynamic_lr.natural_exp_decay_lr(0.1, 0.1, 90, 3, 2, True),
                                   lambda: ms_lr.PerEpoch(ms_lr.NaturalExpDecayLR(0.1, 0.1, 2, True), 3)),
    "inverse_decay_lr": (lambda: dynamic_lr.inverse_decay_lr(0.1, 0.5, 90, 3, 2),
                         lambda: ms_lr.PerEpoch(ms_lr.InverseDecayLR(0.1, 0.5, 2), 3)),
    "inverse_decay_lr stair": (lambda: dynamic_lr.inverse_decay_lr(0.1, 0.5, 90, 3, 2, True),
                               lambda: ms_lr.PerEpoch(ms_lr.InverseDecayLR(0.1, 0.5, 2, True), 3)),
    "cosine_decay_lr": (lambda: dynamic_lr.cosine_decay_lr(0.01, 0.1, 90, 3, 20),
                        lambda: ms_lr.PerEpoch(ms_lr.CosineDecayLR(0.01, 0.1, 20), 3)),
    "polynomial_decay_lr": (lambda: dynamic_lr.polynomial_decay_lr(0.1, 0.01, 90, 3, 10, 0.5),
                            lambda: ms_lr.PerEpoch(ms_lr.PolynomialDecayLR(0.1, 0.01, 10, 0.5), 3)),
    "polynomial_decay_lr update": (lambda: dynamic_lr.polynomial_decay_lr(0.1, 0.01, 90, 3, 10, 2.0, True),
                                   lambda: ms_lr.PerEpoch(ms_lr.PolynomialDecayLR(0.1, 0.01, 10, 2.0, True), 3)),
    "warmup_lr": (lambda: dynamic_lr.warmup_lr(0.1, 90, 3, 10),
                  lambda: ms_lr.PerEpoch(ms_lr.WarmUpLR(0.1, 10), 3)),
}


@pytest.mark.parametrize("name", sorted(DYNAMIC))
def test_every_dynamic_lr_function_is_a_per_epoch_schedule(name):
    make_list, make_schedule = DYNAMIC[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = np.array(make_list(), dtype=np.float64)
    schedule = make_schedule()
    steps = np.arange(len(expected))
    assert_close(schedule.reference(steps), expected, context=f"{name} reference")
    assert_close(ms_lr.evaluate(schedule, steps), expected, context=f"{name} cell")


def test_a_mindspore_cell_name_builds_from_a_config():
    # MindFormers registers MindSpore's cells too: {type: CosineDecayLR, max_lr, min_lr, decay_steps} blocks.
    schedule = ms_lr.build({"type": "CosineDecayLR", "max_lr": 1e-3, "min_lr": 0.0, "decay_steps": 100})
    ms.set_context(mode=ms.GRAPH_MODE)
    assert_close(ms_lr.evaluate(schedule, np.arange(200)), schedule.reference(np.arange(200)))

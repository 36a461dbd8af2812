"""Configs: non-default arguments round-trip through build(to_dict()), YAML and JSON files, and bad configs say
where they went wrong. (Every registered type's round trip is in test_contract.py.)"""
import json

import numpy as np
import pytest

import ms_lr
from ms_lr.config import schedule_class
from ms_lr.core.schedule import arguments

EXAMPLES = {
    "ConstantLR": lambda: ms_lr.ConstantLR(0.1, 0.5, 7),
    "ConstantWarmup": lambda: ms_lr.ConstantWarmup(ms_lr.ExponentialLR(0.1, 0.99), 5, 0.01, warmup_prefix=False),
    "CosineAnnealingLR": lambda: ms_lr.CosineAnnealingLR(0.1, 50, 1e-4),
    "CosineAnnealingWarmRestarts": lambda: ms_lr.CosineAnnealingWarmRestarts(0.1, 10, 2, 1e-3),
    "CosineAnnealingWarmupRestarts": lambda: ms_lr.CosineAnnealingWarmupRestarts(20, 1.5, 0.1, 1e-3, 3, 0.9),
    "CyclicLR": lambda: ms_lr.CyclicLR(0.01, 0.1, 10, 5, "exp_range", 0.99),
    "ExponentialLR": lambda: ms_lr.ExponentialLR(0.1, 0.95),
    "InverseSqrtLR": lambda: ms_lr.InverseSqrtLR(0.1, 10, 0.01),
    "LinearLR": lambda: ms_lr.LinearLR(0.1, 0.2, 0.9, 30),
    "LinearWarmup": lambda: ms_lr.LinearWarmup(ms_lr.CosineAnnealingLR(0.1, 50), 10, 0.001, 0.09),
    "MultiStepLR": lambda: ms_lr.MultiStepLR(0.1, [10, 20, 20], 0.5),
    "Offset": lambda: ms_lr.Offset(ms_lr.StepLR(0.1, 10, 0.5), 25),
    "OneCycleLR": lambda: ms_lr.OneCycleLR(0.1, 100, None, None, 0.25, "linear", 10.0, 100.0, True),
    "PerEpoch": lambda: ms_lr.PerEpoch(ms_lr.CosineAnnealingLR(0.1, 10), 7),
    "PolynomialLR": lambda: ms_lr.PolynomialLR(0.1, 40, 2.0),
    "Product": lambda: ms_lr.Product([ms_lr.ExponentialLR(0.1, 0.9), ms_lr.ConstantLR(1.0, 0.1, 2)]),
    "ReducibleLR": lambda: ms_lr.ReducibleLR(ms_lr.StepLR(0.1, 5, 0.5)),
    "SWALR": lambda: ms_lr.SWALR(0.1, 0.01, 5, "linear"),
    "Scaled": lambda: ms_lr.Scaled(ms_lr.StepLR(0.1, 5, 0.5), 0.5),
    "SequentialLR": lambda: ms_lr.SequentialLR(
        [ms_lr.LinearLR(0.1, 0.1, 1.0, 5),
         ms_lr.LinearWarmup(ms_lr.CosineAnnealingWarmRestarts(0.1, 10, 2), 3)], [5]),
    "StepLR": lambda: ms_lr.StepLR(0.1, 3, 0.5),
    "TabulatedLR": lambda: ms_lr.TabulatedLR([0.3, 0.2, 0.1]),
    "WarmupStableDecayLR": lambda: ms_lr.WarmupStableDecayLR(0.1, 5, 10, 20, 1e-4, "1-sqrt", 0.01),
}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_round_trip_through_build(name):
    schedule = EXAMPLES[name]()
    config = schedule.to_dict()
    assert config["type"] == name
    rebuilt = ms_lr.build(json.loads(json.dumps(config)))
    again = ms_lr.build({"type": name, **schedule.get_config()})
    steps = np.arange(200)
    for copy in (rebuilt, again):
        assert type(copy) is type(schedule) and copy.get_config() == schedule.get_config()
        np.testing.assert_array_equal(ms_lr.evaluate(copy, steps), ms_lr.evaluate(schedule, steps))


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_files_round_trip_and_yaml_may_nest_under_lr_schedule(tmp_path, suffix):
    schedule = EXAMPLES["SequentialLR"]()
    path = str(tmp_path / f"sched{suffix}")
    ms_lr.dump(schedule, path)
    assert ms_lr.load(path).get_config() == schedule.get_config()
    nested = tmp_path / "train.yaml"
    nested.write_text("epochs: 10\nlr_schedule:\n  type: LinearWarmup\n  warmup_steps: 500\n"
                      "  after: {type: CosineAnnealingLR, base_lr: 0.1, T_max: 9500, eta_min: 1.0e-5}\n")
    loaded = ms_lr.load(str(nested))
    assert isinstance(loaded, ms_lr.LinearWarmup) and loaded.after.get_config()["T_max"] == 9500


def test_every_registered_type_lists_its_arguments():
    for name in ms_lr.registered():
        assert arguments(schedule_class(name))


INVALID = [
    ({"type": "Cosine"}, ValueError, "did you mean 'cosine'.*accepted types: .*CosineAnnealingLR"),
    ({"type": "StepLR", "base_lr": 0.1, "step": 3}, ValueError,
     r"unknown argument\(s\) step for StepLR; valid: base_lr, step_size, gamma. Did you mean 'step' -> 'step_size'"),
    ({"type": "StepLR", "base_lr": 0.1, "step_size": 0}, ValueError, "step_size"),
    ({"base_lr": 0.1}, TypeError, "type"),
    ("StepLR", TypeError, "type"),
    ({"type": "LinearWarmup", "warmup_steps": 3, "after": {"type": "Nope"}}, ValueError, "at after: unknown.*Nope"),
    ({"type": "SequentialLR", "milestones": [5], "schedules": [{"type": "StepLR", "base_lr": 0.1, "step_size": 5},
                                                               {"type": "StepLR", "base_lr": 0.1, "step_size": 0}]},
     ValueError, r"at schedules\[1\]: For 'StepLR', step_size must be >= 1, got 0"),
    ({"type": "LambdaLR", "base_lr": 0.1}, ValueError, "LambdaLR takes a Python function"),
]


@pytest.mark.parametrize("config, error, pattern", INVALID, ids=[str(i) for i in range(len(INVALID))])
def test_bad_configs_raise_errors_that_list_the_valid_choices(config, error, pattern):
    with pytest.raises(error, match=pattern):
        ms_lr.build(config)


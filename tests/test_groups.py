"""grouped_lr_schedule: MindFormers' per-pattern parameter groups, built and trained with."""
import numpy as np
import pytest
from mindspore import Tensor, nn

import ms_lr


class Net(nn.Cell):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Dense(4, 4)
        self.encoder = nn.SequentialCell([nn.Dense(4, 4), nn.Dense(4, 4)])
        self.head = nn.Dense(4, 1)

    def construct(self, x):
        return self.head(self.encoder(self.embedding(x)))


CONFIG = {"grouped_lr_schedule": {
    "default": {"type": "cosine", "learning_rate": 1e-3, "warmup_steps": 2, "total_steps": -1},
    "grouped": [{"params": ["embedding.*"], "type": "constant_with_warmup", "learning_rate": 1e-4},
                {"params": ["head", "encoder.1.*"], "type": "polynomial", "learning_rate": 5e-4, "lr_end": 1e-6,
                 "total_steps": -1}]}}


def test_groups_follow_mindformers_matching_and_train_with_their_schedules():
    net = Net()
    groups = ms_lr.grouped_lr_schedule(CONFIG, net, total_steps=20)
    names = [[p.name for p in g["params"]] for g in groups]
    assert names == [["embedding.weight", "embedding.bias"],
                     ["encoder.1.weight", "encoder.1.bias", "head.weight", "head.bias"],
                     ["encoder.0.weight", "encoder.0.bias"]]
    assert [type(g["lr"]).__name__ for g in groups] == ["ConstantWarmUpLR", "PolynomialWithWarmUpLR",
                                                        "CosineWithWarmUpLR"]
    opt = nn.AdamWeightDecay(groups, learning_rate=groups[-1]["lr"])
    train = nn.TrainOneStepCell(nn.WithLossCell(net, nn.MSELoss()), opt)
    rng = np.random.default_rng(0)
    seen = []
    for _ in range(6):
        seen.append([float(v.asnumpy()) for v in opt.get_lr()])
        train(Tensor(rng.normal(size=(8, 4)).astype(np.float32)), Tensor(np.zeros((8, 1), np.float32)))
    steps = np.arange(6)
    by_param = {p.name: g["lr"] for g in groups for p in g["params"]}
    for column, param in enumerate(opt.parameters):
        np.testing.assert_allclose(np.array(seen)[:, column], by_param[param.name].reference(steps), rtol=1e-6)


def test_a_pattern_that_matches_nothing_is_an_error_naming_the_group():
    config = {"default": {"type": "cosine", "learning_rate": 1e-3, "total_steps": 10},
              "grouped": [{"params": ["decoder.*"], "type": "cosine", "learning_rate": 1e-4, "total_steps": 10}]}
    with pytest.raises(ValueError, match=r"grouped\[0\]'s params \['decoder.\*'\] match no trainable parameter "
                                         r"\(names: embedding.weight"):
        ms_lr.grouped_lr_schedule(config, Net())


def test_a_bad_block_says_which_group():
    config = {"default": {"type": "cosine", "learning_rate": 1e-3, "total_steps": 10},
              "grouped": [{"params": ["head"], "type": "cosine", "learning_rate": -1.0, "total_steps": 10}]}
    with pytest.raises(ValueError, match=r"at grouped\[0\]: For 'CosineWithWarmUpLR', learning_rate must be >= 0"):
        ms_lr.grouped_lr_schedule(config, Net())
    with pytest.raises(TypeError, match="'default' block"):
        ms_lr.grouped_lr_schedule({"grouped": []}, Net())

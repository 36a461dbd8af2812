"""Data-parallel training worker for test_distributed.py, launched by msrun with 2 CPU workers.

Each rank trains the same network on different data with an ms_lr schedule; gradients are averaged across ranks,
so both ranks must end with identical weights. Writes weights, lr history and global_step to OUT_DIR/rank_<r>.npz.
"""
import os
import sys

import mindspore as ms
import numpy as np
from mindspore import Tensor, nn
from mindspore.communication import get_group_size, get_rank, init

import ms_lr

STEPS = 12


def main(out_dir):
    ms.set_context(mode=ms.GRAPH_MODE, device_target="CPU")
    init()
    rank, size = get_rank(), get_group_size()
    ms.set_auto_parallel_context(parallel_mode=ms.ParallelMode.DATA_PARALLEL, gradients_mean=True, device_num=size)
    ms.set_seed(0)
    net = nn.Dense(4, 1, weight_init="ones", bias_init="zeros")
    schedule = ms_lr.LinearWarmup(ms_lr.CosineAnnealingWarmRestarts(0.05, T_0=4, T_mult=2), warmup_steps=3)
    opt = nn.Momentum(net.trainable_params(), learning_rate=schedule, momentum=0.9)
    train = nn.TrainOneStepCell(nn.WithLossCell(net, nn.MSELoss()), opt)
    rng = np.random.default_rng(100 + rank)          # different data on every rank
    lrs = []
    for _ in range(STEPS):
        x = Tensor(rng.normal(size=(8, 4)).astype(np.float32))
        y = Tensor(rng.normal(size=(8, 1)).astype(np.float32))
        lrs.append(float(opt.get_lr().asnumpy()))
        train(x, y)
    np.savez(os.path.join(out_dir, f"rank_{rank}.npz"), weight=net.weight.asnumpy(), bias=net.bias.asnumpy(),
             lrs=np.array(lrs), global_step=opt.global_step.asnumpy(), size=size)


if __name__ == "__main__":
    main(sys.argv[1])

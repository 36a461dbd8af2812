"""Worker for test_distributed.py's parallel-mode check: tries a 2-rank CPU training step in one parallel mode and
writes what MindSpore answered to OUT_DIR/mode_<rank>.txt ("ok ..." or the error's first line)."""
import os
import sys

import mindspore as ms
import numpy as np
from mindspore import Tensor, nn
from mindspore.communication import get_group_size, get_rank, init

import ms_lr

MODES = {
    "semi_auto_parallel": dict(parallel_mode=ms.ParallelMode.SEMI_AUTO_PARALLEL),
    "auto_parallel": dict(parallel_mode=ms.ParallelMode.AUTO_PARALLEL),
    "data_parallel+parallel_optimizer": dict(parallel_mode=ms.ParallelMode.DATA_PARALLEL, gradients_mean=True,
                                             enable_parallel_optimizer=True),
}


def main(out_dir, mode):
    ms.set_context(mode=ms.GRAPH_MODE, device_target="CPU")
    init()
    rank = get_rank()
    try:
        ms.set_auto_parallel_context(device_num=get_group_size(), **MODES[mode])
        net = nn.Dense(8, 8, weight_init="ones")
        opt = nn.Momentum(net.trainable_params(), learning_rate=ms_lr.CosineAnnealingLR(0.1, 10), momentum=0.9)
        train = nn.TrainOneStepCell(nn.WithLossCell(net, nn.MSELoss()), opt)
        train(Tensor(np.ones((8, 8), np.float32)), Tensor(np.zeros((8, 8), np.float32)))
        answer = f"ok lr={float(opt.get_lr().asnumpy())}"
    except RuntimeError as error:
        answer = next(line.strip() for line in str(error).splitlines() if line.strip())
    with open(os.path.join(out_dir, f"mode_{rank}.txt"), "w") as handle:
        handle.write(answer)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

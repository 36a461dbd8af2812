"""What the guides' code examples assume, as Sphinx's doctest_global_setup would: run before each page's code by
tests/test_docs.py (in a fresh process, in an empty working folder). A small three-layer net, its parameter groups,
a loss, a few batches and the names the snippets use for them."""
import mindspore as ms
import mindspore.dataset as ds
import mindspore.experimental.optim  # noqa: F401  (experimental.optim in the snippets)
import numpy as np
from mindspore import Tensor, experimental, nn
from mindspore.train import Model

import ms_lr

ms.set_context(mode=ms.GRAPH_MODE)
ms.set_seed(0)


class GuideNet(nn.Cell):
    def __init__(self) -> None:
        super().__init__()
        self.embedding = nn.Dense(8, 8)
        self.backbone = nn.Dense(8, 8)
        self.head = nn.Dense(8, 2)

    def construct(self, x: Tensor) -> Tensor:
        return self.head(ms.ops.relu(self.backbone(ms.ops.relu(self.embedding(x)))))


net = GuideNet()
params = net.trainable_params()
rest, backbone, head = (net.embedding.trainable_params(), net.backbone.trainable_params(),
                        net.head.trainable_params())
layers = [rest, backbone, head]
loss = loss_fn = nn.SoftmaxCrossEntropyWithLogits(sparse=True, reduction="mean")


def forward(x: Tensor, y: Tensor) -> Tensor:
    return loss_fn(net(x), y)


_rng = np.random.default_rng(0)
_x = _rng.normal(size=(64, 8)).astype(np.float32)
_y = (_x[:, 0] > 0).astype(np.int32)
loader = [(Tensor(_x[i:i + 16]), Tensor(_y[i:i + 16])) for i in range(0, 64, 16)]
train_ds = ds.NumpySlicesDataset({"x": _x, "y": _y}, shuffle=False).batch(16)
val_ds = ds.NumpySlicesDataset({"x": _x, "y": _y}, shuffle=False).batch(16)
epochs = 2
lr0, lrf, lr_max, N = 0.01, 0.01, 0.1, 1000
__all__ = ["ms", "ds", "np", "Tensor", "experimental", "nn", "Model", "ms_lr", "net", "params", "rest", "backbone",
           "head", "layers", "loss", "loss_fn", "forward", "loader", "train_ds", "val_ds", "epochs", "lr0", "lrf",
           "lr_max", "N"]

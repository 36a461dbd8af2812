"""Step a real torch.optim.lr_scheduler and record the lr each optimizer update used."""
import numpy as np
import torch


def torch_lrs(make_scheduler, steps, lrs=(0.1,)):
    """lr of every param group for updates 0..steps-1: an array of shape (steps,) or (steps, groups).

    The lr recorded at index k is what the optimizer uses for its k-th update, after k scheduler.step() calls.
    """
    params = [torch.nn.Parameter(torch.zeros(1)) for _ in lrs]
    optimizer = torch.optim.SGD([{"params": [p], "lr": lr} for p, lr in zip(params, lrs)], lr=lrs[0])
    scheduler = make_scheduler(optimizer)
    out = []
    for _ in range(steps):
        out.append([group["lr"] for group in optimizer.param_groups])
        optimizer.step()
        scheduler.step()
    out = np.array(out, dtype=np.float64)
    return out[:, 0] if len(lrs) == 1 else out

"""The other libraries' real schedulers, run step by step for the parity tests (test-only dependencies)."""
import importlib
import importlib.util
import sys
import types

import numpy as np
import pytest


def torch_optimizer(lr):
    torch = pytest.importorskip("torch")
    return torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)


def timm_scheduler_module():
    """``timm.scheduler``, imported without ``timm/__init__`` (which imports torchvision, absent here: the
    schedulers need only torch)."""
    if "timm.scheduler" in sys.modules:
        return sys.modules["timm.scheduler"]
    spec = importlib.util.find_spec("timm")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("timm is not installed")
    if "timm" not in sys.modules:
        package = types.ModuleType("timm")
        package.__path__ = list(spec.submodule_search_locations)
        sys.modules["timm"] = package
    return importlib.import_module("timm.scheduler")


def huggingface_lrs(name, lr, steps, **kwargs):
    """The lr after k calls of ``step()`` of ``transformers.get_scheduler(name, ...)``, k = 0 .. steps - 1."""
    transformers = pytest.importorskip("transformers.optimization")
    optimizer = torch_optimizer(lr)
    scheduler = transformers.get_scheduler(name, optimizer, **kwargs)
    lrs = []
    for _ in range(steps):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return np.array(lrs)


def timm_lrs(lr, updates_per_epoch, steps, **kwargs):
    """timm's lr at each of ``steps`` optimizer steps, stepped as its training script does (``step(epoch)`` at each
    epoch, or ``step_update(num_updates)`` after each update), and ``create_scheduler_v2``'s num_epochs."""
    module = timm_scheduler_module()
    optimizer = torch_optimizer(lr)
    scheduler, epochs = module.create_scheduler_v2(optimizer, updates_per_epoch=updates_per_epoch, **kwargs)
    lrs = []
    on_epochs = kwargs.get("step_on_epochs", True)
    for k in range(steps):
        if on_epochs and k % updates_per_epoch == 0:
            scheduler.step(k // updates_per_epoch)
        elif not on_epochs:
            scheduler.step_update(k)
        lrs.append(optimizer.param_groups[0]["lr"])
    return np.array(lrs), epochs


def mindcv_lrs(steps_per_epoch, **kwargs):
    """mindcv's per-step lr list (its scheduler module needs no MindSpore network code)."""
    factory = pytest.importorskip("mindcv.scheduler.scheduler_factory")
    return np.array(factory.create_scheduler(steps_per_epoch, **kwargs))



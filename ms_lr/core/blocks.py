"""Cells that build part of a schedule's graph and stay out of their owner's cell tree.

Why: before every launch of a compiled cell, MindSpore sets ``compile_phase`` on every cell of its tree, one
Python ``Cell.__setattr__`` per cell (``mindspore/nn/cell.py``): about 5 to 10 us per cell per step on this
project's CPU machine, the same order as a schedule's kernels. A schedule's graph blocks (cycle tables, searches,
ramps, weights, powers) and its parameter-free children (the schedules a composition holds, and their
``CellList``) hold Tensors and no Parameters, so nothing that walks the tree (checkpoints, ``parameters_dict``,
``set_train``) needs to find them: kept as plain attributes they are still compiled where their owner calls them,
and cost nothing per launch. A child that holds a Parameter (``ReducibleLR``'s factor) stays in the tree, so it
is saved with the optimizer.
"""
from typing import Any

from mindspore import nn

__all__ = ["GraphBlock", "OutOfTreeBlocks"]


class OutOfTreeBlocks:
    """Mixed into a Cell: an attribute that is a Cell without Parameters is set as a plain attribute."""

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, nn.Cell) and not value.parameters_dict():
            object.__setattr__(self, name, value)
        else:
            super().__setattr__(name, value)


class GraphBlock(OutOfTreeBlocks, nn.Cell):
    """Base of the graph building blocks; blocks nest."""

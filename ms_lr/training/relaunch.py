"""Calling a compiled ``mindspore.jit`` function of no arguments again without MindSpore's per-call Python.

Every call of a ``mindspore.jit`` function runs MindSpore's Python front end before its graph: it builds a new
executor object, derives the compile key from the arguments (none here), looks the key up in the compile cache,
reads environment variables, and only then launches the compiled graph (``_pynative_executor.grad_jit``). For a
graph of a few kernels that front end is most of the call: a jit function that adds 1 to a Parameter takes about
125 us a call on MindSpore 2.10 (178 on 2.7) on this project's CPU machine, the same compiled graph launched
directly about 45 on both; ``python scripts/jit_call_overhead.py`` measures it with MindSpore alone.

:func:`relaunching` keeps the first call public (it compiles, and names the graph's phase in MindSpore's compile
cache) and launches that phase directly afterwards, where the public call would launch it too: the phase is still
compiled, ``mindspore.jit`` is on (``MS_JIT`` not ``0``), no gradient is being recorded (that call compiles a
graph of its own) and no bytecode-captured function is running (that one takes the graph into its own). Anywhere
else, and on a MindSpore without these internals, it is the public call. Inside a graph being compiled, the
returned function is not called: MindSpore's parser follows its ``__wrapped__`` to the given ``graph``.
"""
import os
import sys
from typing import Any, Callable, Optional

import mindspore as ms

__all__ = ["relaunching"]


class _Internals:
    """MindSpore's own handles for the launch: its jit module (the compile cache lives there), the two graph
    executors a public call chooses between, the default jit config it sets, and how the phase to run is named
    (2.7 and 2.10 differ)."""

    def __init__(self) -> None:
        from mindspore._c_expression import GraphExecutor_, JitExecutor_, _run_jit_pipeline
        self.module = sys.modules[ms.jit.__module__]
        self.pynative = self.module._pynative_executor
        self.context = self.module.jit_context
        self.pipeline, self.jit_executor, self.graph_executor = _run_jit_pipeline, JitExecutor_, GraphExecutor_
        self.config = ms.JitConfig().jit_config_dict
        if hasattr(self.pynative, "set_jit_compile_phase"):         # 2.10
            self.name_phase = self.pynative.set_jit_compile_phase
        else:                                                       # 2.7
            self.name_phase = lambda phase: self.pynative.set_jit_compile_status(False, phase)
        if not isinstance(self.compiled(), set):
            raise AttributeError("no compile cache")

    def compiled(self) -> set:
        return self.module.ms_compile_cache

    def plain(self) -> bool:
        """Whether a public call would launch the plain graph: jit on, no gradient recorded, no bytecode capture."""
        return os.environ.get("MS_JIT") != "0" and not self.pynative.requires_grad() and not self.context()

    def executor_for(self, phase: str) -> Any:
        """The graph executor a public call would launch ``phase`` on now (chosen per call, as MindSpore does), or
        ``None`` where that call would launch something else."""
        if phase not in self.compiled() or not self.plain():
            return None
        executor = (self.jit_executor if self.pipeline() else self.graph_executor).get_instance()
        return executor if executor.has_compiled(phase) else None

    def launch(self, executor: Any, phase: str) -> Any:
        executor.set_jit_config(self.config)
        self.name_phase(phase)
        return self.pynative.grad_jit()


def _internals() -> Optional[_Internals]:
    try:
        return _Internals()
    except (ImportError, AttributeError):
        return None


_INTERNALS = _internals()


def relaunching(function: Callable[[], Any], graph: Callable[[], Any]) -> Callable[[], Any]:
    """``function`` (a ``mindspore.jit`` function of no arguments, compiled at its first call) as a function that
    launches its compiled graph directly after the first call, where that is what the public call would do.
    ``graph`` is what MindSpore parses where the result is called inside another graph (``function`` undecorated)."""
    internals = _INTERNALS
    phase: Optional[str] = None

    def call() -> Any:
        nonlocal phase
        executor = None if phase is None else internals.executor_for(phase)
        if executor is not None:
            return internals.launch(executor, phase)
        if internals is None or not internals.plain():
            return function()
        before = set(internals.compiled())
        output = function()
        # The phase this call compiled: exactly one new entry (none where it was compiled already, and the phase
        # found before stays; several where something else compiled at the same time: no direct launch).
        added = internals.compiled() - before
        if added:
            phase = added.pop() if len(added) == 1 else None
        return output

    call.__wrapped__ = graph
    return call

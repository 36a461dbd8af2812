"""relaunching: a compiled jit function of no arguments launched directly after its first call, and the public call
wherever that would launch something else."""
import mindspore as ms
import numpy as np
import pytest
from mindspore import Parameter, Tensor, ops

from ms_lr.training import relaunch
from ms_lr.training.relaunch import relaunching

ONE = Tensor(np.int32(1))


def counter(name):
    """A Parameter, a function adding 1 to it, and the list of public calls of its ``mindspore.jit`` form."""
    count = Parameter(Tensor(np.int32(0)), name=name, requires_grad=False)

    def add():
        ops.assign_add(count, ONE)
        return True

    compiled = ms.jit(add)
    public = []

    def call():
        public.append(1)
        return compiled()

    return count, relaunching(call, add), public


@pytest.fixture(autouse=True)
def pynative():
    ms.set_context(mode=ms.PYNATIVE_MODE)


def test_the_supported_mindspore_releases_have_the_internals():
    """Without them every call is the public one: still right, but the saving is gone (a MindSpore upgrade that
    drops them shows here)."""
    assert relaunch._INTERNALS is not None


@pytest.mark.parametrize("mode", [ms.PYNATIVE_MODE, ms.GRAPH_MODE], ids=["pynative", "graph"])
def test_after_its_first_call_the_graph_is_launched_directly(mode):
    ms.set_context(mode=mode)
    count, call, public = counter("first")
    results = [call() for _ in range(10)]
    assert public == [1], "only the first call goes through mindspore.jit"
    assert int(count.asnumpy()) == 10
    assert results == [True] * 10


def test_two_functions_launched_in_turn_each_run_their_own_graph():
    first, call_first, _ = counter("a")
    second, call_second, _ = counter("b")
    for _ in range(4):
        call_first()
        call_second()
        call_second()
    assert (int(first.asnumpy()), int(second.asnumpy())) == (4, 8)


def test_where_the_public_call_would_launch_another_graph_it_is_the_public_call(monkeypatch):
    """A gradient being recorded or a bytecode-captured function running makes the public call compile or run a
    graph of its own: every call is the public one then (``plain`` stands for those states here)."""
    count, call, public = counter("fallback")
    call()
    monkeypatch.setattr(relaunch._INTERNALS, "plain", lambda: False)
    for _ in range(3):
        call()
    assert len(public) == 4
    monkeypatch.undo()
    call()
    assert len(public) == 4 and int(count.asnumpy()) == 5


def test_with_jit_off_the_function_runs_as_python(monkeypatch):
    count, call, public = counter("off")
    call()
    monkeypatch.setenv("MS_JIT", "0")
    call()
    assert len(public) == 2 and int(count.asnumpy()) == 2


def test_a_graph_gone_from_the_compile_cache_is_compiled_again_and_then_launched_directly():
    """As after ``ms.ms_memory_recycle()``, which empties MindSpore's compile cache (called here, it would drop every
    graph of the test process)."""
    cache = relaunch._INTERNALS.compiled()
    before = set(cache)
    count, call, public = counter("recycled")
    for _ in range(3):
        call()
    (phase,) = cache - before
    cache.discard(phase)
    for _ in range(3):
        call()
    assert len(public) == 2 and phase in cache and int(count.asnumpy()) == 6


def test_inside_a_jit_function_it_is_part_of_that_graph():
    count, call, public = counter("nested")

    @ms.jit
    def outer(x):
        call()
        return x * 2

    for _ in range(3):
        outer(Tensor(1.0))
    assert public == [] and int(count.asnumpy()) == 3

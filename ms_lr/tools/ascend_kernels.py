"""Where Ascend runs each primitive a schedule's graph holds: on its AI Core, on its AI CPU (a task the device's
host CPU runs, a round trip away), or nowhere (the operator rejects the dtype), by dtype.

MindSpore's Ascend kernel for a primitive calls CANN's ``aclnn`` operator of that name (``SearchSorted`` calls
``aclnnSearchSorted``: ``MS_ACLNN_KERNEL_FACTORY_REG(SearchSorted, ...)``). The operator first checks the dtypes
it accepts, then launches an AI Core task for the dtypes in its level-0 kernel's AI Core list and an AI CPU task
for the rest. The lists below are copied from CANN's operator sources (``CANN_SOURCES``), for Atlas A2 training
(Ascend 910B) where a source lists chips apart, and only for the dtypes ms_lr's graphs use; nothing here was
measured on a device.
"""
from typing import Dict, FrozenSet, NamedTuple, Optional, Sequence

__all__ = ["CANN_SOURCES", "Placement", "KERNELS", "VIEWS", "placing_dtype", "placement", "AI_CORE", "AI_CPU",
           "REJECTED", "VIEW"]

#: The repositories and commits the lists were read from.
CANN_SOURCES = {
    "hicann/ops-math": "c41933244c31e44fd496e3bb3212164f8c48c214",
    "hicann/ops-nn": "6a9a3ebea0390be74d72ec46405044412f135cf4",
}

AI_CORE, AI_CPU, REJECTED, VIEW = "AI Core", "AI CPU", "rejected", "view"


class Placement(NamedTuple):
    """One primitive's operator on Ascend: the dtypes (of ``operand``, an index into the node's inputs and then its
    outputs) it runs on the AI Core, on the AI CPU, and those it rejects; a dtype in none was not looked up.
    ``source`` is the level-0 kernel's file (its AI Core list), in the repository named first."""

    operator: str
    source: str
    ai_core: FrozenSet[str]
    ai_cpu: FrozenSet[str]
    rejected: FrozenSet[str]
    operand: int = 0


def _kernel(operator: str, source: str, ai_core: str, ai_cpu: str = "Float64", rejected: str = "",
            operand: int = 0) -> Placement:
    """A ``Placement`` from space-separated dtypes. Float64 is on the AI CPU by default: each operator below that
    takes it lists it among the dtypes its aclnn entry accepts and has no AI Core kernel for it."""
    return Placement(operator, source, frozenset(ai_core.split()), frozenset(ai_cpu.split()),
                     frozenset(rejected.split()), operand)


#: By MindSpore primitive name. The dtypes are MindSpore's names; ``Cast``'s are ``source->target`` pairs.
KERNELS: Dict[str, Placement] = {
    "Abs": _kernel("aclnnAbs", "ops-math: math/abs/op_api/abs.cpp", "Float32 Int32 Int64"),
    "Add": _kernel("aclnnAdd", "ops-math: math/add/op_api/add.cpp", "Float32 Int32 Int64 Bool"),
    "Addcmul": _kernel("aclnnAddcmul", "ops-math: math/addcmul/op_api/addcmul.cpp", "Float32 Int32", "Float64 Int64"),
    # aclnnBitwiseAndTensor / OrTensor run a bool pair as LogicalAnd / LogicalOr (AI Core for bool).
    "BitwiseAnd": _kernel("aclnnBitwiseAndTensor", "ops-math: math/bitwise_and/op_api/bitwiseand.cpp, "
                          "math/bitwise_and/op_api/aclnn_bitwise_and_tensor.cpp", "Int32 Int64 Bool", ""),
    "BitwiseOr": _kernel("aclnnBitwiseOrTensor", "ops-math: math/bitwise_or/op_api/bitwise_or.cpp, "
                         "math/bitwise_or/op_api/aclnn_bitwise_or_tensor.cpp", "Int32 Int64 Bool", ""),
    "BitwiseXor": _kernel("aclnnBitwiseXorTensor", "ops-math: math/bitwise_xor/op_api/bitwise_xor.cpp",
                          "Int32 Int64", ""),
    "Cast": _kernel("aclnnCast", "ops-math: math/cast/op_api/cast.cpp",
                    "Int32->Float32 Float32->Int32 Bool->Int32 Bool->Float32 Int64->Int32 Int32->Int64 Int64->Float32 "
                    "Float32->Int64",
                    "Float32->Float64 Float64->Float32 Int32->Float64 Int64->Float64 Float64->Int64 Float64->Int32"),
    "Div": _kernel("aclnnDiv", "ops-math: math/div/op_api/div.cpp", "Float32 Int32"),
    "Equal": _kernel("aclnnEqTensor", "ops-math: math/equal/op_api/equal.cpp", "Float32 Int32 Int64 Bool", ""),
    "Exp": _kernel("aclnnExp", "ops-math: math/exp/op_api/exp.cpp", "Float32"),
    # No AI CPU kernel, and aclnnExpm1's own check (aclnn_expm1.cpp) rejects float64.
    "Expm1": _kernel("aclnnExpm1", "ops-math: math/expm1/op_api/expm1.cpp, math/expm1/op_api/aclnn_expm1.cpp",
                     "Float32", "", "Float64"),
    "FloorDiv": _kernel("aclnnFloorDivide", "ops-math: math/floor_div/op_api/floordiv.cpp", "Float32 Int32",
                        "Float64 Int64"),
    "FloorMod": _kernel("aclnnRemainderTensorTensor", "ops-math: math/floor_mod/op_api/floor_mod.cpp",
                        "Float32 Int32 Int64"),
    "Gather": _kernel("aclnnGatherV2", "ops-nn: index/gather_v2/op_api/gather_v2.cpp (int32 or int64 indices)",
                      "Float32 Int32 Int64 Bool", ""),
    "GreaterEqual": _kernel("aclnnGeTensor", "ops-math: math/greater_equal/op_api/greater_equal.cpp",
                            "Float32 Int32 Int64"),
    "Less": _kernel("aclnnLtTensor", "ops-math: math/less/op_api/less.cpp", "Float32 Int32 Int64 Bool"),
    "LessEqual": _kernel("aclnnLeTensor", "ops-math: math/less_equal/op_api/less_equal.cpp", "Float32 Int32 Int64"),
    "Log": _kernel("aclnnLog", "ops-math: math/log/op_api/log.cpp", "Float32"),
    "Log1p": _kernel("aclnnLog1p", "ops-math: math/log1p/op_api/log1p.cpp", "Float32"),
    "Maximum": _kernel("aclnnMaximum", "ops-math: math/maximum/op_api/maximum.cpp", "Float32 Int32 Int64"),
    "Minimum": _kernel("aclnnMinimum", "ops-math: math/minimum/op_api/minimum.cpp", "Float32 Int32 Int64"),
    "Mul": _kernel("aclnnMul", "ops-math: math/mul/op_api/mul.cpp", "Float32 Int32 Int64 Bool"),
    "Neg": _kernel("aclnnNeg", "ops-math: math/neg/op_api/neg.cpp", "Float32 Int32 Int64"),
    "Pow": _kernel("aclnnPowTensorTensor", "ops-math: math/pow/op_api/pow.cpp", "Float32 Int32", "Float64 Int64"),
    "ReduceSum": _kernel("aclnnReduceSum", "ops-math: math/reduce_sum/op_api/reduce_sum_op.cpp", "Float32 Int32 Int64"),
    "Rsqrt": _kernel("aclnnRsqrt", "ops-math: math/rsqrt/op_api/rsqrt.cpp", "Float32"),
    # CANN has no AI Core kernel for it: its level-0 op launches an AI CPU task for every dtype.
    "SearchSorted": _kernel("aclnnSearchSorted", "ops-math: math/search_sorted/op_host/op_api/searchsorted.cpp", "",
                            "Float32 Int32 Int64 Float64"),
    "Select": _kernel("aclnnSWhere", "ops-math: math/select/op_api/select.cpp", "Float32 Int32 Int64", operand=1),
    "Sigmoid": _kernel("aclnnSigmoid", "ops-nn: activation/sigmoid/op_api/sigmoid.cpp", "Float32"),
    "Sin": _kernel("aclnnSin", "ops-math: math/sin/op_api/sin.cpp", "Float32"),
    "Sinh": _kernel("aclnnSinh", "ops-math: math/sinh/op_api/sinh.cpp", "Float32"),
    "Sqrt": _kernel("aclnnSqrt", "ops-math: math/sqrt/op_api/sqrt.cpp", "Float32"),
    "Sub": _kernel("aclnnSub", "ops-math: math/sub/op_api/sub.cpp", "Float32 Int32 Int64 Bool"),
}

#: Primitives MindSpore runs as a view of their input (``graph_view: True`` in MindSpore's op definition,
#: ``mindspore/ops/op_def/yaml/expand_dims_op.yaml``): no kernel.
VIEWS = frozenset({"ExpandDims"})


def placing_dtype(primitive: str, inputs: Sequence[str], outputs: Sequence[str]) -> str:
    """The dtype that places a node of ``primitive`` (in ``KERNELS``): its operand's, ``Cast``'s
    ``source->target``."""
    if primitive == "Cast":
        return f"{inputs[0]}->{outputs[0]}"
    return (list(inputs) + list(outputs))[KERNELS[primitive].operand]


def placement(primitive: str, inputs: Sequence[str], outputs: Sequence[str]) -> Optional[str]:
    """Where Ascend runs a node of ``primitive`` with these input and output tensor dtypes: ``AI_CORE``,
    ``AI_CPU``, ``REJECTED`` or ``VIEW``; ``None`` for a primitive or a dtype not looked up yet."""
    if primitive in VIEWS:
        return VIEW
    kernel = KERNELS.get(primitive)
    if kernel is None:
        return None
    dtype = placing_dtype(primitive, inputs, outputs)
    if dtype in kernel.ai_core:
        return AI_CORE
    if dtype in kernel.ai_cpu:
        return AI_CPU
    return REJECTED if dtype in kernel.rejected else None

"""The docstring sections every schedule shares, inserted in MindSpore's section order when the class is declared."""
from typing import Optional

__all__ = ["with_shared_sections", "SECTIONS"]

# MindSpore's order: summary and formula, Args, Inputs, Outputs, Raises, Supported Platforms, Examples.
SECTIONS = ("Args:", "Inputs:", "Outputs:", "Raises:", "Supported Platforms:", "Examples:")

_INPUTS_OUTPUTS = """    Inputs:
        - **global_step** (Tensor) - The step(s), any shape: int32 ``[1]`` as optimizers pass it, or any integer
          or floating-point dtype, a Python int or a NumPy array. Steps are floored and saturated to
          ``[0, 2**31 - 1]``.

    Outputs:
        Tensor of float32, the same shape as `global_step`.

"""
_PLATFORMS = """    Supported Platforms:
        ``Ascend`` ``GPU`` ``CPU``

"""


def with_shared_sections(name: str, doc: Optional[str]) -> Optional[str]:
    """``doc`` with Inputs/Outputs inserted before Raises and Supported Platforms before Examples.

    ``python -OO`` strips docstrings: then there is nothing to complete and ``None`` comes back.
    """
    if doc is None:
        return None
    if "\n    Raises:\n" not in doc or "\n    Examples:\n" not in doc:
        raise TypeError(f"{name}'s docstring needs Raises and Examples sections (MindSpore's layout)")
    if "\n    Inputs:\n" in doc:      # already completed (a docstring inherited unchanged)
        return doc
    doc = doc.replace("\n    Raises:\n", "\n" + _INPUTS_OUTPUTS + "    Raises:\n", 1)
    return doc.replace("\n    Examples:\n", "\n" + _PLATFORMS + "    Examples:\n", 1)

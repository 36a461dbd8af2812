"""The docstring sections every schedule shares, inserted in MindSpore's section order when the class is declared:
Inputs/Outputs, Supported Platforms, and the Raises line for wrong types, written from the argument rules."""
import textwrap
from typing import Any, Mapping, Optional

__all__ = ["with_shared_sections", "type_errors", "readable", "SECTIONS"]

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


def readable(rule: Any) -> str:
    """What an argument is, in the words ``help()`` and ``inspect.signature`` show: ``float >= 0``, ``int >= 1``,
    ``'cos' | 'linear'``, ``Schedule | float``, ``... | None``."""
    inner = getattr(rule, "inner", None)
    if inner is not None:
        return f"{readable(inner)} | None"
    choices = getattr(rule, "choices", None)
    if choices is not None:
        return " | ".join(repr(c) for c in choices)
    low, high = getattr(rule, "low", None), getattr(rule, "high", None)
    kind = {"an int": "int", "a real number": "float", "a bool": "bool", "a list of ints": "list[int]",
            "a callable": "callable", "a sequence of real numbers": "list[float]", "an ms_lr schedule": "Schedule",
            "an ms_lr schedule or a real number": "Schedule | float",
            "a list of ms_lr schedules": "list[Schedule]",
            "a list of ms_lr schedules or lrs": "list[Schedule | float]"}.get(getattr(rule, "expects", ""), "object")
    if kind in ("int", "float", "list[int]"):
        lower = "" if low is None else (">" if getattr(rule, "low_open", False) else ">=")
        upper = "" if high is None or high == 2**31 - 1 else ("<" if getattr(rule, "high_open", False) else "<=")
        if lower and upper:
            return f"{kind} in {'(' if lower == '>' else '['}{low}, {high}{')' if upper == '<' else ']'}"
        if lower:
            return f"{kind} {lower} {low}"
        if upper:
            return f"{kind} {upper} {high}"
    return kind


def type_errors(rules: Mapping[str, Any]) -> str:
    """The Raises entry for wrong types, one clause per argument from its rule's ``expects``."""
    clauses = [f"``{name}`` is not {rule.expects}" for name, rule in rules.items() if rule.expects]
    if not clauses:
        return ""
    numeric = any(rule.expects.startswith(("an int", "a real number")) for rule in rules.values())
    text = "TypeError: If " + (", or ".join([", ".join(clauses[:-1]), clauses[-1]]) if len(clauses) > 1
                               else clauses[0]) + (" (a bool is neither an int nor a real number)." if numeric else ".")
    return textwrap.fill(text, 112, initial_indent=" " * 8, subsequent_indent=" " * 12) + "\n"


def with_shared_sections(name: str, doc: Optional[str], rules: Optional[Mapping[str, Any]] = None) -> Optional[str]:
    """``doc`` with Inputs/Outputs inserted before Raises, the wrong-type entry written from ``rules`` at the top of
    Raises (unless the docstring words its own), and Supported Platforms before Examples.

    ``python -OO`` strips docstrings: then there is nothing to complete and ``None`` comes back.
    """
    if doc is None:
        return None
    if "\n    Raises:\n" not in doc or "\n    Examples:\n" not in doc:
        raise TypeError(f"{name}'s docstring needs Raises and Examples sections (MindSpore's layout)")
    if "\n    Inputs:\n" in doc:      # already completed (a docstring inherited unchanged)
        return doc
    raises = "" if "\n        TypeError:" in doc else type_errors(rules or {})
    doc = doc.replace("\n    Raises:\n", "\n" + _INPUTS_OUTPUTS + "    Raises:\n" + raises, 1)
    return doc.replace("\n    Examples:\n", "\n" + _PLATFORMS + "    Examples:\n", 1)

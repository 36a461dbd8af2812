"""What autodoc and napoleon need to render ms_lr's docstrings, which follow MindSpore's conventions.

- ``Inputs:`` items are written MindSpore's way, ``- **global_step** (Tensor) - The step(s)...``; napoleon reads
  an item as ``name (type): description``, so they are rewritten to that before napoleon parses the section.
- A ``mindspore.nn.Cell`` subclass defines ``__new__(cls, *args, **kwargs)``, which autodoc prefers to
  ``__init__``: every schedule would be documented as ``(*args, **kwargs)``. The signature shown is the one
  ``inspect.signature`` gives (``help()`` shows the same), its annotations cut to the type (``T_0: int``): the
  bounds (``int >= 1``, ``float in [0.0, 1.0)``) are not expressions Sphinx can parse, and the Args section states them.
"""
import inspect
import re
from typing import Any, Dict, List, Optional, Tuple

_MINDSPORE_ITEM = re.compile(r"^(\s*)- \*\*(\w+)\*\* \(([^)]*)\) - (.*)$")
_SECTION = re.compile(r"^\s*(Inputs|Outputs):\s*$")
# A bound after a type: ``>= 1``, ``> 0.0``, ``in [0.0, 1.0)``.
_BOUND = re.compile(r"\s+(?:>=|<=|>|<|in)\s+(?:[\[(][^\])]*[\])]|\S+)")


def napoleon_items(lines: List[str]) -> None:
    """Rewrite the ``Inputs:``/``Outputs:`` items of a docstring's lines in place."""
    inside = False
    for i, line in enumerate(lines):
        if _SECTION.match(line):
            inside = True
            continue
        if inside and line.strip() and not line.startswith(" "):
            inside = False
        match = _MINDSPORE_ITEM.match(line) if inside else None
        if match:
            indent, name, kind, text = match.groups()
            lines[i] = f"{indent}{name} ({kind}): {text}"


def shown_signature(obj: Any) -> Optional[str]:
    """``obj``'s signature as ``inspect`` gives it, without ``self``, the annotations unquoted."""
    try:
        signature = inspect.signature(obj)
    except (TypeError, ValueError):
        return None
    parts = []
    star_done = False
    for parameter in signature.parameters.values():
        if parameter.kind is parameter.KEYWORD_ONLY and not star_done:
            parts.append("*")
            star_done = True
        if parameter.kind is parameter.VAR_POSITIONAL:
            star_done = True
        text = {parameter.VAR_POSITIONAL: "*", parameter.VAR_KEYWORD: "**"}.get(parameter.kind, "")
        text += parameter.name
        if parameter.annotation is not parameter.empty:
            annotation = parameter.annotation
            annotation = annotation if isinstance(annotation, str) else inspect.formatannotation(annotation)
            text += ": " + _BOUND.sub("", annotation)
        if parameter.default is not parameter.empty:
            text += f" = {parameter.default!r}"
        parts.append(text)
    return "(" + ", ".join(parts) + ")"


def _on_docstring(app: Any, what: str, name: str, obj: Any, options: Any, lines: List[str]) -> None:
    napoleon_items(lines)


def _on_signature(app: Any, what: str, name: str, obj: Any, options: Any, signature: Optional[str],
                  return_annotation: Optional[str]) -> Optional[Tuple[Optional[str], Optional[str]]]:
    if what == "class" and signature == "(*args, **kwargs)":
        shown = shown_signature(obj)
        if shown is not None:
            return shown, return_annotation
    return None


def setup(app: Any) -> Dict[str, Any]:
    # Before napoleon (priority 500), which turns the sections into fields.
    app.connect("autodoc-process-docstring", _on_docstring, priority=400)
    app.connect("autodoc-process-signature", _on_signature)
    return {"parallel_read_safe": True, "version": "1"}

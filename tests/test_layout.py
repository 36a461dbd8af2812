"""The package's tiers, as the contributing guide's "Layout" states them, checked over every import in ``ms_lr``
(the ones inside functions too): a module imports only from its own tier and the tiers above it."""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "ms_lr"
# Top first; the package root (ms_lr/__init__.py, __main__.py) sits below them all and may import any tier.
TIERS = ("core", "graph", "reference", "schedules", "config", "training", "tools")
ROOT = len(TIERS)


def _tier(module: str) -> int:
    parts = module.split(".")
    if parts[0] != "ms_lr":
        raise ValueError(module)
    return TIERS.index(parts[1]) if len(parts) > 1 and parts[1] in TIERS else ROOT


def _module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(relative.parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path):
    """``(line, imported module)`` for every import of ms_lr in the file, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1] + ([base] if base else []))
            # ``from ms_lr import schedules`` imports the subpackage, not the root.
            names = [f"{base}.{alias.name}" if base == "ms_lr" else base for alias in node.names]
        else:
            continue
        for name in names:
            if name == "ms_lr" or name.startswith("ms_lr."):
                yield node.lineno, name


FILES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(PACKAGE)) for p in FILES])
def test_a_module_imports_only_from_its_own_tier_and_the_tiers_above(path):
    own = _tier(_module_name(path))
    wrong = [f"line {line}: {name} ({TIERS[_tier(name)] if _tier(name) < ROOT else 'the package root'})"
             for line, name in _imports(path) if _tier(name) > own]
    tier = TIERS[own] if own < ROOT else "the package root"
    assert not wrong, f"ms_lr/{path.relative_to(PACKAGE)} is in {tier}, below which it must not import: {wrong}"


def test_every_subpackage_is_a_tier():
    subpackages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert subpackages == set(TIERS), \
        "a new subpackage needs its place in TIERS and in the contributing guide's 'Layout'"


def test_the_contributing_guide_states_the_tiers_in_this_order():
    readme = (PACKAGE.parent / "docs" / "guides" / "contributing.md").read_text(encoding="utf-8")
    layout = readme[readme.index("## Layout"):]
    positions = [layout.index(f"ms_lr/{tier}/") for tier in TIERS]
    assert positions == sorted(positions), "the contributing guide's 'Layout' lists the tiers top first"

"""The documentation's code runs: every ``python`` block of every page (the README and docs/**/*.md), in order, one
process per page, after docs/guide_setup.py (the names the snippets assume), in an empty working folder.

A block preceded by ``<!-- not run: why -->`` is shown only (a template, a multi-device launch); a block preceded by
``<!-- file: name -->`` is written to that file first (a YAML config the next block loads). The site itself is built
with warnings as errors by ``make docs``; ``test_every_public_name_and_schedule_has_an_api_page`` checks here that
the API pages it generates cover every public name and that every schedule's docstring example builds the instance
its page draws."""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGES = [ROOT / "README.md"] + sorted(p for p in DOCS.rglob("*.md") if "_build" not in p.parts and
                                      p.parts[len(DOCS.parts)] != "api")
_FENCE = re.compile(r"^```(\S*)\s*$")
_DIRECTIVE = re.compile(r"^<!-- (not run|file): ?(.*?) -->$")


def blocks(text):
    """``(language, code, directive, argument)`` of each fenced block, with the directive comment right above."""
    lines, found, i = text.splitlines(), [], 0
    while i < len(lines):
        fence = _FENCE.match(lines[i])
        if fence and fence.group(1):
            above = next((lines[j] for j in range(i - 1, -1, -1) if lines[j].strip()), "")
            directive = _DIRECTIVE.match(above.strip())
            end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
            found.append((fence.group(1), "\n".join(lines[i + 1:end]),
                          directive.group(1) if directive else None, directive.group(2) if directive else None))
            i = end + 1
        else:
            i += 1
    return found


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_pages_code_runs(page, tmp_path):
    parts = [(DOCS / "guide_setup.py").read_text(encoding="utf-8")]
    ran = 0
    for language, code, directive, argument in blocks(page.read_text(encoding="utf-8")):
        if directive == "file":
            (tmp_path / argument).write_text(code + "\n", encoding="utf-8")
        elif language == "python" and directive != "not run":
            parts.append(f"# --- {page.name}, block {ran + 1}\n{code}")
            ran += 1
    if not ran:
        pytest.skip(f"{page.name} has no code to run")
    script = tmp_path / "page.py"
    script.write_text("\n\n".join(parts) + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], cwd=str(tmp_path), capture_output=True, text=True,
                          timeout=900, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, f"{page.name}: its code fails:\n{done.stderr[-4000:]}"


def test_every_public_name_and_schedule_has_an_api_page(tmp_path):
    sys.path.insert(0, str(DOCS / "_ext"))
    try:
        import api_pages
    finally:
        sys.path.remove(str(DOCS / "_ext"))
    import ms_lr
    from ms_lr.core.schedule import declared_types
    names = api_pages.generate(str(tmp_path), plots=False)
    assert set(names) == set(ms_lr.__all__)
    index = (tmp_path / "api" / "index.md").read_text(encoding="utf-8")
    for name in ms_lr.__all__:
        assert (tmp_path / "api" / f"{name}.md").is_file() and f"\n{name}\n" in index, name
    for cls in declared_types():
        if cls.__name__ in ms_lr.__all__:
            schedule = api_pages.example_instance(cls)
            assert isinstance(schedule, cls) and api_pages.horizon(schedule) >= 20
            assert f"plots/{cls.__name__}.png" in (tmp_path / "api" / f"{cls.__name__}.md").read_text()


def test_the_readmes_links_resolve():
    """README.md is read on the repository's page, outside the site: each of its relative links names a file."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text)
    assert links, "the README links to the guides"
    missing = [link for link in links if "://" not in link and not (ROOT / link).exists()]
    assert not missing, f"README links to missing files: {missing}"


def _docs_extension(name):
    sys.path.insert(0, str(DOCS / "_ext"))
    try:
        return __import__(name)
    finally:
        sys.path.remove(str(DOCS / "_ext"))


def test_the_api_pages_show_each_schedules_arguments_and_inputs():
    """autodoc alone documents every schedule as ``(*args, **kwargs)`` (``Cell.__new__``) and shows MindSpore's
    ``- **name** (type) - text`` Inputs items raw; the site's extension gives it the arguments and napoleon items."""
    import ms_lr
    docstrings = _docs_extension("mindspore_docstrings")
    assert docstrings.shown_signature(ms_lr.CosineAnnealingWarmRestarts) == (
        "(base_lr: float, T_0: int, T_mult: int = 1, eta_min: float = 0.0)")
    signature = docstrings.shown_signature(ms_lr.PolynomialLR)
    assert "power: float = 1.0" in signature and " in " not in signature and ">" not in signature
    lines = ms_lr.StepLR.__doc__.expandtabs().splitlines()
    lines = [line[4:] if line.startswith("    ") else line for line in lines]
    args_before = [line for line in lines if line.strip().startswith("- **")]
    docstrings.napoleon_items(lines)
    inputs = lines[lines.index("Inputs:") + 1]
    assert inputs.startswith("    global_step (Tensor): The step(s)"), inputs
    assert len([line for line in lines if line.strip().startswith("- **")]) == len(args_before) - 1


CODE_WIDTH = 92     # the characters a code block shows at 1280 px in the site's theme before it scrolls sideways


def test_the_pages_code_fits_the_page():
    too_wide = []
    for page in PAGES:
        inside = False
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            if line.startswith("```"):
                inside = not inside
            elif inside and len(line) > CODE_WIDTH:
                too_wide.append(f"{page.relative_to(ROOT)}:{number} ({len(line)} characters)")
    assert not too_wide, f"code lines wider than the page ({CODE_WIDTH}): {too_wide}"

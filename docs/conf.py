"""Sphinx configuration of the ms_lr documentation site (``make docs``; warnings are errors there)."""
import os
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "docs", "_ext"))

import ms_lr  # noqa: E402

project = "ms_lr"
author = "the ms_lr developers"
copyright = "2026, the ms_lr developers"
release = version = ms_lr.__version__

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",  # MathJax served with the site: it renders where the reader has no CDN
    "mindspore_docstrings",    # docs/_ext/mindspore_docstrings.py: MindSpore's Inputs items, Cell signatures
    "api_pages",               # docs/_ext/api_pages.py: one page per public name, a plot per schedule
]
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build", "README.md"]
myst_enable_extensions = ["dollarmath"]
myst_heading_anchors = 3

# The docstrings follow MindSpore's sections: Args, Inputs, Outputs, Raises, Supported Platforms, Examples.
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_custom_sections = [("Inputs", "params_style"), ("Outputs", "returns_style"), "Supported Platforms"]
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_preserve_defaults = True

html_theme = "furo"
html_title = f"ms_lr {release}"
html_static_path = []

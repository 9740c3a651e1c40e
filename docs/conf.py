"""Sphinx configuration of skreg's documentation.

Build, from the repository root, after ``pip install -e ".[docs]"``::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

Generated at build time (git-ignored):

- ``docs/api/``: the API reference, one page per public name of
  ``skreg.__all__`` and ``skreg.plotting.__all__`` (``sphinxext/skreg_docs.py``
  writes the index, autosummary the pages), so a new estimator appears
  without editing the docs;
- ``docs/auto_examples/``: the gallery, which sphinx-gallery builds from
  ``examples/``, running each example once (an unchanged example is not run
  again while ``docs/auto_examples/`` is kept).
"""

import os
import sys
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")  # headless, before pyplot is imported

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(DOCS / "sphinxext"))

import skreg_docs  # noqa: E402

import skreg  # noqa: E402

project = "skreg"
author = "the skreg developers"
copyright = "the skreg developers, BSD-3-Clause"  # noqa: A001 (Sphinx's name)
version = release = skreg.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_parser",  # docs/deliberate_differences.md is Markdown
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
templates_path = ["_templates"]
exclude_patterns = ["_build", "sphinxext", "**.ipynb_checkpoints"]

# -- API reference ----------------------------------------------------------------

skreg_docs.write_api_index(DOCS)
autosummary_generate = True
autosummary_imported_members = True
autosummary_context = {  # read by _templates/autosummary/class.rst
    "skreg_methods": {f"{module}.{name}": skreg_docs.own_methods(obj)
                      for module, name, obj in skreg_docs.public_objects()
                      if isinstance(obj, type)},
}
autodoc_typehints = "none"
numpydoc_show_class_members = False  # the class template lists skreg's own methods

# -- Gallery ------------------------------------------------------------------------

sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    # run the plot_* examples and the grid search; dask_grid_search.py starts
    # a (local) cluster: it is shown, not run (tests/test_examples.py runs it)
    "filename_pattern": r"/(plot_[^/]*|grid_search_pipeline)\.py$",
    "within_subsection_order": "FileNameSortKey",
    "reset_argv": "skreg_docs.reset_argv",
    "reset_modules": ("skreg_docs.reset_figures",),
    "image_scrapers": ("skreg_docs.figure_scraper",),
    "doc_module": ("skreg",),
    "backreferences_dir": "api/backreferences",
    "download_all_examples": False,
    "abort_on_example_error": True,
}

# -- The differences page -----------------------------------------------------------

DIFFERENCES = DOCS / "deliberate_differences.md"  # written separately


def _differences_entry(app, docname, source):
    """Link docs/deliberate_differences.md from the user guide when it exists."""
    if docname != "user_guide/index":
        return
    if DIFFERENCES.is_file():
        source[0] += "\n.. toctree::\n   :maxdepth: 2\n\n   /deliberate_differences\n"
    else:
        source[0] += ("\n.. note::\n\n   The page *Deliberate differences from "
                      "scikit-learn* (``docs/deliberate_differences.md``) is not "
                      "written yet.\n")


# -- HTML ----------------------------------------------------------------------------

try:
    import pydata_sphinx_theme  # noqa: F401
except ImportError:  # pragma: no cover
    html_theme = "alabaster"
else:
    html_theme = "pydata_sphinx_theme"
    html_theme_options = {"show_toc_level": 2, "navigation_with_keys": False}
html_title = f"skreg {release}"
html_show_sourcelink = False


def setup(app):
    app.connect("source-read", _differences_entry)

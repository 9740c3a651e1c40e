"""The documentation: every public docstring complete, and the Sphinx build clean.

What counts as public is one rule, shared with the API reference
(``docs/sphinxext/skreg_docs.py``): every callable in ``skreg.__all__`` and
``skreg.plotting.__all__``, and the public methods of those classes that skreg
itself defines.  The methods scikit-learn's mixins add (``get_params``,
``set_params``, ``score``, ``set_*_request``) are excluded by rule: they are
scikit-learn's and documented there.

numpydoc codes enforced (``numpydoc.validate``), and why:

- GL08 -- no docstring at all;
- SS01 -- no summary line (it is what the API tables show);
- PR01 -- a parameter of the signature is not documented;
- PR02 -- a documented parameter is not in the signature (the docs went stale);
- PR07 -- a parameter has no description: a type alone does not say what a
  parameter does;
- RT01 -- something that returns has no Returns section;
- RT03 -- a returned value has no description;
- YD01 -- a generator has no Yields section;
- EX01 -- a class or function has no Examples section (methods are shown in
  their class's example).

And checks numpydoc does not make:

- SKREG-EX02 -- an Examples section with no ``>>>`` line: nothing for
  ``pytest --doctest-modules`` (pyproject's addopts) to run;
- SKREG-AT01 -- a fitted estimator has a public attribute (``name_``) that
  its Attributes section does not list;
- SKREG-RST -- the docstring's reST makes Sphinx warn (checked by the build
  test, the only place that renders it).

Not enforced: the style codes (capitalisation and full stops PR08/PR09, RT02,
GL01-GL03, SS02-SS06), See Also (SA01) and extended summaries (ES01).  They
polish the pages; a missing or stale description misleads the reader.

``PENDING`` lists the failures known today in modules being rewritten
elsewhere; each entry must still fail (a fixed one fails the test until it is
removed), so the list can only shrink.
"""

import importlib
import inspect
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
sys.path.insert(0, str(DOCS / "sphinxext"))
import skreg_docs  # noqa: E402

numpydoc_validate = pytest.importorskip(
    "numpydoc.validate", reason="numpydoc is not installed (pip install -e '.[docs]')")
from numpydoc.docscrape import NumpyDocString  # noqa: E402

ENFORCED = frozenset({"GL08", "SS01", "PR01", "PR02", "PR07", "RT01", "RT03", "YD01",
                      "EX01"})
ONLY_CLASSES_AND_FUNCTIONS = frozenset({"EX01"})

# name -> codes that fail today, in linear_model/ and neural_network/ (their
# docstrings are being rewritten with the new estimators; empty it then).
PENDING = {}


def _documented():
    """``(public dotted name, object, kind)`` of everything whose docstring counts."""
    out = []
    for module, name, obj in skreg_docs.public_objects():
        path = f"{module}.{name}"
        if inspect.isclass(obj):
            out.append((path, obj, "class"))
            out += [(f"{path}.{m}", getattr(obj, m), "method")
                    for m in skreg_docs.own_methods(obj)]
        else:
            out.append((path, obj, "function"))
    return out


DOCUMENTED = _documented()
ESTIMATORS = [(path, obj) for path, obj, kind in DOCUMENTED
              if kind == "class" and hasattr(obj, "get_params") and hasattr(obj, "fit")]


def _numpydoc_errors(path, kind):
    """{code: [messages]} of the enforced numpydoc codes failing for ``path``."""
    errors = {}
    for code, msg in numpydoc_validate.validate(path)["errors"]:
        if code in ENFORCED and not (kind == "method"
                                     and code in ONLY_CLASSES_AND_FUNCTIONS):
            errors.setdefault(code, []).append(msg)
    doc = NumpyDocString(inspect.getdoc(_resolve(path)) or "")
    if doc["Examples"] and not any(line.lstrip().startswith(">>>")
                                   for line in doc["Examples"]):
        errors["SKREG-EX02"] = ["Examples section has no doctest line (>>>)"]
    return errors


def _resolve(path):
    """The object a public dotted name (``skreg.plotting.X.plot``) refers to."""
    parts = path.split(".")
    obj = importlib.import_module(parts[0])
    for part in parts[1:]:
        obj = getattr(obj, part)
    return obj


def _check_against_pending(name, failing, checked):
    """Fail on codes not pending, and on pending ``checked`` codes that now pass."""
    pending = PENDING.get(name, set())
    new = {c: m for c, m in failing.items() if c not in pending}
    assert not new, f"{name}: " + "; ".join(
        f"{c}: {' / '.join(m)}" for c, m in sorted(new.items()))
    fixed = (pending & set(checked)) - set(failing)
    assert not fixed, f"{name} now passes {sorted(fixed)}: remove them from PENDING"


@pytest.mark.parametrize("path, kind", [(p, k) for p, _, k in DOCUMENTED],
                         ids=[p for p, _, _ in DOCUMENTED])
def test_docstring_numpydoc_valid(path, kind):
    """Check the docstring documents every parameter and return, and has examples."""
    _check_against_pending(path, _numpydoc_errors(path, kind),
                           checked=ENFORCED | {"SKREG-EX02"})


def _fit_small(cls):
    """A default ``cls`` fitted on a small problem of the kind its tags ask for."""
    from sklearn.base import is_classifier
    from sklearn.datasets import make_classification, make_regression

    est = cls()
    tags = est.__sklearn_tags__()
    if is_classifier(est):
        X, y = make_classification(n_samples=60, n_features=6, n_informative=3,
                                   random_state=0)
    else:
        n_targets = 1 if tags.target_tags.single_output else 2
        X, y = make_regression(n_samples=60, n_features=6, n_targets=n_targets,
                               noise=1.0, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning of a default max_iter
        return est.fit(X, y)


def _documented_attributes(cls):
    names = set()
    for param in NumpyDocString(inspect.getdoc(cls) or "")["Attributes"]:
        names.update(n.strip() for n in param.name.split(","))
    return names


@pytest.mark.parametrize("path, cls", ESTIMATORS, ids=[p for p, _ in ESTIMATORS])
def test_docstring_lists_fitted_attributes(path, cls):
    """Check every public attribute a fit sets is in the Attributes section."""
    fitted = _fit_small(cls)
    attrs = {a for a in vars(fitted) if a.endswith("_") and not a.startswith("_")}
    missing = sorted(attrs - _documented_attributes(cls))
    failing = {"SKREG-AT01": [f"fitted attributes not documented: {missing}"]}
    _check_against_pending(path, failing if missing else {}, checked={"SKREG-AT01"})


def test_pending_names_exist():
    """Check every PENDING entry names a documented object and a known code."""
    known = {p for p, _, _ in DOCUMENTED}
    codes = ENFORCED | {"SKREG-EX02", "SKREG-AT01", "SKREG-RST"}
    assert set(PENDING) <= known, sorted(set(PENDING) - known)
    for name, pending in PENDING.items():
        assert pending and pending <= codes, (name, pending)


# --- the Sphinx build ---------------------------------------------------------

WARNING_LINE = re.compile(r"(WARNING|ERROR|CRITICAL|SEVERE):")
DOCSTRING_OF = re.compile(r"docstring of ([\w.]+)")


def _source_path(name):
    """Where Sphinx locates ``name``'s docstring: its defining module and qualname."""
    obj = _resolve(name)
    return f"{obj.__module__}.{obj.__qualname__}"


def _split_warnings(stderr):
    """(warnings not pending, number pending, set of pending names that warned)."""
    pending = {}  # source path -> the pending public names documented from it
    for name, codes in PENDING.items():
        if "SKREG-RST" in codes:
            pending.setdefault(_source_path(name), []).append(name)
    new, n_pending, seen = [], 0, set()
    for line in stderr.splitlines():
        if not WARNING_LINE.search(line):
            continue
        m = DOCSTRING_OF.search(line)
        where = m.group(1) if m else None
        if where in pending:
            seen.update(pending[where])
            n_pending += 1
        else:
            new.append(line)
    return new, n_pending, seen


@pytest.mark.slow
def test_docs_build_without_warnings(tmp_path):
    """Check the README's docs build passes with -W: API, guide and gallery render."""
    for module in ("sphinx", "numpydoc", "sphinx_gallery", "myst_parser", "matplotlib"):
        pytest.importorskip(module, reason=f"{module} is not installed: the docs "
                            "build needs pip install -e '.[docs]'")
    html = tmp_path / "html"
    cmd = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html",
           "-d", str(tmp_path / "doctrees"), str(DOCS), str(html)]
    env = {**os.environ, "MPLBACKEND": "Agg"}
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=1800)
    new, n_pending, seen = _split_warnings(proc.stderr)
    assert not new, "Sphinx warnings:\n" + "\n".join(new)
    if proc.returncode != 0:  # only the pending docstrings' warnings, nothing else
        counted = re.search(r"build finished with problems, (\d+) warning",
                            proc.stdout + proc.stderr)
        assert proc.returncode == 1 and counted, proc.stderr[-3000:]
        assert int(counted.group(1)) == n_pending, proc.stderr[-3000:]
    stale = sorted(n for n, c in PENDING.items() if "SKREG-RST" in c and n not in seen)
    assert not stale, f"{stale} render cleanly now: remove SKREG-RST from PENDING"

    for module, name, _ in skreg_docs.public_objects():
        page = html / "api" / "generated" / f"{module}.{name}.html"
        assert page.is_file(), f"no API page for {module}.{name}"
    assert (html / "user_guide" / "dropout.html").is_file()
    gallery = (html / "auto_examples" / "index.html").read_text()
    for example in sorted((ROOT / "examples").glob("*.py")):
        assert f"{example.stem}.html" in gallery, f"{example.name} not in the gallery"
        if example.stem.startswith("plot_"):  # every plot example shows its figures
            assert list((html / "_images").glob(f"sphx_glr_{example.stem}_001.png")), \
                f"{example.name} rendered no figure"
    assert (html / "index.html").is_file()

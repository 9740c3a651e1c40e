"""The layout of skreg, read from its source: small modules, one way into each
package, one owner per formula.

The rules (the project's design notes, issue 14), checked on every module
under ``skreg/`` (``.py`` files through :mod:`ast`; Cython ``.pyx``/``.pxd``
files, which :mod:`ast` cannot read, line by line for ``from skreg.X
cimport/import``):

1. **Size.**  Every module has at most ``MAX_LINES`` lines.

2. **Package boundaries.**  The *units* are skreg's subpackages
   (``linear_model``, ``neural_network``, ``plotting``, ``_solvers``,
   ``utils``, any new one) and, at the top level of ``skreg/``:

   - the entry points ``skreg/__init__.py`` and ``skreg/__main__.py``;
   - the demo, ``skreg/_demo*.py``: one unit, a package in all but name (its
     modules share their private helpers as a package's modules do), whose
     entry point is ``skreg/_demo.py`` (``DEMO_ENTRY``: ``__main__`` imports
     its ``main``);
   - the math owner ``skreg/_objectives.py`` (``MATH_OWNER``): the one module
     holding the formulas several packages share.  It is reached as a
     package's entry point is: by its public names.

   A module of unit P imports from another unit Q only Q's entry point
   (``from skreg.Q import name``, ``skreg/Q/__init__.py``; or the package
   itself, ``from skreg import Q``), and only public names from it: no
   ``_name``, imported or reached as an attribute (``q._name``), and no
   private module (``skreg.Q._module``).  Dunders (``skreg.__version__``)
   are not private.  ``skreg._solvers`` is a private package whose
   ``__init__`` is the solvers' API for the estimator packages: its public
   names are that API.  The one exception is ``skreg/utils/_sklearn_compat.py``
   (``COMPAT``), the one module importing scikit-learn's privates, which every
   unit imports directly, private names included.  A new top-level module must
   be given its place here (``_top_level_unit``) before the test passes.

3. **One owner per formula.**  The functions in the math owner's ``__all__``
   and the other owners' functions (``OWNERS``: the design's builder of
   X^T S X and the Gram matrices made from it) are defined nowhere else
   under ``skreg/``, nor are the copies they replaced (``FORMER_COPIES``): a
   formula comes back as an import, not as a second definition.  The compiled
   kernels keep their own ``nogil`` inline versions of the same formulas
   (the core's, held against the owner by the tests); they are Cython and
   not covered by this rule.
"""

import ast
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "skreg"
MAX_LINES = 500
MATH_OWNER = "_objectives.py"
COMPAT = "skreg.utils._sklearn_compat"
DEMO_ENTRY = "_demo"

# names of former copies of an owner's formula, and the owner's function that
# replaced each: none may be defined outside that owner again
FORMER_COPIES = {
    "penalty_value": "enet_penalty",        # linear_model/_logistic_math.py (imports it)
    "penalty": "enet_penalty",              # neural_network/_network.py
    "_weighted_gram": "weighted_gram",      # linear_model/_logistic_solvers.py
    "_column_means": "weighted_mean",       # linear_model/_base.py
}
# owners besides the math module: {module: functions only it defines}
OWNERS = {"_solvers/_design.py": {"weighted_gram", "weighted_mean"},
          "linear_model/_gram.py": {"centered_gram", "fold_gram"}}

CYTHON_IMPORT = re.compile(r"^\s*(?:from\s+(skreg[\w.]*)\s+c?import\b|c?import\s+(skreg[\w.]*))",
                           re.MULTILINE)


def _modules(*suffixes):
    return sorted(p for p in PKG.rglob("*") if p.suffix in suffixes and p.is_file())


def _rel(path):
    return path.relative_to(PKG).as_posix()


def _is_private(name):
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


SUBPACKAGES = {p.parent.name for p in PKG.glob("*/__init__.py")}


def _top_level_unit(stem):
    """The unit of the top-level module ``skreg/<stem>.py`` (rule 2)."""
    if stem in ("__init__", "__main__"):
        return "skreg"
    if stem.startswith("_demo"):
        return "demo"
    if stem + ".py" == MATH_OWNER:
        return "math"
    raise AssertionError(
        f"skreg/{stem}.py is a new top-level module: say in tests/test_layout.py "
        "(_top_level_unit) which unit it belongs to, or move it into a package")


def _unit_of_path(path):
    parts = path.relative_to(PKG).parts
    return parts[0] if len(parts) > 1 else _top_level_unit(path.stem)


def _unit_of_module(dotted):
    """The unit of an imported ``skreg[.a[.b]]`` module, and whether the import
    stops at that unit's entry point (``skreg.Q``, the math owner)."""
    parts = dotted.split(".")
    if len(parts) == 1:
        return "skreg", True
    if parts[1] in SUBPACKAGES:
        return parts[1], len(parts) == 2
    unit = _top_level_unit(parts[1])
    return unit, unit == "math" or parts[1] == DEMO_ENTRY


# ---------------------------------------------------------------------------
# 1. size
# ---------------------------------------------------------------------------
def _line_counts():
    return {_rel(p): len(p.read_text().splitlines())
            for p in _modules(".py", ".pyx", ".pxd")}


def test_modules_are_small():
    """Check that every module has at most MAX_LINES lines, listing every offender."""
    counts = _line_counts()
    offenders = {m: n for m, n in counts.items() if n > MAX_LINES}
    assert not offenders, (
        f"modules over {MAX_LINES} lines (split them along a real seam): "
        + ", ".join(f"{m} ({n})" for m, n in sorted(offenders.items())))


# ---------------------------------------------------------------------------
# 2. package boundaries
# ---------------------------------------------------------------------------
def _boundary_violations(path):
    """``(line, what)`` for every import of another unit's privates in ``path``."""
    unit = _unit_of_path(path)
    text = path.read_text()
    if path.suffix != ".py":
        out = []
        for m in CYTHON_IMPORT.finditer(text):
            dotted = m.group(1) or m.group(2)
            target, entry = _unit_of_module(dotted)
            if target != unit and not entry and dotted != COMPAT:
                out.append((text.count("\n", 0, m.start()) + 1, f"cimport from {dotted}"))
        return out

    out, packages = [], set()      # local names bound to a package (module object)
    tree = ast.parse(text)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if not alias.name.startswith("skreg"):
                    continue
                target, entry = _unit_of_module(alias.name)
                if target != unit and not entry:
                    out.append((node.lineno, f"import {alias.name}"))
                packages.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("skreg"):
            if node.module == COMPAT:
                continue
            target, entry = _unit_of_module(node.module)
            if target == unit:
                continue
            if not entry:
                out.append((node.lineno, f"from {node.module} import ... (a private module "
                                         f"of {target}: import from its entry point)"))
                continue
            for alias in node.names:
                if node.module == "skreg" and alias.name in SUBPACKAGES:
                    packages.add(alias.asname or alias.name)   # the package's entry point
                elif node.module == "skreg" and (PKG / f"{alias.name}.py").exists():
                    if _top_level_unit(alias.name) not in (unit, "math"):
                        out.append((node.lineno, f"from skreg import {alias.name}"))
                elif _is_private(alias.name):
                    out.append((node.lineno, f"from {node.module} import {alias.name}"))
    for node in ast.walk(tree):
        # q._name, skreg.Q._name: a private name reached through a package
        if isinstance(node, ast.Attribute) and _is_private(node.attr):
            base = node.value
            while isinstance(base, ast.Attribute):
                base = base.value
            if isinstance(base, ast.Name) and base.id in packages:
                out.append((node.lineno, f"{ast.unparse(node)}"))
    return out


def test_rule_sees_violations(tmp_path, monkeypatch):
    """Check that the boundary rule flags each kind of crossing and passes the allowed ones."""
    sub = tmp_path / "skreg" / "plotting"
    sub.mkdir(parents=True)
    for pkg in ("plotting", "linear_model", "_solvers", "utils"):
        (tmp_path / "skreg" / pkg).mkdir(exist_ok=True)
        (tmp_path / "skreg" / pkg / "__init__.py").write_text("")
    (tmp_path / "skreg" / MATH_OWNER).write_text("")
    monkeypatch.setattr(sys.modules[__name__], "PKG", tmp_path / "skreg")
    monkeypatch.setattr(sys.modules[__name__], "SUBPACKAGES",
                        {"plotting", "linear_model", "_solvers", "utils"})
    mod = sub / "_m.py"
    mod.write_text(
        "from skreg.linear_model._base import _preprocess\n"        # 1 private module
        "from skreg.linear_model import _helper\n"                  # 2 private name
        "from skreg import _solvers as solvers\n"
        "solvers._select()\n"                                       # 4 attribute
        "import skreg.linear_model._paths\n"                        # 5 private module
        "from skreg._objectives import _pf\n"                       # 6 math, private
        "from skreg.linear_model import Lasso, enet_path\n"         # allowed
        "from skreg._solvers import solve_enet\n"                   # allowed
        "from skreg._objectives import enet_penalty\n"              # allowed
        f"from {COMPAT} import _fit_context\n"                      # allowed
        "from skreg.plotting._base import _get_ax\n"                # same unit
        "import skreg\nskreg.__version__\nsolvers.solve_enet\n")    # allowed
    lines = sorted({line for line, _ in _boundary_violations(mod)})
    assert lines == [1, 2, 4, 5, 6]


@pytest.mark.parametrize("path", _modules(".py", ".pyx", ".pxd", ".pxi"), ids=_rel)
def test_no_private_name_crosses_a_package_boundary(path):
    """Check that a module reaches other units only through their public entry points."""
    found = _boundary_violations(path)
    assert not found, f"skreg/{_rel(path)}: " + "; ".join(
        f"line {line}: {what}" for line, what in found)


# ---------------------------------------------------------------------------
# 3. one owner per formula
# ---------------------------------------------------------------------------
def _owner_names():
    tree = ast.parse((PKG / MATH_OWNER).read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            return set(ast.literal_eval(node.value))
    raise AssertionError(f"{MATH_OWNER} has no __all__")


def _definitions(path):
    """Names a module defines at any depth (def / class / module-level assignment)."""
    tree = ast.parse(path.read_text())
    names = {n.name for n in ast.walk(tree)
             if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


def test_each_formula_has_one_owner():
    """Check that each owned function, and each former copy of one, is defined only by its owner."""
    owner_of = {name: MATH_OWNER for name in _owner_names()}
    for module, names in OWNERS.items():
        assert names <= _definitions(PKG / module), f"{module} lacks one of {names}"
        owner_of.update(dict.fromkeys(names, module))
    assert set(FORMER_COPIES.values()) <= set(owner_of), "FORMER_COPIES names no owned function"
    owner_of.update({copy: owner_of[name] for copy, name in FORMER_COPIES.items()})
    copies = {(_rel(p), name) for p in _modules(".py")
              for name in _definitions(p) & set(owner_of) if owner_of[name] != _rel(p)}
    assert not copies, (
        "defined outside their owner (import the owner's instead): "
        + ", ".join(f"{m}: {n} (owner {owner_of[n]})" for m, n in sorted(copies)))

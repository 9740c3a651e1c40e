"""Tests of the harness that runs scikit-learn's own test files against skreg.

The harness is tests/_sklearn_suite.py; these check that its rewrite really
hands the upstream tests skreg's estimators, that its exclusion rule catches
what it says and nothing else, that it keeps working when skreg exports new
names, and that its two lists (deliberate differences, pending failures) stay
honest: small, documented, and naming tests that exist.
"""

import ast
import importlib
import re
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse
import sklearn
import sklearn.linear_model as sklearn_linear_model
from sklearn.exceptions import ConvergenceWarning

import skreg

suite = sys.modules["_skreg_sklearn_suite"]   # registered by tests/conftest.py
DOCS = Path(__file__).parents[1] / "docs" / "deliberate_differences.md"


@pytest.mark.parametrize("key", sorted(suite.SUITE_FILES))
def test_upstream_names_are_skregs(key):
    """Check every rewritten name is skreg's object and the others stay scikit-learn's."""
    ns = suite.load(key)
    module = ns["__sklearn_module__"]
    assert suite.upstream_path(key).is_file()
    assert Path(module.__file__).is_relative_to(Path(sklearn.__file__).parent)
    tree = ast.parse(suite.upstream_path(key).read_text())
    imported = {(a.asname or a.name): (n.module, a.name) for n in tree.body
                if isinstance(n, ast.ImportFrom) and n.module in suite.REWRITTEN_PACKAGES
                for a in n.names}
    assert imported, "the upstream file imports no estimator?"
    ours = {b for b, (_, name) in imported.items() if name in suite.skreg_names()}
    assert ours, "nothing was rewritten"
    assert set(ns["__sklearn_suite__"]["rewritten"]) == ours
    for bound, (modname, name) in imported.items():
        obj = getattr(module, bound)
        if bound in ours:
            assert obj is getattr(skreg, name), name
        else:
            assert obj is getattr(importlib.import_module(modname), name), name


def test_rewrite_follows_skreg_all(monkeypatch):
    """Check a name skreg exports later is rewritten with no change to the harness."""
    src = ("from sklearn.linear_model import Lasso, MultiTaskLasso, LinearRegression\n"
           "from sklearn.linear_model._ridge import _solve_cholesky\n"
           "def test_f():\n    from sklearn.linear_model import LogisticRegression\n")
    class MultiTaskLasso:  # stands in for the estimator skreg will add
        pass

    monkeypatch.setattr(skreg, "MultiTaskLasso", MultiTaskLasso, raising=False)
    monkeypatch.setattr(skreg, "__all__", list(skreg.__all__) + ["MultiTaskLasso"])
    names = suite.skreg_names()
    assert {"Lasso", "MultiTaskLasso"} <= names and "LinearRegression" not in names
    rw = suite._ImportRewriter(names | {"LogisticRegression"})
    out = ast.unparse(rw.visit(ast.parse(src)))
    assert "from skreg import Lasso, MultiTaskLasso" in out
    assert "from sklearn.linear_model import LinearRegression" in out
    assert "from sklearn.linear_model._ridge import _solve_cholesky" in out  # private: kept
    assert "from skreg import LogisticRegression" in out                    # in a test body
    assert rw.rewritten == {"Lasso", "MultiTaskLasso", "LogisticRegression"}


RULE_CASES = '''
import pytest
from sklearn.linear_model import Lasso
from sklearn.linear_model._ridge import _solve_cholesky
from sklearn.linear_model import _cd_fast as cd_fast
from sklearn.utils._testing import assert_allclose, _convert_container

def _helper_private():
    return _solve_cholesky

def _helper_public():
    return Lasso()

def test_r1_direct():
    cd_fast.enet_coordinate_descent

def test_r1_via_helper():
    _helper_private()

def test_r2(monkeypatch):
    monkeypatch.setattr("sklearn.linear_model._coordinate_descent.Lasso", None)

def test_r3():
    Lasso()._optimizer

def test_public_and_test_tools():
    assert_allclose(_convert_container([1], "array"), _helper_public().alpha)

@pytest.mark.parametrize("f", [_helper_private, _helper_public])
def test_param_helpers(f):
    f()
'''


def test_exclusion_rule():
    """Check R1 (directly and through a helper), R2, R3, and what is not excluded."""
    whole, partial = suite.exclusions(ast.parse(RULE_CASES))
    assert set(whole) == {"test_r1_direct", "test_r1_via_helper", "test_r2", "test_r3"}
    assert whole["test_r1_direct"].startswith("R1") and "_cd_fast" in whole["test_r1_direct"]
    assert whole["test_r1_via_helper"].startswith("R1")
    assert "via _helper_private" in whole["test_r1_via_helper"]
    assert whole["test_r2"].startswith("R2") and whole["test_r3"].startswith("R3")
    # only the parametrization over the private helper is excluded
    assert set(partial) == {"test_param_helpers"}
    assert set(partial["test_param_helpers"]) == {"_helper_private"}


@pytest.mark.parametrize("key", sorted(suite.SUITE_FILES))
def test_rule_excludes_little(key):
    """Check the rule excludes a small minority of each upstream file's tests."""
    tree = ast.parse(suite.upstream_path(key).read_text())
    tests = [n.name for n in tree.body
             if isinstance(n, ast.FunctionDef) and n.name.startswith("test")]
    whole, _ = suite.exclusions(tree)
    assert len(whole) <= 0.2 * len(tests), sorted(whole)


def _upstream_tests():
    out = {}
    for key in suite.SUITE_FILES:
        tree = ast.parse(suite.upstream_path(key).read_text())
        out[key] = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    return out


@pytest.mark.parametrize("table", ["DELIBERATE", "PENDING", "SLOW"])
def test_listed_keys_name_real_tests(table):
    """Check every listed key names an upstream test (no stale entries)."""
    tests = _upstream_tests()
    for k in getattr(suite, table):
        key, _, name = k.partition("::")
        assert key in tests, k
        assert name.split("[")[0] in tests[key], k


def test_deliberate_differences_documented():
    """Check the deliberate differences: at most 10, each with a reason, each on the docs page."""
    assert len(suite.DELIBERATE) <= 10
    page = DOCS.read_text()
    for k, reason in suite.DELIBERATE.items():
        assert len(reason) > 20, k
        assert f"`{k}`" in page, f"{k} missing from {DOCS.name}"
    listed = set(re.findall(r"`(test_\w+\.py::[^`]+)`", page))
    assert listed == set(suite.DELIBERATE), listed ^ set(suite.DELIBERATE)


def test_pending_entries_have_owner_and_cause():
    """Check each pending xfail says who fixes it and why it fails."""
    owners = {"kernel", "ridge", "estimator-validation", "multi-task-missing",
              "logistic"}
    for k, (owner, cause) in suite.PENDING.items():
        assert owner in owners, k
        assert cause, k
        assert k not in suite.DELIBERATE, k


@pytest.mark.parametrize("pattern, item, expected", [
    ("f.py::test_a", "test_a", True),
    ("f.py::test_a", "test_a[x-1]", True),
    ("f.py::test_a", "test_ab", False),
    ("g.py::test_a", "test_a", False),
    ("f.py::test_a[*-1]", "test_a[x-1]", True),
    ("f.py::test_a[*-1]", "test_a[x-10]", False),
    ("f.py::test_a[{x,y}-*]", "test_a[y-3]", True),
    ("f.py::test_a[{x,y}-*]", "test_a[z-3]", False),
    ("f.py::test_a[a\\\\[1\\\\]-*]", "test_a[a\\\\[1\\\\]-b]", True),   # regex-like ids
])
def test_key_patterns(pattern, item, expected):
    """Check the key syntax of DELIBERATE / PENDING / SLOW."""
    assert suite._matches(pattern, "f.py", item) is expected


# ------------------------------------------------- each deliberate difference:
# the upstream test fails by design (strict xfail); here the better behaviour
# that replaces it is asserted.
def _data():
    from sklearn.datasets import make_regression

    X, y = make_regression(n_samples=50, n_features=20, noise=1.0, random_state=0)
    return X + 3.0, y


def test_deliberate_copy_X_false_keeps_X():
    """copy_X=False, check_input=False: X is left as it was and the fit is the copy_X=True one."""
    X, y = _data()
    XF = np.asfortranarray(X)
    before = XF.copy()
    ours = skreg.ElasticNet(alpha=0.1, copy_X=False, tol=1e-10).fit(XF, y, check_input=False)
    np.testing.assert_array_equal(XF, before)
    ref = skreg.ElasticNet(alpha=0.1, tol=1e-10).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-10, atol=1e-12)


def test_deliberate_check_input_false_c_order():
    """check_input=False with C-ordered X: the same model as with checked input."""
    X, y = _data()
    ours = skreg.ElasticNet(alpha=0.1, tol=1e-10).fit(np.ascontiguousarray(X), y,
                                                      check_input=False)
    ref = sklearn_linear_model.ElasticNet(alpha=0.1, tol=1e-12).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-6)


def test_deliberate_sparse_cholesky_with_intercept():
    """solver='cholesky' on sparse X with an intercept equals the dense fit."""
    X, y = _data()
    ours = skreg.Ridge(solver="cholesky").fit(scipy.sparse.csr_array(X), y)
    assert ours.solver_ == "cholesky"
    ref = sklearn_linear_model.Ridge(solver="cholesky").fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-9)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-9)


def test_deliberate_n_iter_for_every_solver():
    """Ridge.n_iter_: 1 per target for a direct solve, the iteration count otherwise."""
    X, y = _data()
    Y = np.c_[y, y]
    for solver in ("svd", "cholesky"):
        np.testing.assert_array_equal(skreg.Ridge(solver=solver).fit(X, Y).n_iter_, [1, 1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for max_iter in (1, 2, 3):
            fit = skreg.Ridge(solver="lsqr", max_iter=max_iter, tol=1e-12).fit(X, Y)
            np.testing.assert_array_equal(fit.n_iter_, [max_iter, max_iter])


def test_rule_r4_reads_only_skregs_absent_solver_error():
    """Check R4 names liblinear/newton-cg from skreg's error, raised, chained or quoted,
    and nothing else (sag/saga, other errors, a fitted liblinear name in a message)."""
    def absent(solver, **kw):
        try:
            skreg.LogisticRegression(solver=solver, **kw).fit([[0.0], [1.0]], [0, 1])
        except ValueError as e:
            return e
        raise AssertionError("no error")

    for solver in ("liblinear", "newton-cg"):
        err = absent(solver)
        assert suite._absent_solver(err) == solver
        try:  # chained, as cross_val_score's "All the fits failed"
            raise ValueError("All the 5 fits failed") from err
        except ValueError as outer:
            assert suite._absent_solver(outer) == solver
        quoted = AssertionError(f"Regex pattern did not match.\n Actual message: '{err}'")
        assert suite._absent_solver(quoted) == solver
    # a shipped solver's own error (sag refuses L1, as scikit-learn's) is not R4
    err = absent("sag", l1_ratio=1.0)
    assert "Solver sag supports only 'l2' or None penalties" in str(err)
    assert suite._absent_solver(err) is None
    assert suite._absent_solver(ValueError("liblinear failed to converge")) is None
    assert suite._absent_solver(AssertionError("arrays differ")) is None


def test_deliberate_warm_start_decrement_is_fast():
    """Cold and warm fits at alpha=1e-5 on diabetes both take far fewer epochs
    than scikit-learn's, and reach scikit-learn's tight-tol solution."""
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import ElasticNet as SkElasticNet

    X, y = load_diabetes(return_X_y=True)
    cold = skreg.ElasticNet(alpha=1e-5).fit(X, y)
    warm = skreg.ElasticNet(alpha=1e-4).fit(X, y)
    warm.set_params(warm_start=True, alpha=1e-5).fit(X, y)
    sk_cold = SkElasticNet(alpha=1e-5).fit(X, y)
    assert cold.n_iter_ < 0.5 * sk_cold.n_iter_
    assert warm.n_iter_ < 0.5 * sk_cold.n_iter_
    ref = SkElasticNet(alpha=1e-5, tol=1e-12, max_iter=100000).fit(X, y).coef_
    scale = np.abs(ref).max()
    for m in (cold, warm):
        assert np.abs(m.coef_ - ref).max() <= np.abs(sk_cold.coef_ - ref).max() + 1e-6 * scale

"""LogisticRegressionCV: C (and l1_ratio) chosen by cross-validation."""

import numbers
import warnings
from numbers import Integral

import numpy as np
from joblib import Parallel, delayed
from sklearn.metrics import get_scorer, get_scorer_names
from sklearn.model_selection import check_cv
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.metadata_routing import (
    UNUSED,
    MetadataRouter,
    MethodMapping,
    process_routing,
)
from sklearn.utils.multiclass import check_classification_targets

from skreg.linear_model._base import _validate_penalty_factor
from skreg.linear_model._logistic import _ABSENT, LogisticRegression, _check_solver
from skreg.linear_model._logistic_cv_folds import (
    _effective_l1_ratio,
    _fold_path,
    _legacy_layout,
    _one_se_C,
)
from skreg.linear_model._logistic_path import _encode_targets, _logistic_path
from skreg.linear_model._logistic_sag import SAG_SOLVERS
from skreg.utils import user_stacklevel
from skreg.utils._sklearn_compat import (
    Hidden,
    Interval,
    StrOptions,
    _check_sample_weight,
    _fit_context,
    _raise_for_params,
    _routing_enabled,
    scorer_accepts_sample_weight,
    scorer_with_labels,
    validate_data,
)

__all__ = ["LogisticRegressionCV"]


class LogisticRegressionCV(LogisticRegression):
    """Logistic regression with C (and l1_ratio) chosen by cross-validation.

    The objective is :class:`LogisticRegression`'s.  For each fold and each
    ``l1_ratio`` the whole path over ``Cs`` is fitted, warm-started from
    the strongest penalty, and scored on the held-out fold with ``scoring``;
    folds run in parallel with ``n_jobs``.  Signature and fitted attributes
    are scikit-learn 1.9's (``use_legacy_attributes`` included), plus
    ``penalty_factor`` and ``C_1se_``.

    Parameters
    ----------
    Cs : int or array-like, default=10
        The grid of C, or its size on a log scale between 1e-4 and 1e4.
    l1_ratios : array-like, default=None (with scikit-learn's FutureWarning)
        The l1_ratio values tried.
    fit_intercept : bool, default=True
        Whether to fit an intercept (never penalised).
    cv : int, cross-validation generator or iterable, default=None
        Stratified 5-fold by default.
    dual : bool, default=False
        Only ``False`` (skreg has no dual solver).
    penalty : {'l1', 'l2', 'elasticnet'}, default='deprecated'
        Deprecated: use ``l1_ratios`` and ``Cs``.
    scoring : str or callable, default=None
        A scikit-learn scorer of the held-out folds (greater is better); the
        default is accuracy, with scikit-learn 1.9's FutureWarning.
    solver : str, default='lbfgs'
        As :class:`LogisticRegression`'s ('cd' or 'saga' for l1_ratios > 0).
    tol : float, default=1e-4
        Stopping tolerance, as :class:`LogisticRegression`'s.
    max_iter : int, default=100
        Maximum number of solver iterations for each C.
    class_weight : dict or 'balanced', default=None
        Weights per class, multiplied into the sample weights ('balanced':
        computed once on the whole y).
    n_jobs : int, default=None
        Parallel jobs over folds and l1_ratios.
    verbose : int, default=0
        Print progress when positive.
    refit : bool, default=True
        Refit on all data at the best (C, l1_ratio); otherwise average the
        folds' best coefficients.
    intercept_scaling : float, default=1.0
        Unused, for compatibility.
    random_state : int, RandomState instance or None, default=None
        Shuffles the samples drawn by 'sag' and 'saga' (every fold path);
        unused by the other solvers.
    use_legacy_attributes : bool, default=True (with scikit-learn's FutureWarning)
        scikit-learn 1.9's choice between its legacy and new fitted attributes.
    penalty_factor : array-like of shape (n_features,), default=None
        As :class:`LogisticRegression`'s.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels seen in ``fit``.
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        Coefficients at the chosen (C, l1_ratio): one row for two classes.
    intercept_ : ndarray of shape (1,) or (n_classes,)
        Intercepts at the chosen (C, l1_ratio) (zeros without intercept).
    Cs_ : ndarray of shape (n_cs,)
        The grid of C.
    l1_ratios_ : ndarray of shape (n_l1_ratios,)
        The l1_ratio values tried (``[None]`` when ``l1_ratios`` is None).
    coefs_paths_ : dict or ndarray
        Coefficients (the intercept last, when fitted) of every fold's path.
        Legacy layout: a dict from class to arrays of shape
        (n_folds, n_cs[, n_l1_ratios], n_dof); otherwise one array of shape
        (n_folds, n_l1_ratios, n_cs, n_rows, n_dof).
    scores_ : dict or ndarray
        Held-out scores of every fold, C and l1_ratio.  Legacy layout: a dict
        from class to arrays of shape (n_folds, n_cs[, n_l1_ratios]), the
        same for every class; otherwise one array of shape
        (n_folds, n_l1_ratios, n_cs).
    C_ : ndarray of shape (1,) or (n_classes,), or float
        The chosen C (the mean of the folds' best ones when ``refit=False``);
        repeated per class in the legacy layout, a float otherwise.
    l1_ratio_ : ndarray of shape (1,) or (n_classes,), or float
        The chosen l1_ratio, laid out as ``C_``.
    n_iter_ : ndarray
        Solver iterations of every fold and C: shape
        (1, n_folds, n_cs[, n_l1_ratios]) in the legacy layout,
        (n_folds, n_l1_ratios, n_cs) otherwise.
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Names of features seen during ``fit``.  Defined only when X has
        feature names that are all strings.
    C_1se_ : float
        The smallest C (the least complex model) whose mean CV score, at the
        chosen l1_ratio, is within one standard error of the best mean score
        (glmnet's ``lambda.1se``); scores are "greater is better".

    Notes
    -----
    As scikit-learn 1.9's: metadata routing (``fit``'s ``sample_weight``
    and ``**params`` go to the splitter and the scorer as they request;
    without routing, ``sample_weight`` goes to a scorer that accepts it), and
    a scorer whose metric takes ``labels`` (e.g. ``neg_brier_score``) scores
    every fold against all the classes.  Differences: folds run in threads
    (the kernels release the GIL), not processes; float32 X stays float32.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skreg import LogisticRegressionCV
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> X = StandardScaler().fit_transform(X)
    >>> clf = LogisticRegressionCV(Cs=5, l1_ratios=(1.0,), solver="cd",
    ...                            scoring="accuracy",
    ...                            use_legacy_attributes=False).fit(X, y)
    >>> clf.C_1se_ <= clf.C_
    True
    >>> clf.scores_.shape
    (5, 1, 5)
    """

    # score's sample_weight goes to the scorer (routing), not to self
    __metadata_request__score = {"sample_weight": UNUSED}

    _parameter_constraints: dict = {**LogisticRegression._parameter_constraints}
    for _p in ["C", "warm_start", "l1_ratio"]:
        _parameter_constraints.pop(_p)
    _parameter_constraints.update({
        "Cs": [Interval(Integral, 1, None, closed="left"), "array-like"],
        "l1_ratios": ["array-like", None, Hidden(StrOptions({"warn"}))],
        "cv": ["cv_object"],
        "scoring": [StrOptions(set(get_scorer_names())), callable, None,
                    Hidden(StrOptions({"warn"}))],
        "refit": ["boolean"],
        "use_legacy_attributes": ["boolean", Hidden(StrOptions({"warn"}))],
    })

    def __init__(self, *, Cs=10, l1_ratios="warn", fit_intercept=True, cv=None,
                 dual=False, penalty="deprecated", scoring="warn", solver="lbfgs",
                 tol=1e-4, max_iter=100, class_weight=None, n_jobs=None, verbose=0,
                 refit=True, intercept_scaling=1.0, random_state=None,
                 use_legacy_attributes="warn", penalty_factor=None):
        self.Cs = Cs
        self.l1_ratios = l1_ratios
        self.fit_intercept = fit_intercept
        self.cv = cv
        self.dual = dual
        self.penalty = penalty
        self.scoring = scoring
        self.solver = solver
        self.tol = tol
        self.max_iter = max_iter
        self.class_weight = class_weight
        self.n_jobs = n_jobs
        self.verbose = verbose
        self.refit = refit
        self.intercept_scaling = intercept_scaling
        self.random_state = random_state
        self.use_legacy_attributes = use_legacy_attributes
        self.penalty_factor = penalty_factor

    def _resolve_options(self):
        """scikit-learn 1.9's reading of l1_ratios/penalty/scoring, with its warnings."""
        if isinstance(self.l1_ratios, str) and self.l1_ratios == "warn":
            l1_ratios = None
            warnings.warn(
                "The default value for l1_ratios will change from None to (0.0,) in "
                "version 1.10. From version 1.10 onwards, only array-like with values "
                "in [0, 1] will be allowed, None will be forbidden. To avoid this "
                "warning, explicitly set a value, e.g. l1_ratios=(0,).", FutureWarning,
                stacklevel=user_stacklevel(),
            )
        else:
            l1_ratios = self.l1_ratios
        if self.penalty == "deprecated":
            if self.l1_ratios is None:
                warnings.warn(
                    "'l1_ratios=None' was deprecated in version 1.8 and will trigger "
                    "an error in 1.10. Use an array-like with valuesin [0, 1] instead.",
                    FutureWarning, stacklevel=user_stacklevel(),
                )
            if l1_ratios is None or np.all(np.asarray(l1_ratios) == 0):
                penalty = "l2"
            elif np.all(np.asarray(l1_ratios) == 1):
                penalty = "l1"
            else:
                penalty = "elasticnet"
        else:
            penalty = self.penalty
            warnings.warn(
                "'penalty' was deprecated in version 1.8 and will be removed in 1.10. "
                "To avoid this warning, leave 'penalty' set to its default value and "
                "use 'l1_ratios' and 'Cs' instead. Use l1_ratios=(0,) instead of "
                "penalty='l2', l1_ratios=(1,) instead of penalty='l1', l1_ratios set "
                "to floats between 0 and 1 instead of penalty='elasticnet', and "
                "Cs=(np.inf,) instead of penalty=None.", FutureWarning,
                stacklevel=user_stacklevel(),
            )
        if self.scoring == "warn":
            warnings.warn(
                "The default value of the parameter 'scoring' will change from None, "
                "i.e. accuracy, to 'neg_log_loss' in version 1.11. To silence this "
                "warning, explicitly set the scoring parameter: scoring='neg_log_loss' "
                "for the new, scoring='accuracy' or scoring=None for the old default.",
                FutureWarning, stacklevel=user_stacklevel(),
            )
            scoring = None
        else:
            scoring = self.scoring
        if self.use_legacy_attributes == "warn":
            name = type(self).__name__
            warnings.warn(
                f"The fitted attributes of {name} will be simplified in scikit-learn "
                "1.10 to remove redundancy. Set`use_legacy_attributes=False` to enable "
                "the new behavior now, or set it to `True` to silence this warning "
                "during the transition period while keeping the deprecated behavior "
                "for the time being. The default value of use_legacy_attributes will "
                f"change from True to False in scikit-learn 1.10. See the docstring of "
                f"{name} for more details.", FutureWarning, stacklevel=user_stacklevel(),
            )
            legacy = True
        else:
            legacy = self.use_legacy_attributes
        return l1_ratios, penalty, scoring, legacy

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, **params):
        """Fit the model: cross-validate the paths, then refit at the best C.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Class labels (two or more classes).
        sample_weight : array-like of shape (n_samples,), default=None
            Used in fitting and passed to the scorer.
        **params : dict
            Metadata for the splitter and the scorer; only with
            ``sklearn.set_config(enable_metadata_routing=True)``.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        _raise_for_params(params, self, "fit")
        l1_ratios, penalty, scoring, legacy = self._resolve_options()
        if self.solver in _ABSENT and self.solver != "liblinear":
            raise ValueError(_ABSENT[self.solver])
        if self.solver not in _ABSENT:
            _check_solver(self.solver, penalty, self.dual)
        if penalty == "elasticnet":
            if (l1_ratios is None or len(l1_ratios) == 0 or any(
                    not isinstance(r, numbers.Number) or r < 0 or r > 1
                    for r in l1_ratios)):
                raise ValueError("l1_ratios must be an array-like of numbers between "
                                 f"0 and 1; got (l1_ratios={l1_ratios!r})")
            l1_ratios_ = list(l1_ratios)
        else:
            if l1_ratios is not None and self.penalty != "deprecated":
                warnings.warn("l1_ratios parameter is only used when penalty is "
                              f"'elasticnet'. Got (penalty={penalty})",
                              stacklevel=user_stacklevel())
            l1_ratios_ = [None] if l1_ratios is None else list(l1_ratios)
        cd = self.solver == "cd"
        X, y = validate_data(self, X, y, accept_sparse="csc" if cd else "csr",
                             dtype=[np.float64, np.float32], order="F" if cd else "C",
                             accept_large_sparse=self.solver not in SAG_SOLVERS)
        check_classification_targets(y)
        encoder = LabelEncoder().fit(y)
        self.classes_ = classes = encoder.classes_
        y_idx = encoder.transform(y)
        n_classes = len(classes)
        if n_classes < 2:
            raise ValueError("This solver needs samples of at least 2 classes in the "
                             "data, but the data contains only one class: "
                             f"{classes[0]}.")
        if self.solver == "liblinear":  # scikit-learn's multiclass message first
            multi = ("The 'liblinear' solver does not support multiclass classification "
                     "(n_classes >= 3). ") if n_classes > 2 else ""
            raise ValueError(multi + _ABSENT["liblinear"])
        if _routing_enabled():
            routed = process_routing(self, "fit", sample_weight=sample_weight, **params)
            split_params, score_params = routed.splitter.split, routed.scorer.score
        else:
            split_params, score_params = {}, {}
        folds = list(check_cv(self.cv, y, classifier=True).split(X, y, **split_params))
        sw_user = None if sample_weight is None else _check_sample_weight(
            sample_weight, X, dtype=np.float64)
        sw = np.ones(X.shape[0]) if sw_user is None else sw_user.copy()
        if isinstance(self.class_weight, dict):
            if not set(self.class_weight) <= set(classes):
                raise ValueError(
                    "The given class_weight dict must have the class labels as keys; "
                    f"classes={classes} but key={self.class_weight.keys()}")
        if self.class_weight is not None:
            cw = compute_class_weight(self.class_weight, classes=classes, y=y,
                                      sample_weight=sample_weight)
            sw *= cw[y_idx]
        y_enc, binary = _encode_targets(y_idx, len(classes))
        pf = _validate_penalty_factor(self.penalty_factor, X.shape[1], np.float64)
        Cs = (np.logspace(-4, 4, self.Cs) if isinstance(self.Cs, Integral)
              else np.asarray(self.Cs, dtype=np.float64))
        scorer = self._get_scorer()
        if not _routing_enabled() and sw_user is not None and (
                scoring is None or scorer_accepts_sample_weight(scorer)):
            score_params = {"sample_weight": sw_user}
        scorer = scorer_with_labels(scorer, classes)
        # the two common metrics are computed directly (same values, no scorer
        # validation per C and fold); anything else goes through the scorer
        name = scoring or "accuracy"
        fast_metric = (name if isinstance(name, str) and name in ("accuracy", "neg_log_loss")
                       and not score_params and X.dtype == np.float64 else None)
        path_kw = dict(penalty_factor=pf, solver=self.solver,
                       fit_intercept=self.fit_intercept, tol=self.tol,
                       max_iter=self.max_iter, binary=binary, n_classes=n_classes,
                       random_state=self.random_state)
        out = Parallel(n_jobs=self.n_jobs, verbose=self.verbose, prefer="threads")(
            delayed(_fold_path)(
                X, y_enc, sw, train, test, classes=classes, Cs=Cs,
                l1_ratio=_effective_l1_ratio(r, penalty),
                scorer=scorer, score_params=score_params, path_kw=path_kw,
                fast_metric=fast_metric)
            for train, test in folds for r in l1_ratios_)
        self._store_results(X, y_enc, sw, out, Cs, l1_ratios, l1_ratios_, folds,
                            penalty, legacy, path_kw)
        return self

    def _store_results(self, X, y_enc, sw, out, Cs, l1_ratios, l1_ratios_, folds,
                       penalty, legacy, path_kw):
        """Fitted attributes from the folds' paths, laid out as scikit-learn 1.9's."""
        n_folds, n_l1, n_cs = len(folds), len(l1_ratios_), len(Cs)
        n_features = X.shape[1]
        binary = path_kw["binary"]
        n_rows = 1 if binary else len(self.classes_)
        keys = self.classes_[1:] if binary else self.classes_
        self.Cs_ = Cs
        paths = np.array([o[0] for o in out])  # (n_folds*n_l1, n_cs, n_rows, n_dof)
        paths = paths.reshape(n_folds, n_l1, n_cs, n_rows, -1)
        scores = np.array([o[1] for o in out]).reshape(n_folds, n_l1, n_cs)
        n_iter = np.array([o[2] for o in out]).reshape(n_folds, n_l1, n_cs)
        mean = scores.mean(axis=0)  # (n_l1, n_cs)
        best_l1, best_c = np.unravel_index(np.argmax(mean), mean.shape)
        if self.refit:
            C_, l1_ratio_ = Cs[best_c], l1_ratios_[best_l1]
            init = paths[:, best_l1, best_c].mean(axis=0)  # (n_rows, n_dof)
            coef_init = ((init[:, :n_features], init[:, -1]) if self.fit_intercept
                         else (init, np.zeros(n_rows)))
            l1r = _effective_l1_ratio(l1_ratio_, penalty)
            coefs, intercepts, _ = _logistic_path(
                X, y_enc, sw, [C_], l1_ratio=l1r, coef_init=coef_init, **path_kw)
            self.coef_, self.intercept_ = coefs[0], intercepts[0]
        else:
            flat = scores.transpose(0, 2, 1).reshape(n_folds, -1)  # (C, l1) order
            bc, bl = np.unravel_index(np.argmax(flat, axis=1), (n_cs, n_l1))
            w = np.mean([paths[i, bl[i], bc[i]] for i in range(n_folds)], axis=0)
            self.coef_ = w[:, :n_features].astype(X.dtype)
            self.intercept_ = (w[:, -1] if self.fit_intercept
                               else np.zeros(n_rows)).astype(X.dtype)
            C_ = np.mean(Cs[bc])
            l1_ratio_ = (np.mean(np.asarray(l1_ratios_, dtype=float)[bl])
                         if penalty == "elasticnet" else 0.0)
        self.C_1se_ = _one_se_C(scores[:, best_l1], Cs, best_c)
        self.l1_ratios_ = np.asarray(l1_ratios_)
        if legacy:
            rep = n_rows
            self.C_ = np.tile(np.asarray([C_], dtype=float), rep)
            self.l1_ratio_ = np.tile(np.asarray([l1_ratio_]), rep)
            self.coefs_paths_, self.scores_, self.n_iter_ = _legacy_layout(
                paths, scores, n_iter, keys, squeeze_l1=l1_ratios is None)
        else:
            self.C_ = float(C_)
            if l1_ratios is None:
                self.l1_ratio_ = 1.0 if self.penalty == "l1" else 0.0
            else:
                self.l1_ratio_ = float(l1_ratio_)
            self.coefs_paths_ = paths  # (n_folds, n_l1_ratios, n_cs, n_rows, n_dof)
            self.scores_ = scores
            self.n_iter_ = n_iter

    def score(self, X, y, *, sample_weight=None, **score_params):
        """Score with the ``scoring`` option (accuracy by default).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Test samples.
        y : array-like of shape (n_samples,)
            True labels of ``X``.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples, passed to the scorer.
        **score_params : dict
            Metadata for the scorer; only with metadata routing enabled.

        Returns
        -------
        score : float
            The scorer's value of ``self`` on ``(X, y)``.
        """
        _raise_for_params(score_params, self, "score")
        if sample_weight is not None:
            score_params["sample_weight"] = sample_weight
        if _routing_enabled():
            kw = process_routing(self, "score", **score_params).scorer.score
        else:
            sw = score_params.get("sample_weight")
            kw = {} if sw is None else {"sample_weight": sw}
        return self._get_scorer()(self, X, y, **kw)

    def get_metadata_routing(self):
        """Metadata routing of this object (as scikit-learn 1.9's).

        Returns
        -------
        routing : MetadataRouter
            ``fit``'s metadata to the splitter's ``split`` and the scorer;
            ``score``'s to the scorer.
        """
        return (
            MetadataRouter(owner=self)
            .add_self_request(self)
            .add(splitter=self.cv,
                 method_mapping=MethodMapping().add(caller="fit", callee="split"))
            .add(scorer=self._get_scorer(),
                 method_mapping=MethodMapping().add(caller="score", callee="score")
                 .add(caller="fit", callee="score"))
        )

    def _get_scorer(self):
        """The scorer of ``scoring`` (accuracy for None and the 'warn' default)."""
        scoring = None if isinstance(self.scoring, str) and self.scoring == "warn" \
            else self.scoring
        return get_scorer(scoring or "accuracy")

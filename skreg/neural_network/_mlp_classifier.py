"""MLPClassifier: the network with a log-loss output, dropout, elastic-net penalty, max-norm."""

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.metrics import accuracy_score
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import type_of_target, unique_labels
from sklearn.utils.validation import check_is_fitted, column_or_1d

from skreg.neural_network._base import BaseMultilayerPerceptron
from skreg.neural_network._docs import _ATTRIBUTES, _OBJECTIVE, _PARAMETERS
from skreg.utils._sklearn_compat import _fit_context, validate_data


def _check_partial_fit_first_call(clf, classes=None):
    """True on the first call to partial_fit (and set ``classes_``); check later calls."""
    if getattr(clf, "classes_", None) is None and classes is None:
        raise ValueError("classes must be passed on the first call to partial_fit.")
    if classes is not None:
        if getattr(clf, "classes_", None) is not None:
            if not np.array_equal(clf.classes_, unique_labels(classes)):
                raise ValueError(
                    f"`classes={classes!r}` is not the same as on last call to "
                    f"partial_fit, was: {clf.classes_!r}"
                )
        else:
            clf.classes_ = unique_labels(classes)
            return True
    return False


class MLPClassifier(ClassifierMixin, BaseMultilayerPerceptron):
    __doc__ = f"""Multi-layer perceptron classifier with dropout and weight penalties.

    Minimises the log-loss (softmax output for multiclass targets, logistic
    outputs for binary and multilabel ones) with Adam, SGD or L-BFGS.
    {_OBJECTIVE}

    Parameters
    ----------{_PARAMETERS}
    Attributes
    ----------
    classes_ : ndarray or list of ndarray of shape (n_classes,)
        Class labels for each output.
    {_ATTRIBUTES}

    See Also
    --------
    MLPRegressor : The same network for regression.
    sklearn.neural_network.MLPClassifier : scikit-learn's classifier, without dropout.

    References
    ----------
    Srivastava, Hinton, Krizhevsky, Sutskever and Salakhutdinov (2014),
    "Dropout: a simple way to prevent neural networks from overfitting", JMLR 15.
    Gal and Ghahramani (2016), "Dropout as a Bayesian approximation", ICML.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skreg import MLPClassifier
    >>> X, y = make_classification(n_samples=200, random_state=0)
    >>> clf = MLPClassifier(hidden_layer_sizes=(32,), dropout_rate=0.2,
    ...                     max_iter=300, random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:2]).shape
    (2, 2)
    >>> clf.mc_predict_proba(X[:2], n_samples=10, random_state=0).shape
    (10, 2, 2)
    >>> bool(clf.score(X, y) > 0.9)
    True
    """

    _parameter_constraints = dict(BaseMultilayerPerceptron._parameter_constraints)
    loss = "log_loss"

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        dropout_rate=0.0,
        input_dropout_rate=0.0,
        dropout_mode="inverted",
        l1_ratio=0.0,
        max_norm=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.dropout_rate = dropout_rate
        self.input_dropout_rate = input_dropout_rate
        self.dropout_mode = dropout_mode
        self.l1_ratio = l1_ratio
        self.max_norm = max_norm

    def _output_activation(self):
        return "softmax" if self._label_binarizer.y_type_ == "multiclass" else "logistic"

    def _validate_input(self, X, y, incremental, reset):
        X, y = validate_data(self, X, y, accept_sparse=["csr", "csc"], multi_output=True,
                             dtype=(np.float64, np.float32), reset=reset)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if (not hasattr(self, "classes_")) or (not self.warm_start and not incremental):
            self._label_binarizer = LabelBinarizer()
            self._label_binarizer.fit(y)
            self.classes_ = self._label_binarizer.classes_
        else:
            classes = unique_labels(y)
            if self.warm_start:
                if set(classes) != set(self.classes_):
                    raise ValueError(
                        "warm_start can only be used where `y` has the same classes as "
                        f"in the previous call to fit. Previously got {self.classes_}, "
                        f"`y` has {classes}"
                    )
            elif len(np.setdiff1d(classes, self.classes_, assume_unique=True)):
                raise ValueError(
                    f"`y` has classes not in `self.classes_`. `self.classes_` has "
                    f"{self.classes_}. 'y' has {classes}."
                )
        # bool keeps float32 training in float32
        return X, self._label_binarizer.transform(y).astype(bool)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the model to data X and labels y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data (float32 is kept float32).
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The class labels (a label-indicator matrix for multilabel).
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        self : object
            The fitted classifier.
        """
        return self._fit(X, y, sample_weight=sample_weight, incremental=False)

    @available_if(lambda est: est._check_solver())
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """Update the model with one epoch over the given data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,)
            The class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.
        classes : array of shape (n_classes,), default=None
            All the classes; required on the first call, optional later.

        Returns
        -------
        self : object
            The updated classifier.
        """
        if _check_partial_fit_first_call(self, classes):
            self._label_binarizer = LabelBinarizer()
            if type_of_target(y).startswith("multilabel"):
                self._label_binarizer.fit(y)
            else:
                self._label_binarizer.fit(classes)
        return self._fit(X, y, sample_weight=sample_weight, incremental=True)

    def _predict(self, X, check_input=True):
        y_pred = self._forward_pass_fast(X, check_input=check_input)
        if self.n_outputs_ == 1:
            y_pred = y_pred.ravel()
        return self._label_binarizer.inverse_transform(y_pred)

    def _score(self, X, y, sample_weight=None):
        return self._score_with_function(X, y, sample_weight, accuracy_score)

    def predict(self, X):
        """Predict class labels (deterministic: no unit is dropped).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_classes)
            The predicted classes.
        """
        check_is_fitted(self)
        return self._predict(X)

    def _proba(self, y_pred):
        if self.n_outputs_ == 1:
            y_pred = y_pred.ravel()
            return np.vstack([1 - y_pred, y_pred]).T
        return y_pred

    def predict_proba(self, X):
        """Probability estimates (deterministic: no unit is dropped).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y_prob : ndarray of shape (n_samples, n_classes)
            Probability of each class, in the order of ``classes_``.
        """
        check_is_fitted(self)
        return self._proba(self._forward_pass_fast(X))

    def predict_log_proba(self, X):
        """Log of :meth:`predict_proba`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        log_y_prob : ndarray of shape (n_samples, n_classes)
            Log-probability of each class, in the order of ``classes_``.
        """
        y_prob = self.predict_proba(X)
        return np.log(y_prob, out=y_prob)

    def mc_predict_proba(self, X, n_samples=30, random_state=None):
        """Monte Carlo dropout: class probabilities under training-time dropout.

        Runs the network ``n_samples`` times with fresh dropout masks (the
        training-time rule of ``dropout_mode``) and returns every run, so that
        their mean approximates the predictive distribution and their spread
        its uncertainty (Gal and Ghahramani, 2016).  Without dropout all runs
        equal :meth:`predict_proba`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_rows, n_features)
            The input data.
        n_samples : int, default=30
            Number of stochastic forward passes.
        random_state : int, RandomState, Generator or None, default=None
            Seeds the masks.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_rows, n_classes)
            The stacked probabilities.
        """
        outs = self._mc_outputs(X, n_samples, random_state)
        return np.stack([self._proba(o) for o in outs])

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags

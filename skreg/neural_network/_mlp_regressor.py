"""MLPRegressor: the network with a squared-error or Poisson output, dropout, penalty, max-norm."""

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted, column_or_1d

from skreg.neural_network._base import BaseMultilayerPerceptron
from skreg.neural_network._docs import _ATTRIBUTES, _OBJECTIVE, _PARAMETERS
from skreg.utils import check_numeric_target
from skreg.utils._sklearn_compat import StrOptions, _fit_context, validate_data


class MLPRegressor(RegressorMixin, BaseMultilayerPerceptron):
    __doc__ = f"""Multi-layer perceptron regressor with dropout and weight penalties.

    Minimises the half squared error (identity output) or, with
    ``loss='poisson'``, the half Poisson deviance (exponential output, y >= 0),
    summed over outputs, with Adam, SGD or L-BFGS.
    {_OBJECTIVE}

    Parameters
    ----------
    loss : {{'squared_error', 'poisson'}}, default='squared_error'
        The loss: half squared error, or half Poisson deviance with a log link.
    {_PARAMETERS}
    Attributes
    ----------{_ATTRIBUTES}

    See Also
    --------
    MLPClassifier : The same network for classification.
    sklearn.neural_network.MLPRegressor : scikit-learn's regressor, without dropout.

    Notes
    -----
    For several outputs scikit-learn reports the squared error averaged over
    outputs while optimising its sum; here the reported loss is the optimised
    sum (identical for one output).

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from skreg import MLPRegressor
    >>> X, y = make_regression(n_samples=200, n_features=10, noise=1.0, random_state=0)
    >>> reg = MLPRegressor(hidden_layer_sizes=(64,), dropout_rate=0.1, max_iter=2000,
    ...                    learning_rate_init=0.01, random_state=0).fit(X, y)
    >>> reg.predict(X[:3]).shape
    (3,)
    >>> reg.mc_predict(X[:3], n_samples=5, random_state=0).shape
    (5, 3)
    >>> bool(reg.score(X, y) > 0.9)
    True
    """

    _parameter_constraints = {
        **BaseMultilayerPerceptron._parameter_constraints,
        "loss": [StrOptions({"squared_error", "poisson"})],
    }

    def __init__(
        self,
        loss="squared_error",
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
        self.loss = loss
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
        return "exp" if self.loss == "poisson" else "identity"

    def _validate_input(self, X, y, incremental, reset):
        X, y = validate_data(self, X, check_numeric_target(y), accept_sparse=["csr", "csc"],
                             multi_output=True, y_numeric=True,
                             dtype=(np.float64, np.float32), reset=reset)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        return X, y

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the model to data X and target(s) y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data (float32 is kept float32).
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        self : object
            The fitted regressor.
        """
        return self._fit(X, y, sample_weight=sample_weight, incremental=False)

    @available_if(lambda est: est._check_solver())
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Update the model with one epoch over the given data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        self : object
            The updated regressor.
        """
        return self._fit(X, y, sample_weight=sample_weight, incremental=True)

    def _predict(self, X, check_input=True):
        y_pred = self._forward_pass_fast(X, check_input=check_input)
        return y_pred.ravel() if y_pred.shape[1] == 1 else y_pred

    def _score(self, X, y, sample_weight=None):
        return self._score_with_function(X, y, sample_weight, r2_score)

    def predict(self, X):
        """Predict with the network (deterministic: no unit is dropped).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The predicted values.
        """
        check_is_fitted(self)
        return self._predict(X)

    def mc_predict(self, X, n_samples=30, random_state=None):
        """Monte Carlo dropout: predictions under training-time dropout.

        Runs the network ``n_samples`` times with fresh dropout masks and
        returns every run (see :meth:`MLPClassifier.mc_predict_proba`).

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
        y : ndarray of shape (n_samples, n_rows) or (n_samples, n_rows, n_outputs)
            The stacked predictions.
        """
        outs = self._mc_outputs(X, n_samples, random_state)
        return np.stack([o.ravel() if o.shape[1] == 1 else o for o in outs])

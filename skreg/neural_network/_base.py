"""Shared machinery of MLPClassifier and MLPRegressor: validation, fit loops."""

import warnings
from itertools import chain
from numbers import Integral, Real

import numpy as np
import scipy.optimize
from sklearn.base import BaseEstimator, is_classifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state, gen_batches, shuffle
from sklearn.utils.validation import check_is_fitted

from skreg._objectives import enet_penalty
from skreg.neural_network._activations import LOSS_FUNCTIONS
from skreg.neural_network._network import (
    ParameterLayout,
    Workspace,
    forward,
    max_norm_,
)
from skreg.neural_network._optimizers import AdamOptimizer, SGDOptimizer
from skreg.utils import user_stacklevel
from skreg.utils._sklearn_compat import (
    Interval,
    Options,
    StrOptions,
    _check_sample_weight,
    validate_data,
)

_STOCHASTIC_SOLVERS = ("sgd", "adam")
_SEED_MAX = np.iinfo(np.int32).max


def _mask_generator(random_state):
    """A numpy Generator for dropout masks, seeded from ``random_state``.

    ``random_state`` may be None, an int, a RandomState (one draw is taken from
    it) or a Generator (used as is).
    """
    if isinstance(random_state, np.random.Generator):
        return random_state
    return np.random.default_rng(check_random_state(random_state).randint(_SEED_MAX))


class BaseMultilayerPerceptron(BaseEstimator):
    """Base class of the MLP estimators; use MLPClassifier or MLPRegressor."""

    _parameter_constraints: dict = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions({"identity", "logistic", "tanh", "relu"})],
        "solver": [StrOptions({"lbfgs", "sgd", "adam"})],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [
            Interval(Integral, 1, None, closed="left"),
            Options(Real, {np.inf}),
        ],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
        "dropout_rate": [Interval(Real, 0, 1, closed="left"), "array-like"],
        "input_dropout_rate": [Interval(Real, 0, 1, closed="left")],
        "dropout_mode": [StrOptions({"inverted", "standard"})],
        "l1_ratio": [Interval(Real, 0, 1, closed="both")],
        "max_norm": [Interval(Real, 0, None, closed="neither"), None],
    }

    # ------------------------------------------------------------------ setup
    def _hidden_layer_sizes(self):
        sizes = self.hidden_layer_sizes
        if not hasattr(sizes, "__iter__"):
            sizes = [sizes]
        sizes = [int(s) for s in sizes]
        if any(s <= 0 for s in sizes):
            raise ValueError(f"hidden_layer_sizes must be > 0, got {sizes}.")
        return sizes

    def _dropout_rates(self, n_hidden):
        """Per weight matrix, the dropout rate of its input (input, then hidden)."""
        rates = np.asarray(self.dropout_rate, dtype=float)
        if rates.ndim == 0:
            rates = np.full(n_hidden, float(rates))
        elif rates.shape != (n_hidden,):
            raise ValueError(
                f"dropout_rate must be a float or have one rate per hidden layer "
                f"({n_hidden}), got {self.dropout_rate!r}."
            )
        if np.any(~np.isfinite(rates)) or np.any(rates < 0) or np.any(rates >= 1):
            raise ValueError(f"dropout_rate values must be in [0, 1), got {self.dropout_rate!r}.")
        all_rates = [float(self.input_dropout_rate)] + [float(r) for r in rates]
        if self.solver == "lbfgs" and any(r > 0 for r in all_rates):
            raise ValueError(
                "solver='lbfgs' cannot be used with dropout (dropout_rate="
                f"{self.dropout_rate!r}, input_dropout_rate={self.input_dropout_rate!r}): "
                "dropout makes the objective stochastic (a new random mask at each "
                "evaluation), which breaks L-BFGS's line search and curvature "
                "estimates. Use solver='adam' or 'sgd', or set the rates to 0."
            )
        if self.solver == "lbfgs" and self.max_norm is not None:
            raise ValueError(
                "max_norm is a projection applied after each stochastic update and "
                "is not available with solver='lbfgs'; use solver='adam' or 'sgd'."
            )
        return all_rates

    def _init_coef(self, fan_in, fan_out, dtype):
        # Glorot & Bengio (2010) uniform initialisation, as scikit-learn.
        factor = 2.0 if self.activation == "logistic" else 6.0
        bound = np.sqrt(factor / (fan_in + fan_out))
        coef = self._random_state.uniform(-bound, bound, (fan_in, fan_out))
        intercept = self._random_state.uniform(-bound, bound, fan_out)
        return coef.astype(dtype, copy=False), intercept.astype(dtype, copy=False)

    def _initialize(self, y, layer_units, dtype):
        self.n_iter_ = 0
        self.t_ = 0
        self.n_outputs_ = y.shape[1]
        self.n_layers_ = len(layer_units)
        self.out_activation_ = self._output_activation()
        self.coefs_, self.intercepts_ = [], []
        for fan_in, fan_out in zip(layer_units[:-1], layer_units[1:]):
            c, b = self._init_coef(fan_in, fan_out, dtype)
            self.coefs_.append(c)
            self.intercepts_.append(b)
        self._best_coefs = [c.copy() for c in self.coefs_]
        self._best_intercepts = [b.copy() for b in self.intercepts_]
        if self.solver in _STOCHASTIC_SOLVERS:
            self.loss_curve_ = []
            self._no_improvement_count = 0
            if self.early_stopping:
                self.validation_scores_ = []
                self.best_validation_score_ = -np.inf
                self.best_loss_ = None
            else:
                self.best_loss_ = np.inf
                self.validation_scores_ = None
                self.best_validation_score_ = None

    def _loss_name(self):
        if self.loss == "log_loss" and self.out_activation_ == "logistic":
            return "binary_log_loss"
        return self.loss

    # -------------------------------------------------------------------- fit
    def _fit(self, X, y, sample_weight=None, incremental=False):
        hidden = self._hidden_layer_sizes()
        rates = self._dropout_rates(len(hidden))
        first_pass = not hasattr(self, "coefs_") or (not self.warm_start and not incremental)
        X, y = self._validate_input(X, y, incremental, reset=first_pass)
        if sample_weight is not None:
            # a negative weight makes the loss unbounded below: refuse it, as the
            # linear models do (scikit-learn's MLP silently accepts it)
            sample_weight = _check_sample_weight(sample_weight, X, ensure_non_negative=True)
        if y.ndim == 1:
            y = y.reshape((-1, 1))
        if not is_classifier(self):
            y = y.astype(X.dtype, copy=False)
        if self._loss_name_for_check() == "poisson" and np.any(y < 0):
            raise ValueError("loss='poisson' requires y >= 0 (a count or rate target).")
        self.n_outputs_ = y.shape[1]
        layer_units = [X.shape[1]] + hidden + [self.n_outputs_]
        self._random_state = check_random_state(self.random_state)
        if first_pass:
            self._initialize(y, layer_units, X.dtype)
        self._fit_rates, self._fit_mode = rates, self.dropout_mode
        if self._has_dropout(rates) and (
            not incremental or first_pass or not hasattr(self, "_dropout_rng")
        ):
            self._dropout_rng = _mask_generator(self._random_state)

        # All parameters become views into one flat vector (see _network).
        layout = ParameterLayout(layer_units)
        flat = layout.pack(self.coefs_, self.intercepts_, X.dtype)
        self.coefs_, self.intercepts_ = layout.views(flat)
        if self.solver in _STOCHASTIC_SOLVERS:
            self._fit_stochastic(X, y, sample_weight, layout, flat, rates, incremental)
        else:
            self._fit_lbfgs(X, y, sample_weight, layout, flat)
        if not all(np.isfinite(w).all() for w in chain(self.coefs_, self.intercepts_)):
            raise ValueError(
                "Solver produced non-finite parameter weights. The input data may"
                " contain large values and need to be preprocessed."
            )
        return self

    def _loss_name_for_check(self):
        return getattr(self, "loss", None)

    @staticmethod
    def _has_dropout(rates):
        return any(r > 0 for r in rates)

    def _fit_lbfgs(self, X, y, sample_weight, layout, flat):
        coefs, intercepts = self.coefs_, self.intercepts_
        grad = np.empty_like(flat)
        coef_grads, intercept_grads = layout.views(grad)
        ws = Workspace(layout.layer_units, X.shape[0], X.dtype, self.activation,
                       self.out_activation_, [0.0] * (self.n_layers_ - 1), "inverted")
        loss_fn = LOSS_FUNCTIONS[self._loss_name()]
        sw_sum = X.shape[0] if sample_weight is None else float(sample_weight.sum())
        alpha, l1_ratio = float(self.alpha), float(self.l1_ratio)

        def fun(x):
            flat[...] = x
            out = ws.forward(X, coefs, intercepts, None)
            loss = loss_fn(y, out, sample_weight)
            ws.backward(y, sample_weight, coefs, coef_grads, intercept_grads)
            # scikit-learn's scale: the penalty divided by the sum of the weights
            loss += enet_penalty(flat[:layout.n_coef], alpha / sw_sum, l1_ratio,
                                 grad=grad[:layout.n_coef])
            return loss, grad.astype(np.float64)

        res = scipy.optimize.minimize(
            fun, flat.astype(np.float64), method="L-BFGS-B", jac=True,
            options={"maxfun": self.max_fun, "maxiter": self.max_iter, "gtol": self.tol},
        )
        n_iter = min(res.nit, self.max_iter)
        if res.status != 0:
            warnings.warn(
                f"lbfgs failed to converge after {n_iter} iteration(s) "
                f"(status={res.status}):\n{res.message}\n"
                + (f"\nIncrease the number of iterations to improve the convergence "
                   f"(max_iter={self.max_iter})." if n_iter == self.max_iter else ""),
                ConvergenceWarning,
                stacklevel=user_stacklevel(),
            )
        if self.verbose:
            print(f"L-BFGS-B: {res.message} after {n_iter} iterations, loss = {res.fun:.8f}")
        self.n_iter_ = n_iter
        self.loss_ = float(res.fun)
        flat[...] = res.x

    def _make_optimizer(self, flat):
        if self.solver == "sgd":
            return SGDOptimizer(flat, self.learning_rate_init, self.learning_rate,
                                self.momentum, self.nesterovs_momentum, self.power_t)
        return AdamOptimizer(flat, self.learning_rate_init, self.beta_1, self.beta_2,
                             self.epsilon)

    def _fit_stochastic(self, X, y, sample_weight, layout, flat, rates, incremental):
        if not incremental or not hasattr(self, "_optimizer"):
            self._optimizer = self._make_optimizer(flat)
        else:
            self._optimizer.astype(flat.dtype)
        if self.early_stopping and incremental:
            raise ValueError("partial_fit does not support early_stopping=True")
        early_stopping = self.early_stopping
        if early_stopping:
            # don't stratify in multilabel classification
            stratify = y if (is_classifier(self) and self.n_outputs_ == 1) else None
            arrays = (X, y) if sample_weight is None else (X, y, sample_weight)
            split = train_test_split(*arrays, random_state=self._random_state,
                                     test_size=self.validation_fraction, stratify=stratify)
            X_train, X_val, y_train, y_val = split[:4]
            sw_train, sw_val = (None, None) if sample_weight is None else split[4:]
            if X_val.shape[0] < 2:
                raise ValueError(
                    "The validation set is too small. Increase 'validation_fraction' "
                    "or the size of your dataset."
                )
            if is_classifier(self):
                y_val = self._label_binarizer.inverse_transform(y_val)
        else:
            X_train, y_train, sw_train = X, y, sample_weight
            X_val = y_val = sw_val = None

        n_samples = X_train.shape[0]
        sample_idx = np.arange(n_samples, dtype=int)
        if self.batch_size == "auto":
            batch_size = min(200, n_samples)
        else:
            if self.batch_size > n_samples:
                warnings.warn(
                    "Got `batch_size` less than 1 or larger than "
                    "sample size. It is going to be clipped", stacklevel=user_stacklevel()
                )
            batch_size = int(np.clip(self.batch_size, 1, n_samples))

        coefs, intercepts = self.coefs_, self.intercepts_
        coef_flat = flat[:layout.n_coef]
        grad = np.empty_like(flat)
        coef_grads, intercept_grads = layout.views(grad)
        grad_coef = grad[:layout.n_coef]
        work = np.empty_like(grad_coef)
        ws = Workspace(layout.layer_units, batch_size, X.dtype, self.activation,
                       self.out_activation_, rates, self.dropout_mode)
        rng = getattr(self, "_dropout_rng", None)
        loss_fn = LOSS_FUNCTIONS[self._loss_name()]
        alpha, l1_ratio = float(self.alpha), float(self.l1_ratio)
        gather = self.shuffle and not hasattr(X_train, "tocsr")
        X_buf = np.empty((batch_size, X.shape[1]), X.dtype) if gather else None
        optimizer = self._optimizer

        try:
            self.n_iter_ = 0
            for _ in range(self.max_iter):
                if self.shuffle:
                    sample_idx = shuffle(sample_idx, random_state=self._random_state)
                accumulated_loss = 0.0
                for batch_slice in gen_batches(n_samples, batch_size):
                    nb = batch_slice.stop - batch_slice.start
                    if self.shuffle:
                        batch_idx = sample_idx[batch_slice]
                        if gather:
                            X_batch = np.take(X_train, batch_idx, axis=0, out=X_buf[:nb])
                        else:
                            X_batch = X_train[batch_idx]
                    else:
                        batch_idx = batch_slice
                        X_batch = X_train[batch_slice]
                    y_batch = y_train[batch_idx]
                    sw_batch = None if sw_train is None else sw_train[batch_idx]
                    sw_sum = nb if sw_batch is None else float(sw_batch.sum())

                    out = ws.forward(X_batch, coefs, intercepts, rng)
                    batch_loss = loss_fn(y_batch, out, sw_batch)
                    ws.backward(y_batch, sw_batch, coefs, coef_grads, intercept_grads)
                    batch_loss += enet_penalty(coef_flat, alpha / sw_sum, l1_ratio,
                                               grad=grad_coef, work=work)
                    accumulated_loss += batch_loss * nb
                    optimizer.update_params(flat, grad)
                    if self.max_norm is not None:
                        max_norm_(coefs, self.max_norm)

                self.n_iter_ += 1
                self.loss_ = accumulated_loss / n_samples
                self.t_ += n_samples
                self.loss_curve_.append(self.loss_)
                if self.verbose:
                    print(f"Iteration {self.n_iter_}, loss = {self.loss_:.8f}")
                self._update_no_improvement_count(early_stopping, X_val, y_val, sw_val)
                optimizer.iteration_ends(self.t_)
                if self._no_improvement_count > self.n_iter_no_change:
                    if early_stopping:
                        msg = (f"Validation score did not improve more than tol={self.tol:f} "
                               f"for {self.n_iter_no_change} consecutive epochs.")
                    else:
                        msg = (f"Training loss did not improve more than tol={self.tol:f} "
                               f"for {self.n_iter_no_change} consecutive epochs.")
                    if optimizer.trigger_stopping(msg, self.verbose):
                        break
                    self._no_improvement_count = 0
                if incremental:
                    break
                if self.n_iter_ == self.max_iter:
                    warnings.warn(
                        f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) reached "
                        "and the optimization hasn't converged yet.",
                        ConvergenceWarning, stacklevel=user_stacklevel(),
                    )
        except KeyboardInterrupt:
            warnings.warn("Training interrupted by user.", stacklevel=user_stacklevel())

        if early_stopping:
            self.coefs_ = self._best_coefs
            self.intercepts_ = self._best_intercepts

    def _update_no_improvement_count(self, early_stopping, X, y, sample_weight):
        if early_stopping:
            val_score = self._score(X, y, sample_weight=sample_weight)
            self.validation_scores_.append(val_score)
            if self.verbose:
                print(f"Validation score: {self.validation_scores_[-1]:f}")
            last = self.validation_scores_[-1]
            if last < self.best_validation_score_ + self.tol:
                self._no_improvement_count += 1
            else:
                self._no_improvement_count = 0
            if last > self.best_validation_score_:
                self.best_validation_score_ = last
                self._best_coefs = [c.copy() for c in self.coefs_]
                self._best_intercepts = [b.copy() for b in self.intercepts_]
        else:
            if self.loss_curve_[-1] > self.best_loss_ - self.tol:
                self._no_improvement_count += 1
            else:
                self._no_improvement_count = 0
            if self.loss_curve_[-1] < self.best_loss_:
                self.best_loss_ = self.loss_curve_[-1]

    # -------------------------------------------------------------- inference

    def _forward_pass_fast(self, X, check_input=True, rng=None):
        """Output layer activation; deterministic unless ``rng`` (MC dropout)."""
        if check_input:
            X = validate_data(self, X, accept_sparse=["csr", "csc"],
                              dtype=(np.float64, np.float32), reset=False)
        return forward(X, self.coefs_, self.intercepts_, self.activation,
                       self.out_activation_, self._fit_rates, self._fit_mode,
                       rng=rng)

    def _mc_outputs(self, X, n_samples, random_state):
        check_is_fitted(self)
        if not isinstance(n_samples, Integral) or n_samples < 1:
            raise ValueError(f"n_samples must be a positive integer, got {n_samples!r}.")
        X = validate_data(self, X, accept_sparse=["csr", "csc"],
                          dtype=(np.float64, np.float32), reset=False)
        if not self._has_dropout(self._fit_rates):
            # Nothing is random: one pass, repeated.  (Recomputing it would give
            # the same numbers only up to BLAS rounding, which can depend on the
            # buffers' alignment: a spread of 1e-17 instead of exactly 0.)
            return [self._forward_pass_fast(X, check_input=False)] * n_samples
        rng = _mask_generator(random_state)
        return [self._forward_pass_fast(X, check_input=False, rng=rng)
                for _ in range(n_samples)]

    def _score_with_function(self, X, y, sample_weight, score_function):
        y_pred = self._predict(X, check_input=False)
        if np.issubdtype(y_pred.dtype, np.floating) and not np.isfinite(y_pred).all():
            return np.nan
        return score_function(y, y_pred, sample_weight=sample_weight)

    def _check_solver(self):
        if self.solver not in _STOCHASTIC_SOLVERS:
            raise AttributeError(
                "partial_fit is only available for stochastic optimizers. "
                f"{self.solver} is not stochastic."
            )
        return True

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

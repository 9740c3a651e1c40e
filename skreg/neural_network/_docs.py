"""Documentation shared by MLPClassifier and MLPRegressor (written once)."""

_OBJECTIVE = """
    The network maps x to f(x) through hidden layers
    h_{k+1} = act(d_k(h_k) @ coefs_[k] + intercepts_[k]) (h_0 = x), where d_k is
    the dropout of layer k's output: the input features for k = 0
    (``input_dropout_rate``) and the hidden units for k >= 1 (``dropout_rate``).
    With sample weights s_i (all 1 by default) and S = sum_i s_i over the
    samples of a mini-batch ('sgd', 'adam') or of the whole training set
    ('lbfgs'), the minimised objective is::

        (1 / S) sum_i s_i loss(y_i, f(x_i))
        + (alpha / S) * (l1_ratio * ||W||_1 + (1 - l1_ratio) / 2 * ||W||_2^2),

    where W are all the weights ``coefs_`` (biases are not penalised), so
    ``l1_ratio=0`` is scikit-learn's L2 penalty exactly.  The L1 part is
    minimised by its subgradient (sign(0) = 0), so weights become small, not
    exactly zero.

    Dropout (keep = 1 - rate; masks drawn from a Generator seeded from
    ``random_state``): in ``dropout_mode='inverted'`` the surviving units are
    divided by keep while training and the network is used as it is at
    inference; in ``'standard'`` they are left unscaled while training and the
    output of every dropped layer is multiplied by keep at inference, i.e.
    h_{k+1} = act((keep_k * h_k) @ coefs_[k] + intercepts_[k]).  Both modes give
    the next layer the same expected input.  ``max_norm`` = c rescales, after
    every update, each hidden unit's incoming weight vector (a column of
    ``coefs_[k]``, ``k < n_layers_ - 2``) to L2 norm <= c."""

_PARAMETERS = """
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        The ith element represents the number of neurons in the ith hidden layer.

    activation : {'identity', 'logistic', 'tanh', 'relu'}, default='relu'
        Activation function of the hidden layers: f(x) = x, 1 / (1 + exp(-x)),
        tanh(x) or max(0, x).

    solver : {'lbfgs', 'sgd', 'adam'}, default='adam'
        The solver: L-BFGS-B on the full-batch objective, mini-batch stochastic
        gradient descent, or Adam (Kingma and Ba, 2014).  'lbfgs' requires all
        dropout rates to be 0 (dropout makes the objective stochastic) and
        ``max_norm=None``.

    alpha : float, default=0.0001
        Strength of the weight penalty; divided by the (weighted) number of
        samples when added to the loss.

    batch_size : int or 'auto', default='auto'
        Size of the mini-batches of 'sgd' and 'adam'; 'auto' is
        ``min(200, n_samples)``.

    learning_rate : {'constant', 'invscaling', 'adaptive'}, default='constant'
        Learning-rate schedule of 'sgd': constant ``learning_rate_init``;
        ``learning_rate_init / pow(t, power_t)`` after t samples; or divided by
        5 each time two consecutive epochs fail to improve by ``tol``.

    learning_rate_init : float, default=0.001
        The initial learning rate of 'sgd' and 'adam'.

    power_t : float, default=0.5
        Exponent of the 'invscaling' schedule.

    max_iter : int, default=200
        Maximum number of epochs ('sgd', 'adam') or iterations ('lbfgs').

    shuffle : bool, default=True
        Whether to shuffle the samples at each epoch ('sgd', 'adam').

    random_state : int, RandomState instance or None, default=None
        Seeds the weight initialisation, the early-stopping split, the batch
        shuffling and (through one draw) the Generator of the dropout masks.
        Pass an int for reproducible fits.

    tol : float, default=1e-4
        The fit stops (or, with 'adaptive', lowers the learning rate) when the
        training loss or validation score has not improved by ``tol`` for
        ``n_iter_no_change`` consecutive epochs.  For 'lbfgs', the projected
        gradient tolerance.

    verbose : bool, default=False
        Whether to print progress messages.

    warm_start : bool, default=False
        Reuse the previous solution as initialisation of the next fit.

    momentum : float, default=0.9
        Momentum of 'sgd', in [0, 1].

    nesterovs_momentum : bool, default=True
        Whether 'sgd' uses Nesterov's momentum.

    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training data (stratified for
        single-output classification) and stop when its score (deterministic
        inference) stops improving; the best weights are kept.

    validation_fraction : float, default=0.1
        Fraction of the training data held out for early stopping.

    beta_1 : float, default=0.9
        Decay rate of Adam's first-moment estimates, in [0, 1).

    beta_2 : float, default=0.999
        Decay rate of Adam's second-moment estimates, in [0, 1).

    epsilon : float, default=1e-8
        Adam's numerical-stability constant.

    n_iter_no_change : int, default=10
        Number of epochs without ``tol`` improvement before stopping.

    max_fun : int, default=15000
        Maximum number of loss evaluations of 'lbfgs'.

    dropout_rate : float or array-like of shape (n_layers - 2,), default=0.0
        Probability of dropping each hidden unit while training, in [0, 1);
        one float for all hidden layers or one rate per hidden layer.

    input_dropout_rate : float, default=0.0
        Probability of dropping each input feature while training, in [0, 1).

    dropout_mode : {'inverted', 'standard'}, default='inverted'
        Where the keep-probability scaling happens (see the objective above).

    l1_ratio : float, default=0.0
        Share of L1 in the weight penalty, in [0, 1]; 0 is scikit-learn's L2.

    max_norm : float or None, default=None
        If set, the maximum L2 norm of each hidden unit's incoming weights,
        enforced after every update ('sgd', 'adam').
"""

_ATTRIBUTES = """
    loss_ : float
        The loss (objective above) at the end of the last epoch or iteration.

    best_loss_ : float or None
        The minimum training loss; None with ``early_stopping=True``.

    loss_curve_ : list of shape (``n_iter_``,)
        The loss of each epoch ('sgd', 'adam' only).

    validation_scores_ : list of shape (``n_iter_``,) or None
        The validation score of each epoch with ``early_stopping=True``.

    best_validation_score_ : float or None
        The best validation score with ``early_stopping=True``.

    t_ : int
        Number of training samples seen by the solver.

    coefs_ : list of shape (n_layers - 1,)
        ``coefs_[k]``, of shape (fan_in, fan_out), maps layer k to layer k + 1.

    intercepts_ : list of shape (n_layers - 1,)
        ``intercepts_[k]`` is the bias vector of layer k + 1.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Names of features seen during ``fit``.  Defined only when X has
        feature names that are all strings.

    n_iter_ : int
        Number of epochs ('sgd', 'adam') or iterations ('lbfgs') run.

    n_layers_ : int
        Number of layers, input and output included.

    n_outputs_ : int
        Number of outputs.

    out_activation_ : str
        Name of the output activation."""

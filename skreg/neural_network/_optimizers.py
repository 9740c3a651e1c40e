"""Stochastic optimizers of the MLP, updating one flat parameter vector in place.

The network's weights and biases live in a single contiguous vector (see
``_network.ParameterLayout``), and so do their gradients, so each optimizer
step is a handful of whole-vector in-place ufunc passes with no temporary
arrays.  (Not BLAS ``axpy``: a threaded level-1 BLAS call on vectors of
this size costs more in thread hand-offs than in arithmetic, and its time
depends on what else runs on the cores; numpy's ufuncs are single-threaded
and steady.)  The update rules and learning-rate schedules
are those of scikit-learn's ``SGDOptimizer`` and ``AdamOptimizer``:

- SGD: ``v <- momentum * v - lr * g``; ``w <- w + v`` or, with Nesterov's
  momentum, ``w <- w + momentum * v - lr * g``.  ``lr`` is constant,
  ``learning_rate_init / (t + 1) ** power_t`` ('invscaling', t = samples
  seen) or divided by 5 each time progress stalls ('adaptive').
- Adam (Kingma & Ba, 2014): ``m <- b1 m + (1 - b1) g``,
  ``v <- b2 v + (1 - b2) g**2``,
  ``w <- w - lr_t m / (sqrt(v) + eps)`` with
  ``lr_t = lr sqrt(1 - b2**t) / (1 - b1**t)``.
"""

import numpy as np


class BaseOptimizer:
    """Learning-rate bookkeeping shared by the optimizers.

    Parameters
    ----------
    learning_rate_init : float
        The initial learning rate.
    """

    def __init__(self, learning_rate_init):
        self.learning_rate_init = float(learning_rate_init)
        self.learning_rate = float(learning_rate_init)

    def iteration_ends(self, time_step):
        """Update the learning rate at the end of an epoch (no-op by default)."""

    def trigger_stopping(self, msg, verbose):
        """Return True when training must stop after ``msg`` (no progress)."""
        if verbose:
            print(msg + " Stopping.")
        return True

    def _state_names(self):
        return ()

    def astype(self, dtype):
        """Cast the optimizer's state to ``dtype`` (a warm start on new data)."""
        for name in self._state_names():
            setattr(self, name, getattr(self, name).astype(dtype, copy=False))
        return self


class SGDOptimizer(BaseOptimizer):
    """Stochastic gradient descent with (Nesterov) momentum.

    Parameters
    ----------
    params : ndarray of shape (n_params,)
        The flat parameter vector (its shape and dtype size the state).
    learning_rate_init : float
    lr_schedule : {'constant', 'invscaling', 'adaptive'}
    momentum : float
    nesterov : bool
    power_t : float
    """

    def __init__(self, params, learning_rate_init=0.1, lr_schedule="constant",
                 momentum=0.9, nesterov=True, power_t=0.5):
        super().__init__(learning_rate_init)
        self.lr_schedule = lr_schedule
        self.momentum = float(momentum)
        self.nesterov = nesterov
        self.power_t = float(power_t)
        self.velocity = np.zeros_like(params)
        self._tmp = np.empty_like(params)

    def _state_names(self):
        return ("velocity", "_tmp")

    def iteration_ends(self, time_step):
        """Apply the 'invscaling' schedule after ``time_step`` samples."""
        if self.lr_schedule == "invscaling":
            self.learning_rate = self.learning_rate_init / (time_step + 1) ** self.power_t

    def trigger_stopping(self, msg, verbose):
        """Stop, or with 'adaptive' divide the learning rate by 5 and go on."""
        if self.lr_schedule != "adaptive":
            if verbose:
                print(msg + " Stopping.")
            return True
        if self.learning_rate <= 1e-6:
            if verbose:
                print(msg + " Learning rate too small. Stopping.")
            return True
        self.learning_rate /= 5.0
        if verbose:
            print(f"{msg} Setting learning rate to {self.learning_rate:f}")
        return False

    def update_params(self, params, grads):
        """One step, in place on ``params`` (and the velocity)."""
        lr, mu, v, step = self.learning_rate, self.momentum, self.velocity, self._tmp
        np.multiply(grads, lr, out=step)                 # lr g
        v *= mu
        v -= step                                        # v = mu v - lr g
        if self.nesterov:
            params -= step
            step[...] = v
            step *= mu
            params += step                               # w += mu v - lr g
        else:
            params += v                                  # w += v


class AdamOptimizer(BaseOptimizer):
    """Adam with bias correction folded into the step size.

    Parameters
    ----------
    params : ndarray of shape (n_params,)
        The flat parameter vector (its shape and dtype size the state).
    learning_rate_init : float
    beta_1, beta_2 : float
    epsilon : float
    """

    def __init__(self, params, learning_rate_init=0.001, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-8):
        super().__init__(learning_rate_init)
        self.beta_1 = float(beta_1)
        self.beta_2 = float(beta_2)
        self.epsilon = float(epsilon)
        self.t = 0
        self.ms = np.zeros_like(params)
        self.vs = np.zeros_like(params)
        self._tmp = np.empty_like(params)

    def _state_names(self):
        return ("ms", "vs", "_tmp")

    def update_params(self, params, grads):
        """One step, in place on ``params`` (and the moments)."""
        b1, b2 = self.beta_1, self.beta_2
        m, v, tmp = self.ms, self.vs, self._tmp
        self.t += 1
        # Each moment as b m + ((1 - b) g): both terms are formed and then
        # added once.  (Not b (m - g) + g: for m << g, early on or when the
        # gradient grows, that cancels, and with b2 = 0.999 it lost ~1000 ulps
        # of v in float32, about 1e-4 relative in every step, issue 11 sec. 7.)
        m *= b1
        np.multiply(grads, 1.0 - b1, out=tmp)
        m += tmp                                      # m = b1 m + (1 - b1) g
        v *= b2
        np.multiply(grads, grads, out=tmp)
        tmp *= 1.0 - b2
        v += tmp                                      # v = b2 v + (1 - b2) g^2
        self.learning_rate = float(self.learning_rate_init
                                   * np.sqrt(1.0 - b2 ** self.t) / (1.0 - b1 ** self.t))
        np.sqrt(v, out=tmp)
        tmp += self.epsilon
        np.divide(m, tmp, out=tmp)
        tmp *= self.learning_rate
        params -= tmp                                 # w -= lr_t m / (sqrt(v) + eps)

"""scikit-learn 1.9's callback API for LogisticRegression(solver='lbfgs').

scikit-learn 1.9 runs ``set_callbacks`` callbacks around the fit (one task)
and around each L-BFGS iteration (one subtask each); the estimator side is
:meth:`skreg.LogisticRegression.fit`, the iteration side is here.
"""

__all__ = ["_LbfgsCallbackBridge"]


class _LbfgsCallbackBridge:
    """scikit-learn 1.9's callback hooks around scipy's L-BFGS-B iterations.

    One subtask per iteration: begun with the start (or the last iterate),
    ended by scipy's per-iteration callback, which begins the next one; the
    last one, never run, is ended empty by :meth:`close` (as scikit-learn's
    own bridge does).  The fitted estimator a hook may ask for is rebuilt
    lazily from ``coef_``/``intercept_`` laid out as ``fit`` lays them out.
    """

    def __init__(self, ctx, estimator, X, y, metadata, to_output, W, b):
        self.ctx, self.est, self.X, self.y, self.meta = ctx, estimator, X, y, metadata
        self.to_output = to_output
        self.sub = self._begin(W, b)

    def _attrs(self, W, b):
        coef, intercept = self.to_output(W, b)
        return lambda: {"coef_": coef, "intercept_": intercept}

    def _begin(self, W, b):
        sub = self.ctx.subcontext(task_name="lbfgs-iter")
        sub.call_on_fit_task_begin(estimator=self.est, X=self.X, y=self.y,
                                   metadata=self.meta,
                                   reconstruction_attributes=self._attrs(W, b))
        return sub

    def __call__(self, W, b):
        self.sub.call_on_fit_task_end(estimator=self.est, X=self.X, y=self.y,
                                      metadata=self.meta,
                                      reconstruction_attributes=self._attrs(W, b))
        self.sub = self._begin(W, b)

    def close(self):
        self.sub.call_on_fit_task_end(estimator=self.est)

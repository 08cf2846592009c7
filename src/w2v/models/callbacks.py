"""Training callbacks with gensim's protocol: an object whose methods receive the model."""

__all__ = ["CallbackAny2Vec"]


class CallbackAny2Vec:
    """Base class for training callbacks, as gensim's ``gensim.models.callbacks.CallbackAny2Vec``.

    Pass instances as ``Word2Vec(..., callbacks=[...])`` or ``model.train(..., callbacks=[...])``;
    override the methods you need. Each receives the model, whose ``training_log`` already holds
    the finished epoch in ``on_epoch_end``, and ``get_latest_training_loss()`` the loss summed
    so far in this ``train()`` call when it trains with ``compute_loss=True`` (gensim's idiom).

    Examples
    --------
    >>> from w2v import Word2Vec
    >>> class EpochCounter(CallbackAny2Vec):
    ...     def __init__(self):
    ...         self.epochs = 0
    ...     def on_epoch_end(self, model):
    ...         self.epochs += 1
    >>> counter = EpochCounter()
    >>> _ = Word2Vec([["a", "b", "c"]] * 10, vector_size=4, min_count=1, epochs=3, workers=1,
    ...              callbacks=[counter], progress=False)
    >>> counter.epochs
    3
    """

    def on_epoch_begin(self, model):
        """Called before each epoch."""

    def on_epoch_end(self, model):
        """Called after each epoch."""

    def on_batch_begin(self, model):
        """gensim's; w2v trains whole jobs in its kernels and never calls it."""

    def on_batch_end(self, model):
        """gensim's; w2v trains whole jobs in its kernels and never calls it."""

    def on_train_begin(self, model):
        """Called once before training."""

    def on_train_end(self, model):
        """Called once after training."""

"""Inference: trains the vector of one new document against a model's frozen weights (gensim's
``infer_vector``), as one job of the local engine's kernels over the document repeated once per
epoch; the word rows and the output layer are only read.
"""
import threading

import numpy as np

from ..kernels import KERNELS, DocConcat, DocTags, WordRows, own_lines
from ..kernels.objectives import Frozen


class Inference:
    """What every inference of one model shares: its configuration, word rows, frozen output
    layer and subsampling probabilities (build it once, then call :meth:`infer` per document).

    Parameters
    ----------
    config : w2v.models.doc2vec.Doc2VecConfig
    word_rows : float32[V, D]      the model's word vectors (read, never written)
    objective                      the model's output layer (see :func:`w2v.engines.local.build_objective`)
    keep_prob : float32[V]         subsampling keep probabilities
    concat : tuple, optional       ``(null row, tag_count, width)`` of a ``dm_concat`` model
    """

    def __init__(self, config, word_rows, objective, keep_prob, concat=None):
        self.config = config
        if not word_rows.flags.writeable:    # mapped read-only: the kernels type a row they may write
            word_rows = np.array(word_rows)
        self.words = WordRows(word_rows)
        self.objective = Frozen(objective)
        self.keep_prob = keep_prob
        self.concat = concat
        # what Trainer.train_job passes; called directly, as one call costs what the document does
        self.kernel = KERNELS[config.kernel]
        self.extra = () if config.sg else (config.cbow_mean,)
        self.width = concat[2] if concat is not None else word_rows.shape[1]
        self.local = threading.local()      # each thread's scratch, kept between documents
        self.by_epochs = {}                 # epochs -> (sentence numbers, tag ids)

    def scratch(self, n):
        """The calling thread's (sent, neu1, neu1e) for documents of up to ``n`` words."""
        work = getattr(self.local, "work", None)
        if work is None or len(work[0]) < n:
            work = (own_lines(max(n, 64), np.int32), own_lines(self.width, np.float32),
                    own_lines(self.width, np.float32))
            self.local.work = work
        return work

    def infer(self, ids, vector, alpha, min_alpha, epochs, rng):
        """Train ``vector`` (float32[1, D], in place) on the document ``ids`` (int32 word ids)
        for ``epochs`` passes, the rate falling from ``alpha`` in the first to ``min_alpha`` in
        the last (gensim's steps: ``(alpha - min_alpha) / (epochs - 1)`` per epoch).

        ``rng`` (uint64[1]) is the generator state, advanced. Returns the examples trained.
        """
        n = len(ids)
        if n == 0:
            return 0
        tokens = np.tile(np.ascontiguousarray(ids, dtype=np.int32), epochs)
        numbers = self.by_epochs.get(epochs)
        if numbers is None:
            numbers = self.by_epochs[epochs] = (np.arange(epochs + 1, dtype=np.int64), np.zeros(epochs, np.int32))
        rows = (self.words, WordRows(vector), numbers[0], numbers[1], False, False, True)
        tags = DocTags(*rows) if self.concat is None else DocConcat(*rows, *self.concat)
        # The kernels give sentence s the rate at its first token, linear from alpha0 at the job's
        # start to alpha1 at its end: an end past min_alpha puts min_alpha on the last epoch.
        end = alpha + (min_alpha - alpha) * epochs / (epochs - 1) if epochs > 1 else alpha
        cfg = self.config
        _, examples, _ = self.kernel(tokens, numbers[0] * n, 0, epochs, self.keep_prob, cfg.window,
                                     cfg.shrink_windows, tags, self.objective, alpha, end, rng,
                                     self.scratch(n), *self.extra)
        return examples

"""Inference: trains the vector of one new document against a model's frozen weights (gensim's
``infer_vector``), as one job of the local engine's kernels over the document repeated once per
epoch; the word rows and the output layer are only read.
"""
import numpy as np

from ..kernels import DocConcat, DocTags, WordRows
from ..kernels.objectives import Frozen
from .local import Trainer


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
        offsets = np.arange(epochs + 1, dtype=np.int64) * n
        rows = (self.words, WordRows(vector), np.arange(epochs + 1, dtype=np.int64),
                np.zeros(epochs, np.int32), False, False, True)
        tags = DocTags(*rows) if self.concat is None else DocConcat(*rows, *self.concat)
        trainer = Trainer(self.config, tags, self.objective, self.keep_prob, [rng])
        # The kernels give sentence s the rate at its first token, linear from rate(0) to
        # rate(end): an end past min_alpha puts min_alpha on the last epoch's first token.
        end = alpha + (min_alpha - alpha) * epochs / (epochs - 1) if epochs > 1 else alpha
        total = float(len(tokens))

        def rate(position):
            return alpha + (end - alpha) * position / total

        _, examples, _ = trainer.train_job(tokens, offsets, 0, epochs, rate, rng, trainer.make_work(n))
        return examples

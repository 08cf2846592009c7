"""Inference: trains the vectors of new documents against a model's frozen weights (gensim's
``infer_vector``), many documents per kernel call (:func:`w2v.kernels.infer.infer_documents`),
on one thread or several; the word rows and the output layer are only read.
"""
import threading

import numpy as np

from ..kernels import DocConcat, DocTags, WordRows, own_lines
from ..kernels.cbow import Cbow
from ..kernels.concat import CbowConcat
from ..kernels.infer import infer_documents
from ..kernels.objectives import Frozen
from ..kernels.skipgram import SkipGram

_ONE = (np.arange(2, dtype=np.int64), np.zeros(1, np.int32))    # tag_offsets, tag_ids of a single document


class Inference:
    """What every inference of one model shares: its configuration, word rows, frozen output
    layer and subsampling probabilities (build it once, then call :meth:`infer` per batch).

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
        if config.kernel == "dm_concat":
            self.arch, self.shrink = CbowConcat(config.window), False    # a fixed window, as in training
        else:
            self.arch = None if config.sg else Cbow(config.cbow_mean)   # SkipGram: per thread (scratch)
            self.shrink = bool(config.shrink_windows)
        self.train_words = not config.sg      # PV-DBOW infers from the tags alone (gensim's train_words=False)
        self.width = concat[2] if concat is not None else word_rows.shape[1]
        self.dim = word_rows.shape[1]
        self.local = threading.local()      # each thread's scratch, kept between calls

    def scratch(self, n):
        """The calling thread's (sent, neu1, neu1e) for documents of up to ``n`` words, and its
        architecture tuple (skip-gram's holds a scratch vector of its own)."""
        work = getattr(self.local, "work", None)
        if work is None or len(work[0]) < n:
            work = (own_lines(max(n, 64), np.int32), own_lines(self.width, np.float32),
                    own_lines(self.width, np.float32))
            self.local.work = work
            self.local.arch = self.arch if self.arch is not None else SkipGram(own_lines(self.width, np.float32))
        return work, self.local.arch

    def _run(self, ids, doc_offsets, vectors, tag_offsets, tag_ids, states, alpha, min_alpha, epochs, longest):
        rows = (self.words, WordRows(vectors), tag_offsets, tag_ids, self.train_words, False, True)
        tags = DocTags(*rows) if self.concat is None else DocConcat(*rows, *self.concat)
        work, arch = self.scratch(longest)
        return infer_documents(arch, tags, self.objective, self.keep_prob, self.config.window, self.shrink,
                               ids, doc_offsets, alpha, min_alpha, epochs, states, work)

    def infer_one(self, ids, state, alpha, min_alpha, epochs):
        """The vector of one document of word ids ``ids`` (int32) from generator state ``state``
        (an int): ``infer(ids, [0, len(ids)], [state], ...)[0]`` on the calling thread."""
        vector = np.empty((1, self.dim), np.float32)
        self._run(ids, np.array((0, len(ids)), np.int64), vector, *_ONE, np.array((state,), np.uint64),
                  alpha, min_alpha, epochs, len(ids))
        return vector[0]

    def infer(self, ids, doc_offsets, states, alpha, min_alpha, epochs, workers=1, longest=None):
        """Vectors for documents ``ids[doc_offsets[d]:doc_offsets[d + 1]]`` (int32 word ids,
        int64 offsets; ``longest``: the most words in one, if known): float32[B, D].

        Each starts uniform in [-1/D, 1/D) from its own generator state ``states[d]`` (uint64[B],
        advanced), then trains ``epochs`` passes at a rate falling from ``alpha`` in the first to
        ``min_alpha`` in the last (gensim's steps: ``(alpha - min_alpha) / (epochs - 1)``). A
        document's vector depends only on its words and state, so ``workers`` threads (each a
        share of the documents) give the same vectors as one.
        """
        n_docs = len(doc_offsets) - 1
        vectors = np.empty((n_docs, self.dim), np.float32)
        if longest is None:
            longest = int(np.diff(doc_offsets).max()) if n_docs else 0
        if n_docs == 1:
            self._run(ids, doc_offsets, vectors, *_ONE, states, alpha, min_alpha, epochs, longest)
            return vectors
        tag_ids = np.arange(n_docs, dtype=np.int32)
        cuts = np.linspace(0, n_docs, max(1, min(int(workers), n_docs)) + 1).astype(np.int64)

        errors = []

        def share(a, b):
            try:
                self._run(ids, doc_offsets[a:b + 1], vectors, np.arange(b - a + 1, dtype=np.int64),
                          tag_ids[a:b], states[a:b], alpha, min_alpha, epochs, longest)
            except BaseException as exc:   # surfaced in the calling thread
                errors.append(exc)

        threads = [threading.Thread(target=share, args=(int(a), int(b)), daemon=True)
                   for a, b in zip(cuts[1:-1], cuts[2:])]
        for t in threads:
            t.start()
        share(int(cuts[0]), int(cuts[1]))
        for t in threads:
            t.join()
        if errors:
            raise errors[0]
        return vectors

"""Questions asked of a trained model's output layer, as gensim asks them: the most probable centre
words of a context (negative sampling) and the log probability of sentences (hierarchical softmax).
A mixin of :class:`~w2v.models.word2vec.Word2Vec`."""
import logging
from numbers import Integral

import numpy as np

__all__ = ["OutputQueries"]

logger = logging.getLogger(__name__)


class OutputQueries:
    """``predict_output_word`` and ``score`` over ``wv``, ``syn1neg``, ``syn1``, ``vocab`` and ``config``."""

    def predict_output_word(self, context_words_list, topn=10):
        """The ``topn`` most probable centre words for a context, ``[(word, probability)]``, as
        gensim computes it (negative sampling models: softmax of ``syn1neg`` against the mean, or
        sum, of the context's input vectors). Unknown context words are ignored; None when none
        is known.

        Examples
        --------
        >>> from w2v import Word2Vec
        >>> model = Word2Vec([["a", "b", "c"]] * 20, vector_size=8, min_count=1, seed=1, workers=1,
        ...                  progress=False)
        >>> len(model.predict_output_word(["a", "c"], topn=2))
        2
        """
        if not self.config.negative:
            raise RuntimeError("predict_output_word needs negative sampling (negative > 0), as in gensim")
        if self.syn1neg is None or self.vocab is None or len(self.syn1neg) != len(self.wv):
            raise RuntimeError("the output weights (syn1neg) are missing: predict_output_word needs a "
                               "trained Word2Vec, not vectors loaded from a word2vec file")
        rows = [w if isinstance(w, Integral) and not isinstance(w, bool) else self.wv.key_to_index.get(w)
                for w in context_words_list]
        rows = [int(r) for r in rows if r is not None and 0 <= int(r) < len(self.wv)]
        if not rows:
            logger.warning("none of the context words is in the vocabulary")
            return None
        hidden = self.wv.vectors[rows].sum(axis=0, dtype=np.float32)
        if self.config.cbow_mean:
            hidden /= len(rows)
        scores = np.exp((self.syn1neg @ hidden).astype(np.float64))
        scores /= scores.sum()
        best = np.argsort(scores, kind="stable")[::-1][:topn]
        return [(self.wv.index_to_key[i], float(scores[i])) for i in best.tolist()]

    def score(self, sentences, total_sentences=int(1e6), chunksize=100, queue_factor=2, report_delay=1):
        """Log probability of each sentence under a hierarchical-softmax model, gensim's
        ``score``: for every pair of known words within ``window`` (no subsampling, no window
        shrinking) the summed ``log sigmoid`` along the Huffman path (skip-gram), or of each
        word given its mean context (CBOW). Returns a float32 array, one value per sentence (at
        most ``total_sentences``); ``chunksize``, ``queue_factor`` and ``report_delay`` have no
        effect.
        """
        if self.vocab is None:
            raise RuntimeError("you must first build the vocabulary before scoring new data")
        if not self.config.hs or self.syn1 is None:
            raise RuntimeError("score needs hierarchical softmax (hs=1), as in gensim")
        codes, points, lengths = self.vocab.huffman()
        syn0, syn1, window = self.wv.vectors, self.syn1, self.config.window
        scores = []
        for sentence in sentences:
            if len(scores) >= total_sentences:
                break
            ids = [self.wv.key_to_index[w] for w in sentence if w in self.wv.key_to_index]
            total = 0.0
            for i, word in enumerate(ids):
                path, code = points[word, :lengths[word]], codes[word, :lengths[word]]
                context = [ids[j] for j in range(max(0, i - window), min(len(ids), i + window + 1)) if j != i]
                if self.config.sg:
                    hidden = syn0[context]                          # each context word alone
                elif context:
                    hidden = syn0[context].sum(axis=0, keepdims=True)
                    if self.config.cbow_mean:
                        hidden /= len(context)
                else:
                    continue
                f = (hidden @ syn1[path].T) * (1 - 2 * code.astype(np.float32))
                inside = np.abs(f) < 6.0        # gensim skips scores outside its table
                total += float(-np.logaddexp(0, -f[inside].astype(np.float64)).sum())
            scores.append(total)
        return np.array(scores, dtype=np.float32)

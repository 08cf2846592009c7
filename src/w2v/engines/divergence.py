"""When training has blown up instead of learning: NaN or infinite weights, a mean loss per
example far above an untrained model's, or input vectors far longer than any trained model's.

Measured on the demo corpus (WordNet glosses, one epoch, 50 dimensions; CBOW and skip-gram with
negative sampling, skip-gram with hierarchical softmax): at ``alpha`` 0.025 and 0.1 the mean loss
was 2.1-7.7, below the untrained model's (4.2 for 5 noise words), and the longest vector 3.4-15;
at ``alpha`` 0.5 and above the loss was 85 to 62 million and the longest vector 50 to 765,000.
"""
import math

import numpy as np

#: A mean loss per example above this many times an untrained model's is a blow-up.
LOSS_FACTOR = 10.0
#: An input vector longer than this is a blow-up (``w2v probe`` calls 100 already a training bug).
NORM_LIMIT = 1000.0
ROWS_PER_BLOCK = 65536


class TrainingDiverged(ValueError):
    """Training blew up (NaN or infinite weights, or a loss or vectors far out of range): the
    learning rate is too high. The epoch's entry in ``training_log`` carries the reason under
    ``"diverged"``; the weights are left as they were when it was detected."""


def untrained_loss(negative, hs, softmax, counts):
    """The mean loss per example of an untrained model (every output score 0): ``ln 2`` per
    output unit scored: ``1 + negative`` with negative sampling, the expected Huffman code
    length with hierarchical softmax (about the unigram entropy in bits, plus one), ``ln V``
    for the exact softmax.

    Examples
    --------
    >>> round(untrained_loss(5, 0, 0, [10, 5, 1]), 3)
    4.159
    """
    loss = 0.0
    counts = np.asarray(counts, dtype=np.float64)
    if negative:
        loss += (1 + negative) * math.log(2)
    if hs and counts.size:
        p = counts[counts > 0] / counts.sum()
        loss += math.log(2) * (float(-(p * np.log2(p)).sum()) + 1)
    if softmax and counts.size:
        loss += math.log(max(len(counts), 2))
    return loss


class DivergenceCheck:
    """The checks the epoch loop runs: :meth:`after_step` on the running loss, :meth:`after_epoch`
    on the vectors. Each returns the reason (a sentence) or None."""

    def __init__(self, model):
        config, vocab = model.config, getattr(model, "vocab", None)
        counts = vocab.counts if vocab is not None else np.ones(max(len(model.wv), 1))
        self.limit = LOSS_FACTOR * untrained_loss(config.negative, config.hs, config.softmax, counts)

    def after_step(self, finite, totals):
        if not finite or not math.isfinite(totals.loss):
            return "the weights became NaN or infinite"
        if totals.examples and self.limit and totals.loss / totals.examples > self.limit:
            return (f"the mean loss per example reached {totals.loss / totals.examples:,.4g}, more than "
                    f"{LOSS_FACTOR:g} times an untrained model's ({self.limit / LOSS_FACTOR:.2f})")
        return None

    def after_epoch(self, vectors):
        longest = max_norm(vectors)
        if longest > NORM_LIMIT:
            return f"a vector's length reached {longest:,.4g} (trained vectors stay far below {NORM_LIMIT:g})"
        return None


def max_norm(vectors):
    """The largest row norm of ``vectors`` (0.0 for none), a block of rows at a time."""
    longest = 0.0
    for i in range(0, len(vectors), ROWS_PER_BLOCK):
        block = vectors[i:i + ROWS_PER_BLOCK]
        longest = max(longest, float(np.einsum("ij,ij->i", block, block, dtype=np.float64).max()))
    return math.sqrt(longest)

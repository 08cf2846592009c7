"""Compare two sets of word vectors word by word: shared neighbours, and the words whose neighbourhoods differ most.

Neighbours come from :meth:`KeyedVectors.most_similar` / :meth:`~KeyedVectors.most_similar_batch`; this module
only compares the answers (Jaccard overlap of the two top-``n`` sets).
"""
import numpy as np

from ..models.keyedvectors import KeyedVectors

__all__ = ["neighbour_overlap", "most_changed"]

#: Words whose neighbours :func:`most_changed` asks at once: its memory is this many rows of similarities.
_CHUNK = 256


def _records(pairs):
    return [{"word": w, "similarity": float(s)} for w, s in pairs]


def _jaccard(a, b):
    a, b = set(a), set(b)
    return len(a & b) / len(a | b) if a | b else 1.0


def neighbour_overlap(kv_a, kv_b, word, topn=10):
    """A word's ``topn`` neighbours in two models, side by side, and the words they share.

    Parameters
    ----------
    kv_a, kv_b : KeyedVectors
    word : str
        Must be in both vocabularies (``KeyError`` otherwise, naming the model by its position).
    topn : int

    Returns
    -------
    dict
        ``word``, ``neighbors`` (two lists of ``{"word", "similarity"}``, as ``most_similar``),
        ``shared`` (words in both lists, in the first list's order) and ``jaccard``
        (``|A & B| / |A | B|``).

    Examples
    --------
    >>> import numpy as np
    >>> from w2v.models.keyedvectors import KeyedVectors
    >>> from w2v.evaluation.compare import neighbour_overlap
    >>> words = ["cat", "dog", "car", "bus"]
    >>> a = KeyedVectors(words, np.array([[1, 0], [1, 0.1], [0, 1], [0.1, 1]], dtype=np.float32))
    >>> b = KeyedVectors(words, np.array([[1, 0], [0, 1], [1, 0.1], [0.1, 1]], dtype=np.float32))
    >>> r = neighbour_overlap(a, b, "cat", topn=2)
    >>> r["shared"], round(r["jaccard"], 3)
    (['bus'], 0.333)
    """
    answers = []
    for position, kv in enumerate((kv_a, kv_b)):
        if word not in kv:
            raise KeyError(f"{word!r} is not in the vocabulary of model {position}")
        answers.append(kv.most_similar(word, topn=topn))
    in_b = {w for w, _ in answers[1]}
    return {"word": word, "neighbors": [_records(a) for a in answers],
            "shared": [w for w, _ in answers[0] if w in in_b],
            "jaccard": _jaccard([w for w, _ in answers[0]], [w for w, _ in answers[1]])}


def shared_vocabulary(kv_a, kv_b, limit=None):
    """Words in both models, in the first model's order (most frequent first), at most ``limit``.

    Examples
    --------
    >>> import numpy as np
    >>> from w2v.models.keyedvectors import KeyedVectors
    >>> from w2v.evaluation.compare import shared_vocabulary
    >>> a = KeyedVectors(["x", "y", "z"], np.eye(3, dtype=np.float32))
    >>> b = KeyedVectors(["z", "x"], np.eye(2, dtype=np.float32))
    >>> shared_vocabulary(a, b)
    ['x', 'z']
    """
    shared = []
    for w in kv_a.index_to_key:
        if w in kv_b.key_to_index:
            shared.append(w)
            if limit is not None and len(shared) >= limit:
                break
    return shared


def most_changed(kv_a, kv_b, words=1000, topn=10, pool=20000, limit=50, skip=0, ties="frequency"):
    """The shared words whose neighbourhoods differ most between two models.

    Both models are restricted to the same ``pool`` most frequent shared words (so a word missing
    from one vocabulary does not count as a change); each of the ``words`` most frequent of them
    (after the ``skip`` most frequent words of either model: function words such as *the*, *a*,
    *of*, whose neighbours are noise in any model) gets its ``topn`` neighbours in each model, and
    the words with the smallest Jaccard overlap of the two sets come first.

    Parameters
    ----------
    kv_a, kv_b : KeyedVectors
    words : int
        How many frequent shared words to compare.
    topn : int
        Neighbours per word.
    pool : int
        Neighbours are searched among this many most frequent shared words.
    limit : int
        How many words to return.
    skip : int
        Leave out the words ranked below ``skip`` by frequency in either model.
    ties : {"frequency", "known"}
        The order of words with the same overlap: the more frequent first, or the better known first:
        the higher the lower of the two models' mean similarity of the word to its ``topn`` neighbours
        (a tight neighbourhood in both models; function words have loose ones).

    Returns
    -------
    list of dict
        ``{"word", "jaccard", "neighbors": [words in A, words in B]}``, most changed first.

    Examples
    --------
    >>> import numpy as np
    >>> from w2v.models.keyedvectors import KeyedVectors
    >>> from w2v.evaluation.compare import most_changed
    >>> words = ["cat", "dog", "car", "bus"]
    >>> a = KeyedVectors(words, np.array([[1, 0], [1, 0.1], [0, 1], [0.1, 1]], dtype=np.float32))
    >>> b = KeyedVectors(words, np.array([[1, 0], [1, 0.1], [0.1, 1], [-1, 0.1]], dtype=np.float32))
    >>> [(r["word"], r["jaccard"]) for r in most_changed(a, b, topn=1, limit=2)]
    [('car', 0.0), ('cat', 1.0)]
    """
    for name, value in (("words", words), ("topn", topn), ("pool", pool), ("limit", limit)):
        if int(value) < 1:
            raise ValueError(f"{name} must be at least 1, not {value}")
    if int(skip) < 0:
        raise ValueError(f"skip must be at least 0, not {skip}")
    if ties not in ("frequency", "known"):
        raise ValueError(f"ties must be 'frequency' or 'known', not {ties!r}")
    shared = shared_vocabulary(kv_a, kv_b, limit=max(pool, words + skip))
    if len(shared) < 2:
        raise ValueError(f"the two models share {len(shared)} words; need at least 2 to compare")
    asked = [w for w in shared if kv_a.key_to_index[w] >= skip and kv_b.key_to_index[w] >= skip][:words]
    lists, known = [], np.full(len(asked), np.inf)
    for kv in (kv_a, kv_b):
        rows = np.fromiter((kv.key_to_index[w] for w in shared), dtype=np.int64, count=len(shared))
        sub = KeyedVectors(shared, kv.vectors[rows])
        neighbours, means = [], []
        for start in range(0, len(asked), _CHUNK):     # a bounded similarity block and answer list at a time
            answers = sub.most_similar_batch(asked[start:start + _CHUNK], topn=topn)
            neighbours.extend([w for w, _ in answer] for answer in answers)
            means.extend(np.mean([s for _, s in answer]) if answer else 0.0 for answer in answers)
        lists.append(neighbours)
        known = np.minimum(known, means)
    order = np.arange(len(asked)) if ties == "frequency" else np.argsort(np.argsort(-known, kind="stable"))
    scored = [(_jaccard(na, nb), rank, w, na, nb)
              for rank, w, na, nb in zip(order.tolist(), asked, *lists)]
    scored.sort(key=lambda t: (t[0], t[1]))
    return [{"word": w, "jaccard": j, "neighbors": [na, nb]} for j, _, w, na, nb in scored[:limit]]

"""Opening what the commands read besides text: trained vectors (any format) and an approximate
index built for them, with one-line errors."""
from ..vectors import index as ann


def load_vectors(path, no_header=False):
    """The vectors of a native or word2vec file; ``no_header``: header-less word2vec text."""
    from ..models.fasttext import load_any_vectors
    from ..models.keyedvectors import KeyedVectors

    if no_header:
        return KeyedVectors.load_word2vec_format(path, no_header=True)
    return load_any_vectors(path)       # fastText .bin and FastText files too: any word has a vector


def require_ann():
    """faiss, or the one-line error naming the ``ann`` extra."""
    try:
        return ann.require()
    except ImportError as e:
        raise ValueError(str(e)) from None


def open_index(path, kv):
    """Load the index at ``path`` for ``kv`` (one-line errors for a missing extra or other vectors)."""
    require_ann()
    return ann.load_index(path, kv)

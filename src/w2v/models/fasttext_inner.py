"""gensim's ``gensim.models.fasttext_inner`` names (the n-gram and hash functions), at the same path
under ``w2v.models``, so ported code changes one word; they live in :mod:`w2v.vectors.ngrams`."""
from ..vectors.ngrams import compute_ngrams, compute_ngrams_bytes, ft_hash_bytes

__all__ = ["compute_ngrams", "compute_ngrams_bytes", "ft_hash_bytes"]

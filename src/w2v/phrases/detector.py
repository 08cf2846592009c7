"""Phrases (gensim 4.4's ``Phrases``): count a corpus's words and candidate grams, score them, and
decide which to join; :func:`phrase_ids` does it in passes over a whole corpus of word ids.
"""
import logging
import os
import time

import numpy as np

from ..corpus import as_sentences
from ..corpus.encoded import scan
from ..kernels import phrases as k
from .counts import GramCounts, GramTable, checked_grams
from .frozen import FrozenPhrases
from .scoring import (NEGATIVE_INFINITY, SCORERS, check_options, resolve_scorer, scorer_reference,
                      scoring_name, word2phrase_scorer)
from .transform import PhrasesTransformation

logger = logging.getLogger(__name__)


def read_ids(sentences, max_sentence_length=None, cache_dir=None, progress=None, workers=None,
             **reader_options):
    """(words, int32 ids, int64 sentence offsets) of a path or iterable of token lists, in one scan.

    ``reader_options`` (``tokenizer``, ``encoding``, ``errors``) and ``max_sentence_length`` apply
    to a path; ``cache_dir`` holds the scan's scratch files, ``progress`` is called per block read,
    ``workers`` threads read a pre-tokenized file (default: the cores).

    Examples
    --------
    >>> words, ids, offsets = read_ids([["a", "b"], ["b"]])
    >>> words, ids.tolist(), offsets.tolist()
    (['a', 'b'], [0, 1, 1], [0, 2, 3])
    """
    if isinstance(sentences, (str, os.PathLike)):
        if not os.path.exists(sentences):
            raise FileNotFoundError(f"{os.fspath(sentences)}: no such file or folder")
        if max_sentence_length is not None:
            reader_options["max_sentence_length"] = max_sentence_length
        sentences = as_sentences(sentences, **{k: v for k, v in reader_options.items() if v is not None})
    else:
        sentences = as_sentences(sentences)
    with scan(sentences, cache_dir=cache_dir, progress=progress, workers=workers) as result:
        ids = np.fromfile(result.ids_path, dtype=np.int32)
        offsets = np.fromfile(result.offsets_path, dtype=np.int64)
        return result.provisional_words, ids, offsets


class Phrases(PhrasesTransformation):
    """Detect phrases from unigram and bigram counts (gensim 4.4's ``Phrases``, same arguments).

    Parameters
    ----------
    sentences : iterable of list of str, optional
        Corpus to count (any restartable iterable, a ``LineSentence`` or a path).
    min_count : float
        Candidates (and words, for ``word2phrase``) seen fewer times are never joined.
    threshold : float
        A candidate is joined when its score is above this (gensim: strictly greater).
    max_vocab_size : int
        When more unigrams + candidates than this are held after a sentence, those seen
        fewer than ``min_reduce`` times are deleted and ``min_reduce`` rises by one (gensim's
        pruning; see docs/phrases.md for what it does to the scores).
    delimiter : str
        Glue of joined tokens.
    progress_per : int
        Accepted for gensim compatibility.
    scoring : {"default", "npmi", "word2phrase"} or callable
        ``default``: ``(count(ab) - min_count) / (count(a) count(b)) * len(vocab)``; ``npmi``:
        normalised PMI in [-1, 1]; ``word2phrase``: the C tool's score and counting
        (``train_words`` instead of ``len(vocab)``, bigrams counted across line ends, no
        chains in one pass); or a function taking gensim's six scorer arguments.
    connector_words : set of str
        Words that may sit inside a phrase but never start or end one
        (:data:`ENGLISH_CONNECTOR_WORDS`: ``bank_of_america``).
    corpus_file : str, optional
        A text file (one sentence a line, whitespace-separated), read by the compiled tokenizer.

    Examples
    --------
    >>> sentences = [["the", "new", "york", "times"], ["new", "york", "city"], ["in", "new", "york"]]
    >>> p = Phrases(sentences, min_count=1, threshold=1)
    >>> p[["i", "left", "new", "york"]]
    ['i', 'left', 'new_york']
    >>> p.export_phrases()
    {'new_york': 2.444444444444444}
    """

    _KIND = "phrases"

    def __init__(self, sentences=None, min_count=5, threshold=10.0, max_vocab_size=40000000,
                 delimiter="_", progress_per=10000, scoring="default", connector_words=frozenset(),
                 corpus_file=None):
        self.threshold = check_options(min_count, threshold, delimiter, scoring, connector_words,
                                        max_vocab_size)
        self.min_count = min_count
        self.max_vocab_size = int(max_vocab_size)
        self.delimiter = delimiter
        self.progress_per = progress_per
        self.scoring = SCORERS.get(scoring, scoring) if isinstance(scoring, str) else scoring
        self.connector_words = frozenset(connector_words)
        self.corpus_word_count = 0
        self.min_reduce = 1
        self._words = []
        self._grams = GramCounts()
        self._cache = None
        if sentences is not None and corpus_file is not None:
            raise ValueError("give either sentences or corpus_file, not both")
        if sentences is not None or corpus_file is not None:
            self.add_vocab(sentences if sentences is not None else os.fspath(corpus_file))

    @property
    def _mode(self):
        return "word2phrase" if self.scoring is word2phrase_scorer else "gensim"

    def __str__(self):
        return (f"{type(self).__name__}<{len(self._grams)} vocab, min_count={self.min_count}, "
                f"threshold={self.threshold}, max_vocab_size={self.max_vocab_size}>")

    __repr__ = __str__

    @classmethod
    def _from_ids(cls, words, ids, offsets, **options):
        """Count a corpus given as word ids (``words[id]``) and sentence offsets."""
        p = cls(**options)
        p._words = list(words)
        p._grams, _ = p._count(ids, offsets)
        p.corpus_word_count = p._grams.tokens
        if p.corpus_word_count == 0:
            raise ValueError("the corpus is empty")
        return p

    def _count(self, ids, offsets):
        """Fresh counts of a corpus of word ids, and the pruning level reached (gensim's
        ``_learn_vocab``, which starts each corpus at ``min_reduce`` 1)."""
        # Without pruning (the words and pairs cannot outnumber the limit) and without connector
        # words, every candidate is a bigram: count them grouped by first word.
        no_pruning = len(ids) + len(self._words) <= self.max_vocab_size
        t0 = time.perf_counter()
        if no_pruning and not self.connector_words:
            grams = GramCounts(len(self._words))
            grams.count_pairs(ids, offsets, across_lines=self._mode == "word2phrase")
            min_reduce = 1
        else:
            # Distinct pairs are rarely more than a quarter of the tokens: start the table that
            # large (bounded by the pruning limit) rather than rehashing it a dozen times.
            expected = min(len(ids) // 4, self.max_vocab_size, 1 << 26)
            grams = GramCounts(len(self._words), long_grams=bool(self.connector_words), expected=expected)
            if self._mode == "word2phrase":
                min_reduce = grams.count_word2phrase(ids, self.max_vocab_size, 1)
            else:
                min_reduce = grams.count_gensim(ids, offsets, self._connector_flags(), self.max_vocab_size, 1)
        logger.info("counted %d words and %d phrase candidates from %d tokens in %.2fs",
                    grams.n_unigrams, grams.n_grams, grams.tokens, time.perf_counter() - t0)
        return grams, min_reduce

    def add_vocab(self, sentences):
        """Count more sentences into the model (gensim's ``add_vocab``).

        Examples
        --------
        >>> p = Phrases([["a", "b"]], min_count=1, threshold=0.1)
        >>> p.add_vocab([["a", "b", "c"]])
        >>> len(p.vocab), p.corpus_word_count
        (5, 5)
        """
        words, ids, offsets = read_ids(sentences)
        if len(ids) == 0:
            raise ValueError("the corpus is empty")
        table = np.fromiter((self._index.setdefault(w, len(self._index)) for w in words),
                            dtype=np.int32, count=len(words))
        self._words.extend(list(self._index)[len(self._words):])
        ids = table[ids] if len(table) else ids
        self._grams.reserve_words(len(self._words))
        new, min_reduce = self._count(ids, offsets)
        if len(self._grams) == 0:        # gensim keeps its own min_reduce here (a first corpus)
            self._grams = new
        else:
            self.min_reduce = max(self.min_reduce, min_reduce)
            self._grams.merge(new)
            if len(self._grams) > self.max_vocab_size:
                self._grams.prune(self.min_reduce)
                self.min_reduce += 1
        self.corpus_word_count += len(ids)
        self._cache = None

    # ---- scores -------------------------------------------------------------------------
    def _score_args(self):
        """(scorer name, the count or size its formula uses besides the three counts)."""
        name = scoring_name(self.scoring)
        return name, (len(self._grams) if name in ("default", None) else self.corpus_word_count)

    def _accepted(self):
        """Slots of the candidates joined (score above the threshold) and their scores."""
        g = self._grams
        name, extra = self._score_args()
        if name is None:
            return self._accepted_custom()
        cap = max(g.n_grams, 1)
        which = np.zeros(cap, dtype=np.int64)
        scores = np.zeros(cap, dtype=np.float32 if name == "word2phrase" else np.float64)
        fn = {"default": k.accept_default, "npmi": k.accept_npmi, "word2phrase": k.accept_word2phrase}[name]
        n = fn(*g.args(), g.uni, float(self.min_count), float(extra) if name == "default" else int(extra),
               float(self.threshold), which, scores)
        return which[:n], scores[:n]

    def _accepted_custom(self):
        g = self._grams
        which = g.occupied()
        flat, offsets = g.gather(which)
        first, last = flat[offsets[:-1]], flat[offsets[1:] - 1]
        n_vocab = len(g)
        scores = np.full(len(which), NEGATIVE_INFINITY)
        for i, (a, b, c) in enumerate(zip(g.uni[first].tolist(), g.uni[last].tolist(),
                                          g.slots[which, 1].tolist())):
            if a > 0 and b > 0:
                scores[i] = self.scoring(worda_count=a, wordb_count=b, bigram_count=c, len_vocab=n_vocab,
                                         min_count=self.min_count, corpus_word_count=self.corpus_word_count)
        keep = scores > self.threshold
        return which[keep], scores[keep]

    def _tables(self):
        if self._cache is None:
            which, scores = self._accepted()
            flat, offsets = self._grams.gather(which)
            lookup = GramTable.of(flat, offsets, np.arange(len(which)))
            self._cache = (self._connector_flags(), lookup, scores, flat, offsets)
        return self._cache

    def score_candidate(self, word_a, word_b, in_between):
        """``(phrase, score)`` when ``word_a in_between... word_b`` is joined, else ``(None, None)``.

        Examples
        --------
        >>> p = Phrases([["new", "york"]] * 3, min_count=1, threshold=0.1)
        >>> p.score_candidate("new", "york", [])
        ('new_york', 0.6666666666666666)
        >>> p.score_candidate("york", "new", [])
        (None, None)
        """
        tokens = [word_a, *in_between, word_b]
        if any(t not in self._index for t in tokens):
            return None, None
        g = self._grams
        count = g.find([self._index[t] for t in tokens])
        a, b = int(g.uni[self._index[word_a]]), int(g.uni[self._index[word_b]])
        if count <= 0 or a <= 0 or b <= 0:
            return None, None
        name, extra = self._score_args()
        scorer = self.scoring if name is None else SCORERS[name]
        score = scorer(worda_count=a, wordb_count=b, bigram_count=count, len_vocab=len(g),
                       min_count=self.min_count, corpus_word_count=self.corpus_word_count)
        threshold = np.float32(self.threshold) if name == "word2phrase" else self.threshold
        if not score > threshold:
            return None, None
        return self.delimiter.join(tokens), float(score)

    def export_phrases(self):
        """Every candidate whose score is above the threshold: dict phrase -> score (gensim's).

        Examples
        --------
        >>> Phrases([["new", "york"]] * 3, min_count=1, threshold=0.1).export_phrases()
        {'new_york': 0.6666666666666666}
        """
        _, _, scores, flat, offsets = self._tables()
        return {self._string(flat, offsets, i): float(s) for i, s in enumerate(scores.tolist())}

    @property
    def vocab(self):
        """gensim's ``vocab``: every word and candidate counted, with its count (built on each access).

        Examples
        --------
        >>> Phrases([["a", "b"]], min_count=1, threshold=0.1).vocab
        {'a': 1, 'b': 1, 'a_b': 1}
        """
        g = self._grams
        out = {self._words[i]: int(c) for i, c in enumerate(g.uni[: len(self._words)].tolist()) if c > 0}
        which = g.occupied()
        flat, offsets = g.gather(which)
        for i, c in enumerate(g.slots[which, 1].tolist()):
            out[self._string(flat, offsets, i)] = int(c)
        return out

    def freeze(self):
        """A :class:`FrozenPhrases` with only the accepted phrases (smaller, faster, no more counting)."""
        return FrozenPhrases(self)

    # ---- native format ------------------------------------------------------------------
    @classmethod
    def load(cls, path):
        """Load what :meth:`save` wrote: a :class:`Phrases` or, as gensim's does, a
        :class:`FrozenPhrases` file.

        Examples
        --------
        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "f.w2v")
        >>> Phrases([["new", "york"]] * 3, min_count=1, threshold=0.1).freeze().save(path)
        >>> Phrases.load(path)
        FrozenPhrases<1 phrases, min_count=1, threshold=0.1>
        """
        return cls._load_first(path, (Phrases, FrozenPhrases), "phrases")

    def _state(self):
        g = self._grams
        which = g.occupied()
        flat, offsets = g.gather(which)
        meta = {"scoring": scorer_reference(self.scoring), "max_vocab_size": self.max_vocab_size,
                "corpus_word_count": int(self.corpus_word_count), "min_reduce": int(self.min_reduce),
                "tokens": g.tokens, "progress_per": self.progress_per}
        arrays = {"unigram_counts": g.uni[: len(self._words)], "gram_ids": flat, "gram_offsets": offsets,
                  "gram_counts": g.slots[which, 1]}
        return meta, arrays

    def _restore(self, meta, arrays, words):
        self.scoring = resolve_scorer(meta["scoring"])
        self.max_vocab_size = int(meta["max_vocab_size"])
        self.corpus_word_count = int(meta["corpus_word_count"])
        self.min_reduce = int(meta["min_reduce"])
        self.progress_per = meta.get("progress_per", 10000)
        self._words = words
        self._cache = None
        flat, offsets, counts = checked_grams(arrays, "gram", len(words))
        uni = np.asarray(arrays["unigram_counts"], dtype=np.int64)
        if len(uni) != len(words) or (uni < 0).any() or (counts < 1).any():
            raise IndexError("counts do not match the word list")
        t = GramTable.of(flat, offsets, counts)
        g = self._grams = GramCounts(len(words), t.long_grams)
        g.slots, g.aux, g.arena = t.args()
        g.state[:2] = t.state[:2]
        g.uni[: len(words)] = uni
        g.state[2] = np.count_nonzero(uni)
        g.state[3] = int(meta["tokens"])


def phrase_ids(words, ids, offsets, passes=1, merge_last=False, pool=None, **options):
    """Join phrases in a corpus given as word ids, ``passes`` times (each pass counts the output
    of the one before, so pass 2 can join ``new_york`` and ``city``).

    Returns ``(words, ids, offsets, join, stats)``: the corpus before the last pass (words of
    earlier passes' phrases appended to ``words``), the last pass's ``join`` flags (token
    glued to the one before) and one dict per pass (``tokens`` read, ``candidates`` counted,
    ``phrases`` accepted, ``joined``: phrases joined in the text). With ``merge_last`` the last
    pass's phrases are merged too: ``ids`` and ``offsets`` are the final corpus, ``join`` None.
    With ``pool`` (a :class:`w2v.threads.Pool`) the joining runs in its threads.

    Examples
    --------
    >>> import numpy as np
    >>> ids, offsets = np.array([0, 1] * 3 + [2, 0, 1], np.int32), np.array([0, 2, 4, 6, 9])
    >>> words, ids, offsets, join, stats = phrase_ids(["new", "york", "in"], ids, offsets,
    ...                                                merge_last=True, min_count=2, threshold=0.1)
    >>> [words[i] for i in ids[3:]], offsets.tolist(), stats[0]["joined"]
    (['in', 'new_york'], [0, 1, 2, 3, 5], 4)
    """
    if int(passes) < 1:
        raise ValueError(f"passes must be >= 1, got {passes}")
    words = list(words)
    stats = []
    for p in range(int(passes)):
        model = Phrases._from_ids(words, ids, offsets, **options)
        _, _, _, flat, phrase_offsets = model._tables()
        stats.append({"tokens": int(len(ids)), "candidates": len(model._grams),
                      "phrases": len(phrase_offsets) - 1})
        model._grams = None          # only the accepted phrases are needed now: free the counts
        last = p == int(passes) - 1
        join, ends, stats[-1]["joined"] = model._join(ids, offsets, merge_last or not last, pool)
        logger.info("pass %d: %d phrases joined %d times in %d tokens", p + 1, stats[-1]["phrases"],
                    stats[-1]["joined"], len(ids))
        if last and not merge_last:
            return words, ids, offsets, join, stats
        phrase_word = np.full(len(phrase_offsets) - 1, -1, dtype=np.int32)
        index = model._index
        for i in np.unique(ends[ends >= 0]).tolist():
            phrase = model._string(flat, phrase_offsets, i)
            phrase_word[i] = index.setdefault(phrase, len(index))
            if phrase_word[i] == len(words):
                words.append(phrase)
        out_ids = np.empty(len(ids), dtype=np.int32)
        out_offsets = np.empty(len(offsets), dtype=np.int64)
        n = k.merge(ids, offsets, join, ends, phrase_word, out_ids, out_offsets)
        ids, offsets = out_ids[:n], out_offsets
        if last:
            return words, ids, offsets, None, stats


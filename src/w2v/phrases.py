"""Phrase detection: join frequent word pairs (``new york`` -> ``new_york``) as gensim's ``Phrases``
and the C tool's ``word2phrase`` do, counting and joining over int32 word ids in compiled loops.

The scores, the counting and the greedy joining follow gensim 4.4's ``gensim.models.phrases`` and
word2phrase.c exactly; docs/phrases.md says what differs (words that contain the delimiter).
"""
import itertools
import logging
import math
import os
import sys
import tempfile
import time
from inspect import signature

import numpy as np

from . import native
from ._atomic import atomic_write
from .corpus import as_sentences
from .encoded import Scan, scan
from .kernels import phrases as k

logger = logging.getLogger(__name__)

#: Words that may sit inside a phrase but never start or end one (gensim's list).
ENGLISH_CONNECTOR_WORDS = frozenset(
    " a an the "
    " for of with without at from to in on by "
    " and or ".split()
)

NEGATIVE_INFINITY = float("-inf")
SCORING_PARAMETERS = ("worda_count", "wordb_count", "bigram_count", "len_vocab", "min_count",
                      "corpus_word_count")
_UNKNOWN, _UNKNOWN_CONNECTOR = -1, -2
_BATCH = 10_000                 # sentences per call of the joining loop for iterables
_RENDER_TOKENS = 1 << 20        # tokens written per step by write_phrased


def original_scorer(worda_count, wordb_count, bigram_count, len_vocab, min_count, corpus_word_count):
    """gensim's ``default`` score: ``(bigram_count - min_count) / (worda_count * wordb_count) * len_vocab``.

    Examples
    --------
    >>> original_scorer(10, 20, 8, 1000, 5, 0)
    15.0
    """
    denom = worda_count * wordb_count
    if denom == 0:
        return NEGATIVE_INFINITY
    return (bigram_count - min_count) / float(denom) * len_vocab


def npmi_scorer(worda_count, wordb_count, bigram_count, len_vocab, min_count, corpus_word_count):
    """Normalised pointwise mutual information (Bouma 2009), in [-1, 1]; -inf below ``min_count``.

    Examples
    --------
    >>> round(npmi_scorer(10, 10, 10, 0, 1, 100), 6)
    1.0
    """
    if bigram_count < min_count:
        return NEGATIVE_INFINITY
    n = float(corpus_word_count)
    pa, pb, pab = worda_count / n, wordb_count / n, bigram_count / n
    try:
        return math.log(pab / (pa * pb)) / -math.log(pab)
    except (ValueError, ZeroDivisionError):
        return NEGATIVE_INFINITY


def word2phrase_scorer(worda_count, wordb_count, bigram_count, len_vocab, min_count, corpus_word_count):
    """The C tool's word2phrase score, in single precision as it computes it:
    ``(bigram_count - min_count) / worda_count / wordb_count * train_words``, 0 when any count
    is below ``min_count``.

    Examples
    --------
    >>> round(float(word2phrase_scorer(10, 20, 8, 0, 5, 1000)), 4)
    15.0
    """
    f = np.float32
    if min(worda_count, wordb_count, bigram_count) < min_count:
        return f(0.0)
    return f(bigram_count - min_count) / f(worda_count) / f(wordb_count) * f(corpus_word_count)


SCORERS = {"default": original_scorer, "npmi": npmi_scorer, "word2phrase": word2phrase_scorer}


def _scoring_name(scoring):
    for name, fn in SCORERS.items():
        if scoring is fn or scoring == name:
            return name
    return None


def _check_options(min_count, threshold, delimiter, scoring, connector_words, max_vocab_size):
    if isinstance(min_count, bool) or not isinstance(min_count, (int, float, np.integer, np.floating)) \
            or not min_count >= 1:
        raise ValueError(f"min_count must be a number >= 1, got {min_count!r}")
    if not isinstance(delimiter, str) or not delimiter or any(c.isspace() for c in delimiter):
        raise ValueError(f"delimiter must be a non-empty string without whitespace, got {delimiter!r}")
    if isinstance(scoring, str):
        if scoring not in SCORERS:
            raise ValueError(f"unknown scoring {scoring!r}: use 'default', 'npmi', 'word2phrase' "
                             f"or a function with gensim's scorer parameters")
    elif callable(scoring):
        try:
            params = signature(scoring).parameters
        except (TypeError, ValueError):
            params = {}
        missing = [p for p in SCORING_PARAMETERS if p not in params]
        if missing:
            raise ValueError(f"scoring function missing expected parameters {missing}")
    else:
        raise TypeError(f"scoring must be a name or a function, got {type(scoring).__name__}")
    name = _scoring_name(scoring)
    try:
        threshold = float(threshold)
    except (TypeError, ValueError):
        raise TypeError(f"threshold must be a number, got {threshold!r}") from None
    if name == "default" and not threshold > 0:
        raise ValueError(f"threshold must be > 0 for default scoring, got {threshold}")
    if name == "npmi" and not -1 < threshold <= 1:
        raise ValueError(f"threshold must be in (-1, 1] for npmi scoring, got {threshold}")
    if name == "word2phrase":
        if not threshold >= 0:
            raise ValueError(f"threshold must be >= 0 for word2phrase scoring, got {threshold}")
        if connector_words:
            raise ValueError("word2phrase scoring has no connector words; leave connector_words empty")
    if isinstance(max_vocab_size, bool) or not isinstance(max_vocab_size, (int, np.integer)) or max_vocab_size < 1:
        raise ValueError(f"max_vocab_size must be a whole number >= 1, got {max_vocab_size!r}")
    if isinstance(connector_words, str):
        raise TypeError("connector_words must be a set of words, not a str")
    return threshold


def load_connector_words(spec):
    """``"english"`` -> :data:`ENGLISH_CONNECTOR_WORDS`; a path -> the words of that file
    (whitespace-separated, UTF-8); ``None`` -> no connector words.

    Examples
    --------
    >>> "of" in load_connector_words("english")
    True
    """
    if spec is None:
        return frozenset()
    if spec == "english":
        return ENGLISH_CONNECTOR_WORDS
    if not os.path.isfile(spec):
        raise FileNotFoundError(f"{spec}: no such connector-words file (or use 'english')")
    with open(spec, encoding="utf-8") as f:
        return frozenset(f.read().split())


def _read_ids(sentences, max_sentence_length=None, cache_dir=None, progress=None, **reader_options):
    """(words, int32 ids, int64 sentence offsets) of a path or iterable of token lists, in one scan."""
    if isinstance(sentences, (str, os.PathLike)):
        if not os.path.exists(sentences):
            raise FileNotFoundError(f"{os.fspath(sentences)}: no such file or folder")
        if max_sentence_length is not None:
            reader_options["max_sentence_length"] = max_sentence_length
        sentences = as_sentences(sentences, **{k: v for k, v in reader_options.items() if v is not None})
    else:
        sentences = as_sentences(sentences)
    with scan(sentences, cache_dir=cache_dir, progress=progress) as result:
        ids = np.fromfile(result.ids_path, dtype=np.int32)
        offsets = np.fromfile(result.offsets_path, dtype=np.int64)
        return result.provisional_words, ids, offsets


def _table_size(n):
    size = 1 << 12
    while size < 2 * n:
        size *= 2
    return size


class _Table:
    """A hash table of grams (see :mod:`w2v.kernels.phrases`): slots, long grams' ids, sizes."""

    def __init__(self, size=1 << 12, long_grams=True, arena=1 << 12):
        self.slots = np.zeros((size, 2), dtype=np.int64)
        self.aux = np.zeros(size if long_grams else 1, dtype=np.int64)
        self.arena = np.zeros(arena if long_grams else 1, dtype=np.int32)
        self.state = np.zeros(4, dtype=np.int64)   # grams, arena used, distinct unigrams, tokens
        self.long_grams = long_grams

    n_grams = property(lambda self: int(self.state[0]))

    def args(self):
        return self.slots, self.aux, self.arena

    def occupied(self):
        return np.flatnonzero(self.slots[:, 0] != 0)

    def gather(self, which):
        """(flat ids, offsets) of the grams in slots ``which``."""
        offsets = np.zeros(len(which) + 1, dtype=np.int64)
        n = k.gather(*self.args(), which, np.zeros(0, dtype=np.int32), offsets)
        flat = np.zeros(n, dtype=np.int32)
        k.gather(*self.args(), which, flat, offsets)
        return flat, offsets

    def find(self, ids):
        ids = np.asarray(ids, dtype=np.int32)
        return int(k.find(ids, 0, len(ids), *self.args()))

    @classmethod
    def of(cls, flat, offsets, values):
        """A table holding gram ``i`` (``flat[offsets[i]:offsets[i + 1]]``) with ``values[i]``."""
        n = len(offsets) - 1
        long_grams = bool(n and (np.diff(offsets) != 2).any())
        t = cls(_table_size(n), long_grams, max(len(flat) + n, 1))
        k.build_lookup(flat, offsets, np.asarray(values, dtype=np.int64), *t.args(), t.state)
        return t


class _Grams(_Table):
    """Unigram counts (one per word id) and the table of candidate grams with their counts."""

    def __init__(self, n_words=0, long_grams=False, expected=0):
        super().__init__(_table_size(expected), long_grams)
        self.uni = np.zeros(max(n_words, 16), dtype=np.int64)

    n_unigrams = property(lambda self: int(self.state[2]))
    tokens = property(lambda self: int(self.state[3]))

    def __len__(self):
        return self.n_grams + self.n_unigrams

    def reserve_words(self, n_words):
        if n_words > len(self.uni):
            grown = np.zeros(max(n_words, 2 * len(self.uni)), dtype=np.int64)
            grown[: len(self.uni)] = self.uni
            self.uni = grown

    def _rebuild(self, size, arena, min_keep):
        new = _Table(size, self.long_grams, arena)
        k.reinsert(*self.args(), min_keep, *new.args(), new.state)
        self.slots, self.aux, self.arena = new.args()
        self.state[:2] = new.state[:2]

    def grow(self, grams, arena):
        """Make room for ``grams`` more grams and ``arena`` more long-gram ids."""
        size = _table_size(self.n_grams + grams)
        used = int(self.state[1])
        if size > len(self.slots) or (self.long_grams and used + arena > len(self.arena)):
            self._rebuild(max(size, len(self.slots)),
                          max(2 * len(self.arena), used + arena) if self.long_grams else 1, 0)

    def prune(self, min_keep):
        """Delete the unigrams and grams counted fewer than ``min_keep`` times; other counts stay."""
        before = len(self)
        self.uni[self.uni < min_keep] = 0
        self.state[2] = np.count_nonzero(self.uni)
        self._rebuild(len(self.slots), len(self.arena), min_keep)
        logger.info("pruned words and phrase candidates counted fewer than %d times (%d -> %d)",
                    min_keep, before, len(self))

    def count_pairs(self, ids, offsets, across_lines):
        """Count bigrams only, when pruning cannot be due: the same counts, faster."""
        longest = int(np.diff(offsets).max(initial=0))
        keys = np.zeros(max(1 << 17, longest), dtype=np.int64)
        order = np.zeros_like(keys)
        s, n_sent = 0, len(offsets) - 1
        while s < n_sent:
            s, status = k.count_pairs(ids, offsets, s, across_lines, self.uni, self.slots, self.state, keys, order)
            if status == 1:
                self.grow(max(self.n_grams, int(offsets[s + 1] - offsets[s])), 0)

    def count_gensim(self, ids, offsets, connector, limit, min_reduce):
        """Count as gensim's ``_learn_vocab``; returns the ``min_reduce`` reached."""
        s, n_sent = 0, len(offsets) - 1
        while s < n_sent:
            s, status = k.count_gensim(ids, offsets, s, connector, self.uni, *self.args(), self.state, limit,
                                         self.long_grams)
            if status == 1:
                n = int(offsets[s + 1] - offsets[s])
                self.grow(max(n, self.n_grams), 3 * n)
            elif status == 2:
                self.prune(min_reduce)
                min_reduce += 1
        return min_reduce

    def count_word2phrase(self, ids, limit, min_reduce):
        """Count as word2phrase's ``LearnVocabFromTrainFile``; returns the ``min_reduce`` reached."""
        i, n = 0, len(ids)
        while i < n:
            i, status = k.count_word2phrase(ids, i, self.uni, *self.args(), self.state, limit)
            if status == 1:
                self.grow(max(1024, self.n_grams), 0)
            elif status == 2:
                self.prune(min_reduce + 1)       # ReduceVocab keeps counts above min_reduce
                min_reduce += 1
        return min_reduce

    def merge(self, other):
        """Add ``other``'s counts to these (gensim's ``add_vocab`` merge)."""
        self.reserve_words(len(other.uni))
        if other.long_grams and not self.long_grams:
            self.long_grams = True
            self.aux = np.zeros(1, dtype=np.int64)
            self._rebuild(len(self.slots), 1 << 12, 0)
        self.grow(other.n_grams, int(other.state[1]) + other.n_grams)
        k.reinsert(*other.args(), 0, *self.args(), self.state)
        self.uni[: len(other.uni)] += other.uni
        self.state[2] = np.count_nonzero(self.uni)
        self.state[3] += other.state[3]


class _PhrasesTransformation:
    """What :class:`Phrases` and :class:`FrozenPhrases` share: joining phrases in sentences.

    Subclasses hold ``_words`` (word ids -> str), ``_index`` (str -> id), ``_mode``
    (``"gensim"`` or ``"word2phrase"``) and provide :meth:`_tables`.
    """

    def __init__(self, connector_words=frozenset()):
        self.connector_words = frozenset(connector_words)

    def _tables(self):
        """(connector flags per word id, lookup _Table of the accepted phrases, their scores,
        their word ids as flat ids and offsets), for joining; None: join with
        :meth:`score_candidate` in Python (a subclass that only defines that, as gensim allows)."""
        return None

    def score_candidate(self, word_a, word_b, in_between):
        """``(phrase, score)`` when the words form a phrase, else ``(None, None)``."""
        raise NotImplementedError("subclasses define score_candidate")

    def _analyze_python(self, sentence):
        """gensim's ``analyze_sentence`` loop, for subclasses that only define ``score_candidate``."""
        start, between = None, []
        for word in sentence:
            if word not in self.connector_words:
                if start:
                    phrase, score = self.score_candidate(start, word, between)
                    if score is not None:
                        yield phrase, score
                        start, between = None, []
                        continue
                    yield start, None
                    yield from ((w, None) for w in between)
                start, between = word, []
            elif start:
                between.append(word)
            else:
                yield word, None
        if start:
            yield start, None
            yield from ((w, None) for w in between)

    # ---- joining ------------------------------------------------------------------------
    def _ids_of(self, sentences):
        index, conn = self._index, self.connector_words
        flat = list(itertools.chain.from_iterable(sentences))
        unknown = {w: (_UNKNOWN_CONNECTOR if w in conn else _UNKNOWN) for w in set(flat) if w not in index}
        lookup = index if not unknown else {**index, **unknown}
        ids = np.fromiter(map(lookup.__getitem__, flat), dtype=np.int32, count=len(flat))
        offsets = np.zeros(len(sentences) + 1, dtype=np.int64)
        np.cumsum([len(s) for s in sentences], out=offsets[1:])
        return flat, ids, offsets

    def _join(self, ids, offsets, with_ends=True):
        """(join flags, phrase index at each phrase's last token, phrases joined) of a corpus of ids."""
        connector, lookup = self._tables()[:2]
        join = np.zeros(len(ids), dtype=np.uint8)
        ends = np.zeros(len(ids) if with_ends else 0, dtype=np.int32)
        if self._mode == "word2phrase":
            n = k.apply_word2phrase(ids, offsets, *lookup.args(), join, ends)
        else:
            n = k.apply_gensim(ids, offsets, connector, *lookup.args(), join, ends)
        return join, ends, int(n)

    def _analyze_batch(self, sentences):
        """For each sentence, a list of (token, score or None), phrases joined."""
        sentences = [s if isinstance(s, list) else list(s) for s in sentences]
        if self._tables() is None:
            return [list(self._analyze_python(s)) for s in sentences]
        flat, ids, offsets = self._ids_of(sentences)
        join, ends, _ = self._join(ids, offsets)
        scores = self._tables()[2]
        out, delim = [], self.delimiter
        join, ends = join.tolist(), ends.tolist()
        for s in range(len(sentences)):
            lo, hi = int(offsets[s]), int(offsets[s + 1])
            row = []
            i = lo
            while i < hi:
                j = i + 1
                while j < hi and join[j]:
                    j += 1
                if j - i > 1:
                    row.append((delim.join(flat[i:j]), float(scores[ends[j - 1]])))
                else:
                    row.append((flat[i], None))
                i = j
            out.append(row)
        return out

    def analyze_sentence(self, sentence):
        """Yield ``(token, score)`` for a sentence: ``(phrase, score)`` for joined phrases, ``(word, None)`` else.

        Examples
        --------
        >>> p = Phrases([["new", "york"]] * 3, min_count=1, threshold=0.1)
        >>> list(p.analyze_sentence(["in", "new", "york"]))
        [('in', None), ('new_york', 0.6666666666666666)]
        """
        yield from self._analyze_batch([list(sentence)])[0]

    def __getitem__(self, sentence):
        """Join the phrases of one sentence (a list of str) or, lazily, of each sentence of a corpus.

        Examples
        --------
        >>> p = Phrases([["new", "york", "city"]] * 3, min_count=1, threshold=0.1)
        >>> p[["i", "love", "new", "york"]]
        ['i', 'love', 'new_york']
        >>> list(p[[["new", "york"], ["york"]]])
        [['new_york'], ['york']]
        """
        is_single, sentence = _is_single(sentence)
        if not is_single:
            return self._apply(sentence)
        return [t for t, _ in self._analyze_batch([list(sentence)])[0]]

    def _apply(self, corpus):
        return _Applied(self, corpus)

    def find_phrases(self, sentences):
        """The phrases joined in ``sentences``, with their scores (dict str -> float).

        Examples
        --------
        >>> p = Phrases([["new", "york"]] * 3, min_count=1, threshold=0.1)
        >>> p.find_phrases([["new", "york", "is", "big"]])
        {'new_york': 0.6666666666666666}
        """
        result = {}
        it = iter(sentences)
        while True:
            batch = list(itertools.islice(it, _BATCH))
            if not batch:
                return result
            for row in self._analyze_batch(batch):
                for token, score in row:
                    if score is not None:
                        result[token] = score

    # ---- native save / load --------------------------------------------------------------
    def save(self, path):
        """Save in w2v's native format (a versioned ``.npz`` with JSON metadata; no pickle), atomically.

        Examples
        --------
        >>> import os, tempfile
        >>> p = Phrases([["new", "york"]] * 3, min_count=1, threshold=0.1)
        >>> path = os.path.join(tempfile.mkdtemp(), "p.w2v")
        >>> p.save(path)
        >>> Phrases.load(path)[["new", "york"]]
        ['new_york']
        """
        meta, arrays = self._state()
        if not isinstance(meta.get("scoring"), str):
            raise ValueError("a custom scoring function cannot be saved in the native format (no pickle); "
                             "save the frozen phrases (freeze().save(path)) instead")
        blob, offsets = native.encode_words(list(self._words))
        arrays.update(words_blob=blob, words_offsets=offsets)
        meta.update(delimiter=self.delimiter, threshold=self.threshold, min_count=self.min_count,
                    connector_words=sorted(self.connector_words))
        native.save_native(path, self._KIND, meta, arrays)

    @classmethod
    def load(cls, path):
        """Load what :meth:`save` wrote (a :class:`Phrases` or a :class:`FrozenPhrases` file).

        ``Phrases.load`` also opens frozen phrases, as gensim's does.
        """
        path = os.fspath(path)
        for kind, klass in ((Phrases._KIND, Phrases), (FrozenPhrases._KIND, FrozenPhrases)):
            if cls is FrozenPhrases and klass is Phrases:
                continue
            try:
                meta, arrays = native.load_native(path, kind=kind)
            except ValueError as e:
                if "holds a" in str(e):
                    continue
                raise
            words = native.decode_words(arrays.pop("words_blob"), arrays.pop("words_offsets"))
            obj = klass.__new__(klass)
            obj.delimiter = meta["delimiter"]
            obj.threshold = meta["threshold"]
            obj.min_count = meta["min_count"]
            obj.connector_words = frozenset(meta["connector_words"])
            try:
                obj._restore(meta, arrays, words)
            except (KeyError, IndexError, TypeError) as e:
                raise ValueError(f"{path}: damaged phrases file ({type(e).__name__}: {e})") from None
            return obj
        raise ValueError(f"{path}: holds no {'frozen ' if cls is FrozenPhrases else ''}phrases")


def _is_single(obj):
    """(True, sentence) for a list of str, (False, corpus) for an iterable of sentences (gensim's rule)."""
    it = iter(obj)
    temp = it
    try:
        peek = next(it)
        it = itertools.chain([peek], it)
    except StopIteration:
        return True, obj
    if isinstance(peek, str):
        return True, it
    if temp is obj:
        return False, it
    return False, obj


class _Applied:
    """``phrases[corpus]``: each sentence of ``corpus`` with its phrases joined, lazily, in batches."""

    def __init__(self, model, corpus):
        self.model, self.corpus = model, corpus

    def __iter__(self):
        it = iter(self.corpus)
        while True:
            batch = list(itertools.islice(it, _BATCH))
            if not batch:
                return
            for row in self.model._analyze_batch(batch):
                yield [t for t, _ in row]

    def __len__(self):
        return len(self.corpus)


class Phrases(_PhrasesTransformation):
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
        self.threshold = _check_options(min_count, threshold, delimiter, scoring, connector_words,
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
        self._index = {}
        self._grams = _Grams()
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
        p._index = {w: i for i, w in enumerate(p._words)}
        p._grams, _ = p._count(ids, offsets)
        p.corpus_word_count = p._grams.tokens
        if p.corpus_word_count == 0:
            raise ValueError("the corpus is empty")
        return p

    def _count(self, ids, offsets):
        """Fresh counts of a corpus of word ids, and the pruning level reached (gensim's
        ``_learn_vocab``, which starts each corpus at ``min_reduce`` 1)."""
        # Distinct pairs are rarely more than a quarter of the tokens: start the table that large
        # (bounded by the pruning limit) rather than rehashing it a dozen times on the way.
        expected = min(len(ids) // 4, self.max_vocab_size, 1 << 26)
        grams = _Grams(len(self._words), long_grams=bool(self.connector_words), expected=expected)
        t0 = time.perf_counter()
        # Without pruning (the words and pairs cannot outnumber the limit) and without connector
        # words, every candidate is a bigram: count them in table order.
        no_pruning = len(ids) + len(self._words) <= self.max_vocab_size
        if no_pruning and not self.connector_words:
            grams.count_pairs(ids, offsets, across_lines=self._mode == "word2phrase")
            min_reduce = 1
        elif self._mode == "word2phrase":
            min_reduce = grams.count_word2phrase(ids, self.max_vocab_size, 1)
        else:
            min_reduce = grams.count_gensim(ids, offsets, self._connector_flags(), self.max_vocab_size, 1)
        logger.info("counted %d words and %d phrase candidates from %d tokens in %.2fs",
                    grams.n_unigrams, grams.n_grams, grams.tokens, time.perf_counter() - t0)
        return grams, min_reduce

    def _connector_flags(self):
        flags = np.zeros(max(len(self._words), 1), dtype=np.bool_)
        for w in self.connector_words:
            i = self._index.get(w)
            if i is not None:
                flags[i] = True
        return flags

    def add_vocab(self, sentences):
        """Count more sentences into the model (gensim's ``add_vocab``).

        Examples
        --------
        >>> p = Phrases([["a", "b"]], min_count=1, threshold=0.1)
        >>> p.add_vocab([["a", "b", "c"]])
        >>> len(p.vocab), p.corpus_word_count
        (5, 5)
        """
        words, ids, offsets = _read_ids(sentences)
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
        name = _scoring_name(self.scoring)
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
            lookup = _Table.of(flat, offsets, np.arange(len(which)))
            self._cache = (self._connector_flags(), lookup, scores, flat, offsets)
        return self._cache

    def _string(self, flat, offsets, i):
        return self.delimiter.join(self._words[w] for w in flat[offsets[i]:offsets[i + 1]].tolist())

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
    def _state(self):
        g = self._grams
        which = g.occupied()
        flat, offsets = g.gather(which)
        meta = {"scoring": _scoring_name(self.scoring) or self.scoring, "max_vocab_size": self.max_vocab_size,
                "corpus_word_count": int(self.corpus_word_count), "min_reduce": int(self.min_reduce),
                "tokens": g.tokens, "progress_per": self.progress_per}
        arrays = {"unigram_counts": g.uni[: len(self._words)], "gram_ids": flat, "gram_offsets": offsets,
                  "gram_counts": g.slots[which, 1]}
        return meta, arrays

    def _restore(self, meta, arrays, words):
        self.scoring = SCORERS[meta["scoring"]]
        self.max_vocab_size = int(meta["max_vocab_size"])
        self.corpus_word_count = int(meta["corpus_word_count"])
        self.min_reduce = int(meta["min_reduce"])
        self.progress_per = meta.get("progress_per", 10000)
        self._words = words
        self._index = {w: i for i, w in enumerate(words)}
        self._cache = None
        flat, offsets, counts = _checked_grams(arrays, "gram", len(words))
        uni = np.asarray(arrays["unigram_counts"], dtype=np.int64)
        if len(uni) != len(words) or (uni < 0).any() or (counts < 1).any():
            raise IndexError("counts do not match the word list")
        t = _Table.of(flat, offsets, counts)
        g = self._grams = _Grams(len(words), t.long_grams)
        g.slots, g.aux, g.arena = t.args()
        g.state[:2] = t.state[:2]
        g.uni[: len(words)] = uni
        g.state[2] = np.count_nonzero(uni)
        g.state[3] = int(meta["tokens"])


def _checked_grams(arrays, prefix, n_words):
    flat = np.asarray(arrays[f"{prefix}_ids"], dtype=np.int32)
    offsets = np.asarray(arrays[f"{prefix}_offsets"], dtype=np.int64)
    values = np.asarray(arrays[f"{prefix}_counts" if prefix == "gram" else f"{prefix}_scores"])
    if len(offsets) != len(values) + 1 or offsets[0] != 0 or offsets[-1] != len(flat) \
            or (np.diff(offsets) < 2).any():
        raise IndexError("gram offsets do not cut the gram ids into grams of two words or more")
    if len(flat) and (flat.min() < 0 or flat.max() >= n_words):
        raise IndexError("gram ids outside the word list")
    return flat, offsets, values


class FrozenPhrases(_PhrasesTransformation):
    """The accepted phrases of a :class:`Phrases` model and nothing else (gensim's ``FrozenPhrases``).

    Examples
    --------
    >>> p = Phrases([["new", "york"]] * 3, min_count=1, threshold=0.1)
    >>> f = p.freeze()
    >>> f[["to", "new", "york"]], f.phrasegrams
    (['to', 'new_york'], {'new_york': 0.6666666666666666})
    """

    _KIND = "frozen-phrases"

    def __init__(self, phrases_model):
        self.threshold = phrases_model.threshold
        self.min_count = phrases_model.min_count
        self.delimiter = phrases_model.delimiter
        self.scoring = phrases_model.scoring
        self.connector_words = phrases_model.connector_words
        _, _, scores, flat, offsets = phrases_model._tables()
        self._build(phrases_model._words, flat, offsets, scores, phrases_model._mode)

    def _build(self, words, flat, offsets, scores, mode):
        """Keep only the words the phrases use, renumbered, and a lookup table of the phrases."""
        used, flat = np.unique(flat, return_inverse=True)
        self._words = [words[i] for i in used.tolist()]
        self._index = {w: i for i, w in enumerate(self._words)}
        self._flat, self._offsets = flat.astype(np.int32).ravel(), offsets
        self._scores = np.asarray(scores)
        self._mode = mode
        self._lookup = _Table.of(self._flat, offsets, np.arange(len(self._scores)))
        self._flags = np.zeros(max(len(self._words), 1), dtype=np.bool_)
        for w in self.connector_words:
            if w in self._index:
                self._flags[self._index[w]] = True

    def _tables(self):
        return self._flags, self._lookup, self._scores, self._flat, self._offsets

    def __str__(self):
        return (f"{type(self).__name__}<{len(self._scores)} phrases, min_count={self.min_count}, "
                f"threshold={self.threshold}>")

    __repr__ = __str__

    @property
    def phrasegrams(self):
        """dict phrase -> score of every phrase this model joins (gensim's attribute)."""
        words, flat, offsets = self._words, self._flat, self._offsets
        return {self.delimiter.join(words[w] for w in flat[offsets[i]:offsets[i + 1]].tolist()): float(s)
                for i, s in enumerate(self._scores.tolist())}

    def score_candidate(self, word_a, word_b, in_between):
        """``(phrase, score)`` when the phrase is one of this model's, else ``(None, None)``."""
        tokens = [word_a, *in_between, word_b]
        if any(t not in self._index for t in tokens):
            return None, None
        i = self._lookup.find([self._index[t] for t in tokens])
        return (self.delimiter.join(tokens), float(self._scores[i])) if i >= 0 else (None, None)

    def _state(self):
        name = _scoring_name(self.scoring)
        meta = {"scoring": name or getattr(self.scoring, "__qualname__", "custom"), "mode": self._mode}
        arrays = {"phrase_ids": self._flat, "phrase_offsets": self._offsets,
                  "phrase_scores": np.asarray(self._scores, dtype=np.float64)}
        return meta, arrays

    def save(self, path):
        meta, arrays = self._state()
        blob, offsets = native.encode_words(self._words)
        arrays.update(words_blob=blob, words_offsets=offsets)
        meta.update(delimiter=self.delimiter, threshold=self.threshold, min_count=self.min_count,
                    connector_words=sorted(self.connector_words))
        native.save_native(path, self._KIND, meta, arrays)

    save.__doc__ = _PhrasesTransformation.save.__doc__

    def _restore(self, meta, arrays, words):
        self.scoring = SCORERS.get(meta["scoring"], meta["scoring"])
        flat, offsets, scores = _checked_grams(arrays, "phrase", len(words))
        if meta["mode"] == "word2phrase":
            scores = scores.astype(np.float32)
        self._build(words, flat, offsets, scores, meta["mode"])


Phraser = FrozenPhrases


# --------------------------------------------------------------------------- whole files


def phrase_ids(words, ids, offsets, passes=1, merge_last=False, **options):
    """Join phrases in a corpus given as word ids, ``passes`` times (each pass counts the output
    of the one before, so pass 2 can join ``new_york`` and ``city``).

    Returns ``(words, ids, offsets, join, stats)``: the corpus before the last pass (words of
    earlier passes' phrases appended to ``words``), the last pass's ``join`` flags (token
    glued to the one before) and one dict per pass (``tokens`` read, ``candidates`` counted,
    ``phrases`` accepted, ``joined``: phrases joined in the text). With ``merge_last`` the last
    pass's phrases are merged too: ``ids`` and ``offsets`` are the final corpus, ``join`` None.
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
        join, ends, stats[-1]["joined"] = model._join(ids, offsets, with_ends=merge_last or not last)
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


def write_phrased(path, words, ids, offsets, join, delimiter="_", c_style=False):
    """Write a corpus with its joined tokens glued by ``delimiter``, one sentence a line, atomically."""
    blob, word_start = native.encode_words(words)
    delim = np.frombuffer(delimiter.encode("utf-8"), dtype=np.uint8)
    empty = np.zeros(0, dtype=np.uint8)
    with atomic_write(path, "wb") as f:
        s = 0
        n_sent = len(offsets) - 1
        while s < n_sent:
            e = int(np.searchsorted(offsets, offsets[s] + _RENDER_TOKENS, side="right")) - 1
            e = min(max(e, s + 1), n_sent)
            part = offsets[s:e + 1]
            lo, hi = int(part[0]), int(part[-1])
            args = (ids[lo:hi], part - lo, join[lo:hi], blob, word_start, delim, c_style)
            out = np.empty(k.render(*args, empty), dtype=np.uint8)
            k.render(*args, out)
            f.write(out.data)
            s = e


def phrase_file(source, output, passes=1, c_style=False, **options):
    """Detect and join phrases in a text file (one sentence a line), writing ``output`` atomically.

    Parameters
    ----------
    source : str
        Text file or folder, whitespace-separated tokens, one sentence a line.
    output : str
        Where to write the text with phrases joined.
    passes : int
        Rounds of detection (2: trigrams and 4-grams too, like the C tool's demo-phrases.sh).
    c_style : bool
        Write word2phrase's layout (each token preceded by its separator).
    **options
        :class:`Phrases` arguments (``min_count``, ``threshold``, ``scoring``, ``connector_words``,
        ``delimiter``, ``max_vocab_size``).

    Returns
    -------
    list of dict
        One per pass: ``tokens`` read, ``candidates`` counted (words + grams), ``phrases``
        accepted, ``joined`` (phrases joined in the text).

    Examples
    --------
    >>> import os, tempfile
    >>> d = tempfile.mkdtemp()
    >>> src, out = os.path.join(d, "in.txt"), os.path.join(d, "out.txt")
    >>> _ = open(src, "w").write("new york city\\nin new york\\n" * 3)
    >>> _ = phrase_file(src, out, min_count=1, threshold=0.9)
    >>> open(out).read().splitlines()[:2]
    ['new_york city', 'in new_york']
    """
    threshold = options.get("threshold", 10.0)
    _check_options(options.get("min_count", 5), threshold, options.get("delimiter", "_"),
                   options.get("scoring", "default"), options.get("connector_words", frozenset()),
                   options.get("max_vocab_size", 40000000))
    words, ids, offsets = _read_ids(source, max_sentence_length=sys.maxsize)
    if len(ids) == 0:
        raise ValueError(f"{source}: the corpus is empty")
    words, ids, offsets, join, stats = phrase_ids(words, ids, offsets, passes=passes, **options)
    write_phrased(output, words, ids, offsets, join, options.get("delimiter", "_"), c_style)
    return stats


def phrase_corpus(source, passes=1, max_sentence_length=10000, cache_dir=None, progress=None,
                  reader_options=None, **options):
    """Read a corpus once, join its phrases in ``passes`` rounds, and return it counted and
    encoded, ready for :class:`w2v.Word2Vec` (no second reading of the text).

    Parameters
    ----------
    source : str or iterable of list of str
        A text file or folder (one sentence a line) or sentences.
    passes : int
        Rounds of joining (2: ``new_york_city`` too).
    max_sentence_length, reader_options
        How the text is read (``tokenizer``, ``encoding``, ``errors``), as for ``Word2Vec``.
    cache_dir : str or None
        Folder for the temporary id files.
    progress : callable or None
        Called with the tokens of each block read.
    **options
        :class:`Phrases` arguments.

    Returns
    -------
    w2v.encoded.Scan
        Give it to ``Word2Vec(...)`` or to ``build_vocab`` and then ``train`` (the same object;
        it is used up by them).

    Examples
    --------
    >>> from w2v import Word2Vec
    >>> corpus = phrase_corpus([["new", "york", "city"], ["in", "new", "york"]] * 50, min_count=1,
    ...                        threshold=0.01)
    >>> model = Word2Vec(corpus, vector_size=8, min_count=1, epochs=1, workers=1)
    >>> "new_york" in model.wv
    True
    """
    words, ids, offsets = _read_ids(source, max_sentence_length, cache_dir, progress,
                                    **(reader_options or {}))
    if len(ids) == 0:
        raise ValueError("the corpus is empty")
    words, ids, offsets, _, _ = phrase_ids(words, ids, offsets, passes=passes, merge_last=True, **options)
    counts = np.bincount(ids, minlength=len(words)).astype(np.int64)
    paths = []
    try:
        for suffix, array in ((".ids", ids), (".offsets", offsets)):
            fd, path = tempfile.mkstemp(prefix="w2v-phrases-", suffix=suffix, dir=cache_dir)
            paths.append(path)
            with os.fdopen(fd, "wb") as f:
                array.tofile(f)
    except BaseException:
        for path in paths:
            os.unlink(path)
        raise
    return Scan(words, counts, counts > 0, len(ids), len(offsets) - 1, *paths)


__all__ = ["Phrases", "FrozenPhrases", "Phraser", "ENGLISH_CONNECTOR_WORDS", "original_scorer",
           "npmi_scorer", "word2phrase_scorer", "phrase_file", "phrase_corpus", "load_connector_words"]

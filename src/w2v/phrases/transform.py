"""What :class:`~w2v.phrases.Phrases` and :class:`~w2v.phrases.FrozenPhrases` share: joining the
phrases of sentences (one, a batch, or a lazy corpus) and saving and loading in the native format.
"""
import functools
import itertools
import os

import numpy as np

from ..vectors import native
from ..kernels import phrases as k
from ..threads import in_order, sentence_pieces

_UNKNOWN, _UNKNOWN_CONNECTOR = -1, -2
_BATCH = 10_000                 # sentences per call of the joining loop for iterables
_JOIN_TOKENS = 1 << 20          # tokens per piece of a corpus joined by one thread


class PhrasesTransformation:
    """What :class:`~w2v.phrases.Phrases` and :class:`~w2v.phrases.FrozenPhrases` share
    (gensim's ``_PhrasesTransformation``): joining phrases in sentences, saving, loading.

    Subclasses hold ``_words`` (word ids -> str; ``_index``, str -> id, follows it), ``_mode``
    (``"gensim"`` or ``"word2phrase"``), ``delimiter`` and ``connector_words``; they provide
    :meth:`_tables` and, to be saved, ``_KIND``, ``_state`` and ``_restore``.
    """

    def __init__(self, connector_words=frozenset()):
        self.connector_words = frozenset(connector_words)

    @functools.cached_property
    def _index(self):
        """str -> word id, built when first needed (a corpus joined in one pass never needs it)."""
        return {w: i for i, w in enumerate(self._words)}

    def _tables(self):
        """(connector flags per word id, lookup GramTable of the accepted phrases, their scores,
        their word ids as flat ids and offsets), for joining; None: join with
        :meth:`score_candidate` in Python (a subclass that only defines that, as gensim allows)."""
        return None

    def score_candidate(self, word_a, word_b, in_between):
        """``(phrase, score)`` when the words form a phrase, else ``(None, None)``."""
        raise NotImplementedError("subclasses define score_candidate")

    def _connector_flags(self):
        """bool per word id: is the word a connector word."""
        flags = np.zeros(max(len(self._words), 1), dtype=np.bool_)
        for w in self.connector_words:
            i = self._index.get(w)
            if i is not None:
                flags[i] = True
        return flags

    def _string(self, flat, offsets, i):
        """Gram ``i`` of ``flat[offsets[i]:offsets[i + 1]]`` as its words joined by the delimiter."""
        return self.delimiter.join(self._words[w] for w in flat[offsets[i]:offsets[i + 1]].tolist())

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

    def _join(self, ids, offsets, with_ends=True, pool=None):
        """(join flags, phrase index at each phrase's last token, phrases joined) of a corpus of
        ids; with ``pool`` (a :class:`w2v.threads.Pool`) pieces of it are joined concurrently."""
        connector, lookup, _, flat, phrase_offsets = self._tables()
        starts = np.zeros(max(len(self._words), 1), dtype=np.bool_)
        starts[flat[phrase_offsets[:-1]]] = True
        join = np.zeros(len(ids), dtype=np.uint8)
        ends = np.zeros(len(ids) if with_ends else 0, dtype=np.int32)

        def apply(s, e):
            lo, hi = int(offsets[s]), int(offsets[e])
            piece = (ids[lo:hi], offsets[s:e + 1] - lo)
            out = (join[lo:hi], ends[lo:hi] if with_ends else ends)
            if self._mode == "word2phrase":
                return k.apply_word2phrase(*piece, starts, *lookup.args(), *out)
            return k.apply_gensim(*piece, connector, starts, *lookup.args(), *out)

        n = sum(in_order(apply, sentence_pieces(offsets, _JOIN_TOKENS), pool))
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
        >>> from w2v.phrases import Phrases
        >>> p = Phrases([["new", "york"]] * 3, min_count=1, threshold=0.1)
        >>> list(p.analyze_sentence(["in", "new", "york"]))
        [('in', None), ('new_york', 0.6666666666666666)]
        """
        yield from self._analyze_batch([list(sentence)])[0]

    def __getitem__(self, sentence):
        """Join the phrases of one sentence (a list of str) or, lazily, of each sentence of a corpus.

        Examples
        --------
        >>> from w2v.phrases import Phrases
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
        >>> from w2v.phrases import Phrases
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
        >>> from w2v.phrases import Phrases
        >>> p = Phrases([["new", "york"]] * 3, min_count=1, threshold=0.1)
        >>> path = os.path.join(tempfile.mkdtemp(), "p.w2v")
        >>> p.save(path)
        >>> Phrases.load(path)[["new", "york"]]
        ['new_york']
        """
        meta, arrays = self._state()       # a custom scorer is recorded by its importable name
        blob, offsets = native.encode_words(list(self._words))
        arrays.update(words_blob=blob, words_offsets=offsets)
        meta.update(delimiter=self.delimiter, threshold=self.threshold, min_count=self.min_count,
                    connector_words=sorted(self.connector_words))
        native.save_native(path, self._KIND, meta, arrays)

    @classmethod
    def _load_first(cls, path, classes, what):
        """The first of ``classes`` (each with its ``_KIND``) that the file at ``path`` holds."""
        path = os.fspath(path)
        for klass in classes:
            try:
                meta, arrays = native.load_native(path, kind=klass._KIND)
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
        raise ValueError(f"{path}: holds no {what}")


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


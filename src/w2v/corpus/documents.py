"""Tagged documents: gensim's ``TaggedDocument`` and ``TaggedLineDocument``, the tags of a corpus
as a CSR over its sentences (which document-vector rows each sentence trains), and the tag
vocabulary with gensim's numbering (int tags are rows ``0..max``, string tags follow).
"""
import collections
import logging
import os
from numbers import Integral

import numpy as np

from .blocks import Source, byte_blocks, text_lines
from .lines import OneShot, chunk_lengths
from .tokenizers import get_tokenizer, tokenize_lines

logger = logging.getLogger(__name__)


class TaggedDocument(collections.namedtuple("TaggedDocument", "words tags")):
    """A document: ``words`` (list of str) and ``tags`` (list of int or str), gensim's type.

    Examples
    --------
    >>> str(TaggedDocument(["a", "b"], [0]))
    "TaggedDocument<['a', 'b'], [0]>"
    """

    __slots__ = ()

    def __str__(self):
        return f"{type(self).__name__}<{self.words}, {self.tags}>"


class TaggedLineDocument:
    """A text file as documents, one per line, tagged with the line number (0-based), gensim's.

    Parameters
    ----------
    source : str or os.PathLike or file object
        The file (``.gz``, ``.bz2``, ``.xz`` are read transparently).
    tokenizer, encoding, errors
        How a line becomes words (default: split on whitespace, UTF-8).

    Examples
    --------
    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "d.txt")
    >>> _ = open(p, "w").write("the cat sat\\na dog\\n")
    >>> [tuple(d) for d in TaggedLineDocument(p)]
    [(['the', 'cat', 'sat'], [0]), (['a', 'dog'], [1])]
    """

    def __init__(self, source, tokenizer="whitespace", encoding="utf-8", errors="strict"):
        if not hasattr(source, "read") and not os.path.isfile(source):
            raise FileNotFoundError(f"{os.fspath(source)}: no such file")
        self.source = source
        self.tokenizer = get_tokenizer(tokenizer)
        self.encoding, self.errors = encoding, errors

    def __iter__(self):
        number = 0
        for lines in text_lines(Source(self.source), self.encoding, self.errors, None):
            for words in tokenize_lines(self.tokenizer, lines):
                yield TaggedDocument(words, [number])
                number += 1

    def __repr__(self):
        return f"TaggedLineDocument({getattr(self.source, 'name', self.source)!r})"


class TagVocab:
    """The document tags of a corpus and their rows in the document vectors, numbered as gensim
    does: int tags (>= 0) are their own rows ``0 .. max_int``, string tags follow in order of
    first appearance. ``doc_count[row]`` counts the documents carrying each tag.

    Examples
    --------
    >>> v = TagVocab.build([[0, "x"], [2], ["y", "x"]])
    >>> v.keys, v.rows([2, "x", "nope"])
    ([0, 1, 2, 'x', 'y'], [2, 3])
    >>> v.doc_count.tolist()
    [1, 0, 1, 2, 1]
    """

    def __init__(self, max_int, strings, doc_count=None):
        self.max_int = int(max_int)
        self.strings = list(strings)
        self.string_rows = {s: self.max_int + 1 + i for i, s in enumerate(self.strings)}
        n = self.max_int + 1 + len(self.strings)
        self.doc_count = np.zeros(n, np.int64) if doc_count is None else np.asarray(doc_count, np.int64)

    @classmethod
    def build(cls, tag_lists):
        """The vocabulary of an iterable of tag lists (checked by :func:`check_tags`)."""
        collector = TagCollector()
        for tags in tag_lists:
            collector.add(tags)
        return collector.vocab()

    @property
    def keys(self):
        """The tags by row (gensim's ``dv.index_to_key``)."""
        return list(range(self.max_int + 1)) + self.strings

    def __len__(self):
        return self.max_int + 1 + len(self.strings)

    def grow(self, other):
        """This vocabulary with the new tags of ``other`` added after its own rows (existing rows
        keep their numbers); int tags beyond ``max_int`` cannot be added once string tags follow it.

        Examples
        --------
        >>> TagVocab(1, ["a"]).grow(TagVocab(0, ["b", "a"])).keys
        [0, 1, 'a', 'b']
        """
        if other.max_int > self.max_int and self.strings:
            raise ValueError(f"cannot add int tags above {self.max_int}: string tags already follow "
                             "the int tags' rows; tag the new documents with strings")
        max_int = max(self.max_int, other.max_int)
        strings = self.strings + [s for s in other.strings if s not in self.string_rows]
        counts = np.zeros(max_int + 1 + len(strings), np.int64)
        counts[:self.max_int + 1] = self.doc_count[:self.max_int + 1]
        counts[max_int + 1:max_int + 1 + len(self.strings)] = self.doc_count[self.max_int + 1:]
        grown = TagVocab(max_int, strings, counts)
        for key, n in zip(other.keys, other.doc_count.tolist()):
            grown.doc_count[grown.row(key)] += n
        return grown

    def row(self, tag):
        """The row of ``tag``, or -1 when the vocabulary lacks it."""
        if isinstance(tag, Integral) and not isinstance(tag, bool):
            return int(tag) if 0 <= tag <= self.max_int else -1
        return self.string_rows.get(tag, -1)

    def rows(self, tags):
        """The rows of the known tags among ``tags`` (unknown ones are left out, as gensim does)."""
        return [r for r in map(self.row, tags) if r >= 0]


def check_tags(tags, where):
    """Raise TypeError / ValueError, naming ``where``, unless ``tags`` is a non-empty list of
    ints >= 0 and strings (gensim's tag kinds)."""
    if isinstance(tags, (str, bytes)) or not hasattr(tags, "__iter__"):
        raise TypeError(f"{where}: tags must be a list of tags (ints or strings), got "
                        f"{type(tags).__name__} {tags!r}; e.g. TaggedDocument(words, [{tags!r}])")
    tags = list(tags)
    if not tags:
        raise ValueError(f"{where}: the document has no tags; give each document at least one "
                         "(e.g. its number: TaggedDocument(words, [i]))")
    for tag in tags:
        if isinstance(tag, bool) or not isinstance(tag, (Integral, str)):
            raise TypeError(f"{where}: tag {tag!r} is a {type(tag).__name__}; tags are ints (>= 0) "
                            "or strings")
        if isinstance(tag, Integral) and tag < 0:
            raise ValueError(f"{where}: int tag {tag} is negative; int tags are rows (>= 0)")
    return tags


class TagCollector:
    """Collects the tags of documents as they stream by, for :class:`TagVocab` and for the CSR
    that :meth:`sentence_rows` builds: int tags as themselves, string tags as ``-1 - k`` (k: the
    string's order of first appearance)."""

    def __init__(self):
        self.strings = {}
        self.max_int = -1
        self.raw = []            # per document, in order: its raw tag codes
        self.doc_count = collections.Counter()

    def add(self, tags, where="document"):
        codes = []
        for tag in check_tags(tags, where):
            if isinstance(tag, Integral):
                code = int(tag)
                self.max_int = max(self.max_int, code)
            else:
                code = -1 - self.strings.setdefault(tag, len(self.strings))
            codes.append(code)
        self.raw.append(codes)
        for code in set(codes):
            self.doc_count[code] += 1

    def vocab(self):
        """The tag vocabulary of the documents seen."""
        vocab = TagVocab(self.max_int, list(self.strings))
        for code, n in self.doc_count.items():
            vocab.doc_count[code if code >= 0 else vocab.max_int - code] = n
        return vocab

    def sentence_rows(self, vocab):
        """``(tag_offsets int64[S+1], tag_ids int32[T])``: the rows of ``vocab`` that each
        document trains (tags ``vocab`` lacks are left out)."""
        strings = list(self.strings)
        lookup = {}
        for code_list in self.raw:
            for code in code_list:
                if code not in lookup:
                    lookup[code] = vocab.row(code if code >= 0 else strings[-1 - code])
        rows = [[lookup[c] for c in codes if lookup[c] >= 0] for codes in self.raw]
        offsets = np.zeros(len(rows) + 1, np.int64)
        np.cumsum([len(r) for r in rows], out=offsets[1:])
        ids = np.fromiter((r for rs in rows for r in rs), dtype=np.int32, count=int(offsets[-1]))
        return offsets, ids


class DocumentWords:
    """The words of an iterable of :class:`TaggedDocument`, for the vocabulary scan, while their
    tags go to a fresh :class:`TagCollector` on each pass (``collector``).

    Refused, each with a clear error: something not a document, ``words`` given as one string,
    a document without words or without tags, tags of another kind than int or str.
    """

    def __init__(self, documents):
        if isinstance(documents, (str, bytes, os.PathLike)):
            raise TypeError("documents must be an iterable of TaggedDocument; for a file pass "
                            "corpus_file=path (one document per line) or TaggedLineDocument(path)")
        if not hasattr(documents, "__iter__"):
            raise TypeError(f"documents must be an iterable of TaggedDocument, got {documents!r}")
        self.documents = OneShot(documents) if iter(documents) is documents else documents
        self.collector = None

    def __iter__(self):
        self.collector = collector = TagCollector()
        for number, doc in enumerate(self.documents):
            words, tags = getattr(doc, "words", None), getattr(doc, "tags", None)
            if words is None or tags is None:
                raise TypeError(f"document {number}: expected a TaggedDocument(words, tags), got "
                                f"{type(doc).__name__}")
            if isinstance(words, (str, bytes)):
                raise TypeError(f"document {number}: words must be a list of words, not one "
                                f"string (split it: {str(words)[:30]!r}.split())")
            words = list(words)
            if not words:
                raise ValueError(f"document {number} (tags {list(tags)!r}) is empty: it has no words "
                                 "to train its vector on; leave it out")
            collector.add(tags, f"document {number}")
            yield words


def file_sentence_lines(sources, lengths, max_sentence_length):
    """The 0-based line (document) number of each sentence of a whitespace-split UTF-8 file, or
    None if the file cannot be cut that way.

    A line reader drops empty lines and cuts lines of more than ``max_sentence_length`` tokens
    into several sentences; ``lengths`` (int64, the tokens of each sentence the reader gave) is
    checked against the lines' own token counts, so the answer is exact or None. A line without
    a word is a ValueError naming it (an empty document).
    """
    per_line = []
    for src in sources:
        for block, first_line in byte_blocks(src, None):
            per_line.append(_line_token_counts(block))
    counts = np.concatenate(per_line) if per_line else np.zeros(0, np.int64)
    empty = np.flatnonzero(counts == 0)
    if len(empty):
        raise ValueError(f"line {int(empty[0]) + 1} is empty: a document needs words (leave out "
                         "empty lines; a document is one line)")
    pieces = chunk_lengths(counts, max_sentence_length)
    if len(pieces) != len(lengths) or not np.array_equal(pieces, lengths):
        return None
    per = -(-counts // max_sentence_length)
    return np.repeat(np.arange(len(counts), dtype=np.int64), per)


_SPACE = np.zeros(256, bool)
_SPACE[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32]] = True     # str.split's ASCII whitespace


def _line_token_counts(block):
    """Tokens on each line of a block of whole lines (ASCII whitespace; others are checked by the caller)."""
    b = np.frombuffer(block, np.uint8)
    if not len(b):
        return np.zeros(0, np.int64)
    space = _SPACE[b]
    starts = ~space & np.concatenate([[True], space[:-1]])
    newlines = np.flatnonzero(b == 10)
    ends = newlines if len(b) and b[-1] == 10 else np.append(newlines, len(b) - 1)
    edges = np.concatenate([[0], ends + 1])
    # the tokens starting before each line's end (no int64 array as long as the block's bytes)
    return np.diff(np.searchsorted(np.flatnonzero(starts), edges))

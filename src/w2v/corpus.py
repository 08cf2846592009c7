"""Restartable streaming readers and tokenizers, and encode-once: text to int32 word ids.

One pass over the text (:func:`scan`) counts the words and writes provisional ids to disk;
:meth:`Scan.encode` then maps them to vocabulary ids without reading the text again.
"""
import bz2
import codecs
import contextlib
import gzip
import io
import itertools
import logging
import lzma
import os
import queue
import re
import shutil
import tempfile
import threading
import time
import weakref
from collections import defaultdict

import numpy as np
from numba import njit

from w2v._atomic import atomic_write
from w2v.vocab import _keep_mask

logger = logging.getLogger(__name__)

_BLOCK_BYTES = 1 << 20          # bytes read (after decompression) per block
_BATCH_SENTENCES = 10_000       # sentences per batch for iterables of token lists
_ENCODE_CHUNK = 1 << 22         # ids remapped per step by Scan.encode
_UTF8_BOM = b"\xef\xbb\xbf"

# --------------------------------------------------------------------------- files


def _open_binary(path):
    """Open ``path`` for binary reading, decompressing gzip, bzip2 or xz (magic bytes first)."""
    with open(path, "rb") as f:
        magic = f.read(6)
    if magic[:2] == b"\x1f\x8b":
        return gzip.open(path, "rb")
    if magic[:3] == b"BZh":
        return bz2.open(path, "rb")
    if magic == b"\xfd7zXZ\x00":
        return lzma.open(path, "rb")
    ext = os.path.splitext(os.fspath(path))[1].lower()
    if magic and ext in (".gz", ".bz2", ".xz"):
        logger.warning("%s: the name says %s but the content is not compressed; reading it as plain text", path, ext)
    return open(path, "rb")


def _is_utf8(encoding):
    return codecs.lookup(encoding).name in ("utf-8", "utf-8-sig")


def _ascii_compatible(encoding):
    try:
        return "\n a".encode(encoding) == b"\n a"
    except UnicodeError:
        return False


def open_text(path, encoding="utf-8", errors="strict"):
    """Open a plain, ``.gz``, ``.bz2`` or ``.xz`` file as a text stream.

    The compression is recognised by the file's magic bytes (so a misnamed file still
    opens), and a UTF-8 byte-order mark at the start is dropped.

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    encoding : str
        Text encoding; ``"utf-8"`` also accepts and strips a leading BOM.
    errors : str
        ``"strict"`` (raise on invalid bytes), ``"replace"``, ``"ignore"``, ...

    Returns
    -------
    io.TextIOWrapper
        Opened with universal newlines; close it (or use ``with``).

    Examples
    --------
    >>> import gzip, os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "t.txt.gz")
    >>> with gzip.open(p, "wt", encoding="utf-8") as f:
    ...     _ = f.write("\\ufeffhello world\\n")
    >>> with open_text(p) as f:
    ...     f.read()
    'hello world\\n'
    """
    if not os.path.exists(path):
        raise FileNotFoundError(f"{os.fspath(path)}: no such file")
    if _is_utf8(encoding):
        encoding = "utf-8-sig"
    return io.TextIOWrapper(_open_binary(path), encoding=encoding, errors=errors)


def _split_blocks(chunks):
    """Regroup string or byte chunks into blocks that end at a newline (the last may not)."""
    pending = []
    for chunk in chunks:
        nl = b"\n" if isinstance(chunk, bytes) else "\n"
        cut = chunk.rfind(nl)
        if cut < 0:
            pending.append(chunk)
            continue
        pending.append(chunk[: cut + 1])
        yield chunk[:0].join(pending)
        pending = [chunk[cut + 1:]]
    tail = pending[0][:0].join(pending) if pending else b""
    if tail:
        yield tail


def _read_chunks(f):
    while True:
        chunk = f.read(_BLOCK_BYTES)
        if not chunk:
            return
        yield chunk


def _limit_blocks(blocks, limit):
    """Yield ``(block, first_line_number)``, stopping after ``limit`` lines (None: all)."""
    line = 1
    for block in blocks:
        nl = b"\n" if isinstance(block, bytes) else "\n"
        n = block.count(nl)
        if limit is not None:
            left = limit - (line - 1)
            if left <= 0:
                return
            if n >= left:
                end = -1
                for _ in range(left):
                    end = block.find(nl, end + 1)
                yield block[: end + 1], line
                return
        yield block, line
        line += n


def _prefetch(iterable, depth=4):
    """Iterate ``iterable`` in a background thread, up to ``depth`` items ahead.

    Decompression and the compiled tokenizer release the GIL, so reading the next block
    overlaps with interning this one. Exceptions reach the consumer; closing the consumer
    stops the thread and closes ``iterable`` there.
    """
    q = queue.Queue(depth)
    stop = threading.Event()

    def put(item):
        while not stop.is_set():
            try:
                q.put(item, timeout=0.05)
                return True
            except queue.Full:
                pass
        return False

    def produce():
        error = None
        try:
            for item in iterable:
                if not put((False, item)):
                    return
        except BaseException as exc:    # handed to the consumer
            error = exc
        finally:
            close = getattr(iterable, "close", None)
            if close is not None:
                close()
        put((True, error))

    thread = threading.Thread(target=produce, name="w2v-reader", daemon=True)
    thread.start()
    try:
        while True:
            end, item = q.get()
            if end:
                if item is not None:
                    raise item
                return
            yield item
    finally:
        stop.set()
        thread.join()


def _decode_error(name, block, first_line, exc, encoding):
    pos = exc.start
    start = block.rfind(b"\n", 0, pos) + 1
    line = first_line + block.count(b"\n", 0, pos)
    column = len(block[start:pos].decode(encoding, "replace")) + 1
    label = codecs.lookup(encoding).name.replace("utf-8-sig", "utf-8")
    if first_line == 1 and pos < 2 and block[:2] in (b"\xff\xfe", b"\xfe\xff"):
        hint = "the file starts with a UTF-16 byte-order mark: pass encoding='utf-16' (CLI: --encoding utf-16)"
    else:
        hint = ("pass errors='replace' (CLI: --encoding-errors replace) to substitute, or the file's "
                "real encoding (CLI: --encoding, e.g. gb18030 or big5)")
    return ValueError(f"{name}: line {line}: invalid {label} byte 0x{block[pos]:02x} at column {column}; {hint}")


def _check_no_nul(name, block, first_line):
    """Text never holds NUL: one means a binary file or UTF-16/32 read as UTF-8. Raise, naming the line."""
    nul, newline = (b"\x00", b"\n") if isinstance(block, bytes) else ("\x00", "\n")
    pos = block.find(nul)
    if pos < 0:
        return
    line = first_line + block.count(newline, 0, pos)
    before = block[block.rfind(newline, 0, pos) + 1:pos]
    column = len(before.decode("utf-8", "replace") if isinstance(before, bytes) else before) + 1
    raise ValueError(f"{name}: line {line}: NUL byte at column {column}; text holds none, so this is a "
                     f"binary file, or UTF-16/UTF-32 text (pass its encoding, e.g. encoding='utf-16'; "
                     f"CLI: --encoding utf-16)")


class _Source:
    """One input: a path or an open file object, with its display name."""

    def __init__(self, source):
        self.source = source
        self.is_file_object = hasattr(source, "read")
        self.name = getattr(source, "name", "<stream>") if self.is_file_object else os.fspath(source)

    @contextlib.contextmanager
    def chunks(self):
        """Raw chunks (bytes, or str for a text-mode file object)."""
        if self.is_file_object:
            self.source.seek(0)
            yield _read_chunks(self.source)
        else:
            with _open_binary(self.source) as f:
                yield _read_chunks(f)


def _byte_blocks(src, limit, strip_bom=True):
    """Yield ``(bytes block of whole lines, first line number)``, a leading UTF-8 BOM stripped."""
    with src.chunks() as chunks:
        first = True
        for block, line in _limit_blocks(_split_blocks(chunks), limit):
            if isinstance(block, str):
                raise TypeError(f"{src.name}: expected a binary stream")
            if first and strip_bom and block.startswith(_UTF8_BOM):
                block = block[len(_UTF8_BOM):]
            first = False
            yield block, line


def _text_lines(src, encoding, errors, limit):
    """Yield lists of decoded lines (without their ``\\n``) from one source."""
    if src.is_file_object:
        src.source.seek(0)
        if isinstance(src.source.read(0), str):
            first = True
            with src.chunks() as chunks:
                for block, line in _limit_blocks(_split_blocks(chunks), limit):
                    if first and block.startswith("\ufeff"):
                        block = block[1:]
                    first = False
                    _check_no_nul(src.name, block, line)
                    yield _lines_of(block)
            return
    if _ascii_compatible(encoding):
        for block, line in _byte_blocks(src, limit, _is_utf8(encoding)):
            try:
                text = block.decode(encoding, errors)
            except UnicodeDecodeError as exc:
                raise _decode_error(src.name, block, line, exc, encoding) from exc
            _check_no_nul(src.name, text, line)
            yield _lines_of(text)
        return
    # Encodings where b"\n" is not a newline byte (UTF-16, UTF-32): decode as a stream.
    stream = io.TextIOWrapper(src.source if src.is_file_object else _open_binary(src.source),
                              encoding=encoding, errors=errors, newline="")
    try:
        for block, line in _limit_blocks(_split_blocks(_read_chunks(stream)), limit):
            _check_no_nul(src.name, block, line)
            yield _lines_of(block)
    except UnicodeDecodeError as exc:
        raise ValueError(f"{src.name}: cannot decode as {encoding}: {exc.reason}; pass errors='replace' "
                         f"(CLI: --encoding-errors replace) to substitute") from exc
    finally:
        if not src.is_file_object:
            stream.close()
        else:
            stream.detach()


def _lines_of(text):
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


# --------------------------------------------------------------------------- tokenizers

_WORD_RE = re.compile(r"[^\W_]+")
_TOKENIZERS = {}


def _simple_lower(line):
    return _WORD_RE.findall(line.lower())


def _simple_keep_case(line):
    return _WORD_RE.findall(line)


def _whitespace_factory():
    return str.split


def _simple_factory(lowercase=True):
    return _simple_lower if lowercase else _simple_keep_case


def register_tokenizer(name, factory, overwrite=False):
    """Make a tokenizer available by name to :func:`get_tokenizer`, the readers and the CLI.

    Parameters
    ----------
    name : str
        The name, e.g. ``"jieba"``.
    factory : callable
        ``factory(**options)`` returns either a tokenizer, a callable ``str -> list[str]``
        applied to each line (one line = one sentence), or a *sentence splitter*, an object
        with a method ``sentences(line)`` returning an iterable of token lists (one line =
        any number of sentences). The readers use ``sentences`` when it is present, and
        ``sentences_of_lines(lines)`` (all sentences of a block of lines) before it.
    overwrite : bool
        Replace an existing registration instead of raising ``ValueError``.

    Examples
    --------
    >>> register_tokenizer("chars", lambda: list, overwrite=True)
    >>> get_tokenizer("chars")("abc")
    ['a', 'b', 'c']
    """
    if not overwrite and name in _TOKENIZERS:
        raise ValueError(f"a tokenizer named {name!r} is already registered; pass overwrite=True to replace it")
    if not callable(factory):
        raise TypeError(f"factory must be callable, got {type(factory).__name__}")
    _TOKENIZERS[name] = factory


def get_tokenizer(name_or_callable="whitespace", **options):
    """Return a tokenizer from its registered name, or pass a tokenizer through.

    Built in: ``"whitespace"`` (``str.split``: pre-tokenized text, the default) and
    ``"simple"`` (lower-cased runs of Unicode letters and digits; option ``lowercase``).

    Parameters
    ----------
    name_or_callable : str or callable or object with ``sentences``
        A registered name, or a tokenizer / sentence splitter returned unchanged.
    **options
        Passed to the registered factory.

    Returns
    -------
    callable or object with ``sentences``

    Examples
    --------
    >>> get_tokenizer("simple")("Hello, World_2 é!")
    ['hello', 'world', '2', 'é']
    >>> get_tokenizer("whitespace")("a  b\\tc")
    ['a', 'b', 'c']
    """
    if not isinstance(name_or_callable, str):
        if not (callable(name_or_callable) or hasattr(name_or_callable, "sentences")):
            raise TypeError(f"a tokenizer must be a name or a callable, got {type(name_or_callable).__name__}")
        if options:
            raise TypeError("tokenizer options apply only to a tokenizer given by name")
        return name_or_callable
    try:
        factory = _TOKENIZERS[name_or_callable]
    except KeyError:
        raise ValueError(f"unknown tokenizer {name_or_callable!r}; known: {', '.join(sorted(_TOKENIZERS))}") from None
    return factory(**options)


register_tokenizer("whitespace", _whitespace_factory)
register_tokenizer("simple", _simple_factory)


def _jieba_factory(**options):
    from w2v.chinese import ChineseTokenizer   # imported on first use: jieba is optional

    return ChineseTokenizer(**options)


register_tokenizer("jieba", _jieba_factory)


def _tokenize_lines(tokenizer, lines):
    """Token lists for a list of lines (empty ones included)."""
    batch = getattr(tokenizer, "sentences_of_lines", None)   # a whole block at once (may be parallel)
    if batch is not None:
        return batch(lines)
    splitter = getattr(tokenizer, "sentences", None)
    if splitter is not None:
        return [list(s) for line in lines for s in splitter(line)]
    return list(map(tokenizer, lines))


def _chunk_lengths(lengths, max_len):
    """Drop zero lengths and split lengths above ``max_len`` into consecutive chunks."""
    lengths = lengths[lengths > 0]
    if lengths.size and lengths.max() > max_len:
        out = []
        for n in lengths.tolist():
            while n > max_len:
                out.append(max_len)
                n -= max_len
            out.append(n)
        lengths = np.array(out, dtype=np.int64)
    return lengths


# --------------------------------------------------------------------------- readers


class _LineReader:
    """Shared machinery of :class:`LineSentence` and :class:`PathLineSentences`."""

    def __init__(self, max_sentence_length, limit, tokenizer, encoding, errors):
        if int(max_sentence_length) < 1:
            raise ValueError(f"max_sentence_length must be >= 1, got {max_sentence_length}")
        if limit is not None and int(limit) < 0:
            raise ValueError(f"limit must be None or >= 0, got {limit}")
        try:
            codecs.lookup(encoding)
        except (LookupError, TypeError):
            raise ValueError(f"unknown encoding {encoding!r} (e.g. utf-8, gb18030, utf-16, latin-1)") from None
        try:
            codecs.lookup_error(errors)
        except (LookupError, TypeError):
            raise ValueError(f"unknown errors handler {errors!r}; use 'strict', 'replace' or 'ignore'") from None
        self.max_sentence_length = int(max_sentence_length)
        self.limit = None if limit is None else int(limit)
        self.tokenizer = get_tokenizer(tokenizer)
        self.encoding = encoding
        self.errors = errors

    def _sources(self):
        raise NotImplementedError

    def __iter__(self):
        for batch in self._sentence_batches():
            yield from batch

    def _sentence_batches(self):
        """Lists of sentences (token lists), one list per block of lines."""
        m = self.max_sentence_length
        for src in self._sources():
            for lines in _text_lines(src, self.encoding, self.errors, self.limit):
                sentences = _tokenize_lines(self.tokenizer, lines)
                if all(0 < len(s) <= m for s in sentences):
                    yield sentences
                else:
                    yield [s[i:i + m] for s in sentences for i in range(0, len(s), m)]

    def _fast_path(self):
        """True when the compiled whitespace tokenizer reproduces ``str.split`` exactly."""
        if not (self.tokenizer is str.split and self.errors == "strict" and _is_utf8(self.encoding)):
            return False
        for src in self._sources():
            if src.is_file_object:
                src.source.seek(0)
                if not isinstance(src.source.read(0), bytes):
                    return False
        return True


class LineSentence(_LineReader):
    """A text file as a restartable iterable of sentences, one per line (gensim's name).

    Empty lines yield nothing; a line of more than ``max_sentence_length`` tokens is
    split into consecutive chunks, never truncated. Compressed files (``.gz``, ``.bz2``,
    ``.xz``) are read transparently and a UTF-8 byte-order mark is dropped.

    Parameters
    ----------
    source : str or os.PathLike or file object
        A path, or a binary (or text) file object that can ``seek(0)``.
    max_sentence_length : int
        Longest sentence yielded; longer lines become several sentences.
    limit : int or None
        Read only the first ``limit`` lines.
    tokenizer : str or callable
        A name for :func:`get_tokenizer` or a tokenizer (see :func:`register_tokenizer`).
    encoding, errors : str
        Text decoding. With ``errors="strict"`` an invalid byte raises ``ValueError``
        naming the file, line and column.

    Examples
    --------
    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "c.txt")
    >>> _ = open(p, "w").write("the cat\\n\\na b c d e\\n")
    >>> list(LineSentence(p, max_sentence_length=2))
    [['the', 'cat'], ['a', 'b'], ['c', 'd'], ['e']]
    """

    def __init__(self, source, max_sentence_length=10000, limit=None, tokenizer="whitespace",
                 encoding="utf-8", errors="strict"):
        super().__init__(max_sentence_length, limit, tokenizer, encoding, errors)
        if not hasattr(source, "read"):
            if not os.path.exists(source):
                raise FileNotFoundError(f"{os.fspath(source)}: no such file")
            if os.path.isdir(source):
                raise IsADirectoryError(f"{os.fspath(source)}: is a folder; use PathLineSentences")
        self.source = source

    def _sources(self):
        return [_Source(self.source)]

    def __repr__(self):
        return f"LineSentence({getattr(self.source, 'name', self.source)!r})"


class PathLineSentences(_LineReader):
    """Every file of a folder, in name order, as one restartable iterable of sentences.

    Hidden files (names starting with ``.``) and sub-folders are skipped; each file is
    read as by :class:`LineSentence` (``limit`` applies per file). A path to a single
    file is accepted too.

    Parameters
    ----------
    source : str or os.PathLike
        The folder.
    max_sentence_length, limit, tokenizer, encoding, errors
        As for :class:`LineSentence`.

    Examples
    --------
    >>> import os, tempfile
    >>> d = tempfile.mkdtemp()
    >>> _ = open(os.path.join(d, "b.txt"), "w").write("world\\n")
    >>> _ = open(os.path.join(d, "a.txt"), "w").write("hello\\n")
    >>> _ = open(os.path.join(d, ".hidden"), "w").write("skipped\\n")
    >>> list(PathLineSentences(d))
    [['hello'], ['world']]
    """

    def __init__(self, source, max_sentence_length=10000, limit=None, tokenizer="whitespace",
                 encoding="utf-8", errors="strict"):
        super().__init__(max_sentence_length, limit, tokenizer, encoding, errors)
        if not os.path.exists(source):
            raise FileNotFoundError(f"{os.fspath(source)}: no such folder")
        self.source = os.fspath(source)
        if os.path.isfile(self.source):
            self.input_files = [self.source]
        else:
            names = sorted(n for n in os.listdir(self.source) if not n.startswith("."))
            self.input_files = [os.path.join(self.source, n) for n in names
                                if os.path.isfile(os.path.join(self.source, n))]
            if not self.input_files:
                logger.warning("%s: no files to read", self.source)

    def _sources(self):
        return [_Source(p) for p in self.input_files]

    def __repr__(self):
        return f"PathLineSentences({self.source!r})"


class _OneShot:
    """Wraps an iterator so that a second pass raises instead of silently yielding nothing."""

    def __init__(self, iterator):
        self._iterator = iterator
        self._used = False

    def __iter__(self):
        if self._used:
            raise ValueError(
                "the sentences are a one-shot iterator (e.g. a generator) and were already consumed; "
                "pass a list, a path, a LineSentence or another restartable iterable to iterate several times")
        self._used = True
        return self._iterator


def as_sentences(obj, **reader_options):
    """Turn a path, a reader or an iterable of token lists into an iterable of sentences.

    Parameters
    ----------
    obj : str or os.PathLike or iterable of list of str
        A file (read by :class:`LineSentence`), a folder (:class:`PathLineSentences`), a
        reader, or any re-iterable of token lists. A one-shot iterator (a generator) is
        accepted for a single pass; iterating it a second time raises ``ValueError``.
    **reader_options
        ``max_sentence_length``, ``limit``, ``tokenizer``, ``encoding``, ``errors``, for paths.

    Returns
    -------
    iterable of list of str

    Examples
    --------
    >>> s = as_sentences(iter([["a", "b"], ["c"]]))
    >>> list(s)
    [['a', 'b'], ['c']]
    >>> list(s)
    Traceback (most recent call last):
    ...
    ValueError: the sentences are a one-shot iterator (e.g. a generator) and were already consumed; pass a list, a path, a LineSentence or another restartable iterable to iterate several times
    """
    if isinstance(obj, (str, os.PathLike)):
        if os.path.isdir(obj):
            return PathLineSentences(obj, **reader_options)
        return LineSentence(obj, **reader_options)
    if reader_options:
        raise TypeError(f"reader options ({', '.join(reader_options)}) apply only to a path")
    if isinstance(obj, (_LineReader, _OneShot)):
        return obj
    if isinstance(obj, (bytes, bytearray)):
        raise TypeError("sentences must be a path or an iterable of token lists, got bytes")
    if iter(obj) is obj:
        return _OneShot(obj)
    return obj


# --------------------------------------------------------------------------- interning


@njit(cache=True, nogil=True)
def _space(b, c, d):
    """Byte length of the ``str.isspace`` character whose UTF-8 bytes start ``b, c, d``; 0 if none.

    Takes scalars, not the buffer: a jitted call with an array argument costs a reference
    count update, which per byte would dominate the tokenizer.
    """
    if b < 0x80:
        return 1 if (b == 32 or (9 <= b and b <= 13) or (28 <= b and b <= 31)) else 0
    if b == 0xC2:
        return 2 if (c == 0x85 or c == 0xA0) else 0
    if b == 0xE1:
        return 3 if c == 0x9A and d == 0x80 else 0
    if b == 0xE2:
        if c == 0x80 and (d <= 0x8A or d == 0xA8 or d == 0xA9 or d == 0xAF):
            return 3
        return 3 if c == 0x81 and d == 0x9F else 0
    if b == 0xE3:
        return 3 if c == 0x80 and d == 0x80 else 0
    return 0


@njit(cache=True, nogil=True)
def _intern_block(buf, start, table, arena, word_start, word_len, word_hash, counts, state, out_ids, out_lens):
    """Split UTF-8 ``buf[start:]`` on whitespace and lines on ``\\n``; intern each token.

    ``table`` (int32, power-of-two size, -1 = empty) is an open-addressing hash table of
    word ids; word ``k`` is ``arena[word_start[k]:word_start[k] + word_len[k]]``, and new
    words get the next id. Mutates the tables, ``counts`` (+1 per token) and ``state``
    (``[n_words, arena_used, n_tokens, n_lines, tokens in the current line]``); appends
    token ids to ``out_ids`` and tokens per line to ``out_lens``.

    Returns the position reached: ``len(buf)``, or the start of a new word that did not
    fit (table half full, word arrays or arena full); grow them and call again from there.
    """
    n = buf.shape[0]
    mask = np.uint64(table.shape[0] - 1)
    max_words = min(word_hash.shape[0], table.shape[0] // 2)
    n_words, used, n_tok, n_lines, line_tok = state[0], state[1], state[2], state[3], state[4]
    i = start
    stop = n
    while i < n:
        b = buf[i]
        if b < 0xC2:
            w = _space(b, 0, 0)
        else:
            w = _space(b, buf[i + 1] if i + 1 < n else 0, buf[i + 2] if i + 2 < n else 0)
        if w:
            if b == 10:
                out_lens[n_lines] = line_tok
                n_lines += 1
                line_tok = 0
            i += w
            continue
        s = i
        h = np.uint64(14695981039346656037)
        while i < n:
            b = buf[i]
            if b < 0xC2:
                w = _space(b, 0, 0)
            else:
                w = _space(b, buf[i + 1] if i + 1 < n else 0, buf[i + 2] if i + 2 < n else 0)
            if w:
                break
            h = (h ^ np.uint64(b)) * np.uint64(1099511628211)
            i += 1
        h ^= h >> np.uint64(33)
        h *= np.uint64(0xFF51AFD7ED558CCD)
        h ^= h >> np.uint64(33)
        length = i - s
        slot = h & mask
        while True:
            wid = table[slot]
            if wid < 0:
                if n_words >= max_words or used + length > arena.shape[0]:
                    wid = -1
                    break
                wid = n_words
                table[slot] = wid
                word_start[wid] = used
                word_len[wid] = length
                word_hash[wid] = h
                arena[used:used + length] = buf[s:i]
                used += length
                n_words += 1
                break
            if word_hash[wid] == h and word_len[wid] == length:
                st = word_start[wid]
                same = True
                for k in range(length):
                    if arena[st + k] != buf[s + k]:
                        same = False
                        break
                if same:
                    break
            slot = (slot + np.uint64(1)) & mask
        if wid < 0:
            stop = s
            break
        counts[wid] += 1
        out_ids[n_tok] = wid
        n_tok += 1
        line_tok += 1
    if stop == n and n > 0 and buf[n - 1] != 10:
        out_lens[n_lines] = line_tok
        n_lines += 1
        line_tok = 0
    state[0], state[1], state[2], state[3], state[4] = n_words, used, n_tok, n_lines, line_tok
    return stop


@njit(cache=True, nogil=True)
def _rehash(table, word_hash, n_words):
    mask = np.uint64(table.shape[0] - 1)
    for wid in range(n_words):
        slot = word_hash[wid] & mask
        while table[slot] >= 0:
            slot = (slot + np.uint64(1)) & mask
        table[slot] = wid


def _grown(a, size, fill=None):
    out = np.empty(size, dtype=a.dtype) if fill is None else np.full(size, fill, dtype=a.dtype)
    out[: len(a)] = a
    return out


class _BlockInterner:
    """Compiled interning of whitespace-separated UTF-8 tokens, block by block.

    The hash table is kept at most half full and sized by the words seen, not by the
    block, so that it stays in cache.
    """

    def __init__(self):
        self.table = np.full(1 << 12, -1, dtype=np.int32)
        self.arena = np.empty(1 << 16, dtype=np.uint8)
        self.word_start = np.empty(1 << 11, dtype=np.int64)
        self.word_len = np.empty(1 << 11, dtype=np.int32)
        self.word_hash = np.empty(1 << 11, dtype=np.uint64)
        self.counts = np.zeros(1 << 11, dtype=np.int64)
        self.state = np.zeros(5, dtype=np.int64)

    def _grow(self, need_bytes):
        n_words, used = int(self.state[0]), int(self.state[1])
        if used + need_bytes > len(self.arena):
            self.arena = _grown(self.arena, max(2 * len(self.arena), used + need_bytes))
        if n_words >= len(self.word_hash):
            size = 2 * len(self.word_hash)
            self.word_start = _grown(self.word_start, size)
            self.word_len = _grown(self.word_len, size)
            self.word_hash = _grown(self.word_hash, size)
            self.counts = _grown(self.counts, size, fill=0)
        if n_words >= len(self.table) // 2:
            self.table = np.full(2 * len(self.table), -1, dtype=np.int32)
            _rehash(self.table, self.word_hash, n_words)

    def feed(self, block):
        """Intern one block of whole lines; return (ids int32, tokens per line int64)."""
        buf = np.frombuffer(block, dtype=np.uint8)
        out_ids = np.empty(len(buf) // 2 + 1, dtype=np.int32)
        out_lens = np.empty(block.count(b"\n") + 1, dtype=np.int64)
        self.state[2:] = 0
        pos = 0
        while True:
            pos = _intern_block(buf, pos, self.table, self.arena, self.word_start, self.word_len,
                                self.word_hash, self.counts, self.state, out_ids, out_lens)
            if pos == len(buf):
                break
            self._grow(len(buf) - pos)
        return out_ids[: self.state[2]], out_lens[: self.state[3]]

    def words(self):
        n = int(self.state[0])
        arena = self.arena[: int(self.state[1])].tobytes()
        starts = self.word_start[:n].tolist()
        ends = (self.word_start[:n] + self.word_len[:n]).tolist()
        return [arena[s:e].decode("utf-8") for s, e in zip(starts, ends)], self.counts[:n].copy()


class _PyInterner:
    """Interning of arbitrary token lists with gensim's ``max_vocab_size`` pruning.

    Provisional ids are given in order of first appearance. When more than
    ``max_vocab_size`` distinct words are live after a sentence, words whose count (since
    their last pruning) is below ``min_reduce`` are dropped and ``min_reduce`` rises by one,
    exactly as gensim's ``prune_vocab`` (which also applies ``trim_rule``); a dropped word
    seen again gets a fresh id.
    """

    def __init__(self, max_vocab_size=None, trim_rule=None):
        self.max_vocab_size = max_vocab_size
        self.trim_rule = trim_rule
        self.index = defaultdict(itertools.count().__next__)   # live word -> provisional id
        self.words = []
        self.counts = np.zeros(1 << 12, dtype=np.int64)
        self.live = np.zeros(1 << 12, dtype=bool)
        self.min_reduce = 1

    def _map(self, tokens):
        return np.fromiter(map(self.index.__getitem__, tokens), dtype=np.int32, count=len(tokens))

    def _commit(self, ids, new_words):
        base = len(self.words)
        self.words.extend(new_words)
        n = len(self.words)
        if n > len(self.counts):
            self.counts = np.concatenate([self.counts, np.zeros(max(n, len(self.counts)), np.int64)])
            self.live = np.concatenate([self.live, np.zeros(max(n, len(self.live)), bool)])
        self.live[base:n] = True
        if ids.size:
            self.counts[:n] += np.bincount(ids, minlength=n)

    def _new_keys(self, n_new):
        return list(itertools.islice(reversed(self.index), n_new))[::-1]

    def feed(self, tokens, lengths):
        """Intern the sentences given as flat ``tokens`` and ``lengths``; yield (ids, lengths) pieces."""
        if self.max_vocab_size is None:
            n_live = len(self.index)
            ids = self._map(tokens)
            self._commit(ids, self._new_keys(len(self.index) - n_live))
            yield ids, lengths
            return
        limit = self.max_vocab_size
        lengths = np.asarray(lengths, dtype=np.int64)
        sent, tok, step = 0, 0, len(lengths)
        while sent < len(lengths):
            sub = lengths[sent:sent + step]
            starts = np.concatenate([[0], np.cumsum(sub)])
            n_live, base = len(self.index), len(self.words)
            ids = self._map(tokens[tok:tok + int(starts[-1])])
            n_new = len(self.index) - n_live
            if n_live + n_new <= limit:
                self._commit(ids, self._new_keys(n_new))
                yield ids, sub
                sent, tok, step = sent + len(sub), tok + len(ids), 2 * step
                continue
            if n_live > limit:
                j = 0
            else:   # the sentence holding the first occurrence of the (limit - n_live + 1)-th new word
                first = int(np.argmax(ids == base + limit - n_live))
                j = int(np.searchsorted(starts[:-1], first, side="right")) - 1
            cut = int(starts[j + 1])
            keep = max(0, int(ids[:cut].max(initial=-1)) - base + 1)
            new_words = self._new_keys(n_new)
            for w in new_words[keep:]:
                del self.index[w]
            self.index.default_factory = itertools.count(base + keep).__next__
            self._commit(ids[:cut], new_words[:keep])
            yield ids[:cut], sub[: j + 1]
            self._prune()
            sent, tok, step = sent + j + 1, tok + cut, max(64, 2 * (j + 1))

    def _prune(self):
        live = np.flatnonzero(self.live[: len(self.words)])
        if self.trim_rule is None:
            dead = live[self.counts[live] < self.min_reduce]
        else:
            words = [self.words[i] for i in live.tolist()]
            dead = live[~_keep_mask(words, self.counts[live], self.min_reduce, self.trim_rule)]
        before = len(self.index)
        for i in dead.tolist():
            del self.index[self.words[i]]
        self.live[dead] = False
        logger.info("pruned %d words with count < %d (before %d, after %d)",
                    len(dead), self.min_reduce, before, len(self.index))
        self.min_reduce += 1


# --------------------------------------------------------------------------- scan / encode


def _remove_files(paths):
    for p in paths:
        with contextlib.suppress(OSError):
            os.unlink(p)


def _temp_path(cache_dir, suffix):
    if cache_dir is not None:
        os.makedirs(cache_dir, exist_ok=True)
    fd, path = tempfile.mkstemp(prefix="w2v-", suffix=suffix, dir=cache_dir)
    os.close(fd)
    return path


def _map_file(path, dtype, mode="r"):
    """Memory-map a raw array file; an empty file gives an empty (writable) array."""
    if os.path.getsize(path) == 0:
        return np.zeros(0, dtype=dtype)
    return np.memmap(path, dtype=dtype, mode=mode)


class Scan:
    """The result of :func:`scan`: word counts, and the corpus as provisional ids on disk.

    Attributes
    ----------
    words : list of str
        Distinct words by provisional id, in order of first appearance (when
        ``max_vocab_size`` pruned words, only the words still live at the end: gensim's
        raw vocabulary).
    counts : numpy.ndarray of int64
        Their counts (for a word pruned and seen again, the count since its last pruning,
        as in gensim).
    total_words : int
        Tokens read (raw, before any vocabulary filter).
    n_sentences : int
        Sentences read (after splitting long lines).
    ids_path, offsets_path : str
        Raw int32 provisional ids and int64 sentence offsets (``n_sentences + 1``).
    provisional_words, provisional_counts, live
        Every provisional id (with pruning, a word may have several), its count, and
        whether it was still live at the end.
    """

    def __init__(self, provisional_words, provisional_counts, live, total_words, n_sentences,
                 ids_path, offsets_path):
        self.provisional_words = provisional_words
        self.provisional_counts = provisional_counts
        self.live = live
        self.total_words = int(total_words)
        self.n_sentences = int(n_sentences)
        self.ids_path = ids_path
        self.offsets_path = offsets_path
        self._finalizer = weakref.finalize(self, _remove_files, [ids_path, offsets_path])
        if live.all():
            self.words, self.counts = provisional_words, provisional_counts
        else:
            keep = np.flatnonzero(live)
            self.words = [provisional_words[i] for i in keep.tolist()]
            self.counts = provisional_counts[keep]

    def encode(self, vocab, path=None, in_place=False):
        """Map the provisional ids to ``vocab``'s ids (-1 for words not in it).

        Every occurrence of a vocabulary word gets its id, including occurrences seen
        before the word was pruned and seen again.

        Parameters
        ----------
        vocab : w2v.vocab.Vocab
            Anything with a ``word_to_index`` dict.
        path : str or None
            Keep the result as ``path`` (ids) and ``path + ".offsets"``; None: temporary
            files deleted by :meth:`EncodedCorpus.close`.
        in_place : bool
            Overwrite this scan's ids file instead of writing a new one (saves disk space);
            the scan is closed afterwards.

        Returns
        -------
        EncodedCorpus

        Examples
        --------
        >>> from w2v.vocab import Vocab
        >>> s = scan([["a", "b", "a"], ["c", "a"]])
        >>> with s.encode(Vocab(["a", "c"], [3, 1])) as enc:
        ...     enc.ids.tolist(), enc.offsets.tolist()
        ([0, -1, 0, 1, 0], [0, 3, 5])
        >>> s.close()
        """
        if self.ids_path is None:
            raise ValueError("this Scan is closed")
        t0 = time.perf_counter()
        w2i = vocab.word_to_index
        table = np.fromiter(map(w2i.get, self.provisional_words, itertools.repeat(-1)),
                            dtype=np.int32, count=len(self.provisional_words))
        if in_place:
            if path is not None:
                raise ValueError("give either path or in_place=True, not both")
            out_path, off_path = self.ids_path, self.offsets_path
            self._finalizer.detach()
            self.ids_path = self.offsets_path = None
            owned = True
        else:
            owned = path is None
            out_path = _temp_path(os.path.dirname(self.ids_path), ".ids") if owned else os.fspath(path)
            off_path = _temp_path(os.path.dirname(self.ids_path), ".offsets") if owned else out_path + ".offsets"
            if owned:
                _remove_files([off_path])
                try:
                    os.link(self.offsets_path, off_path)
                except OSError:
                    shutil.copyfile(self.offsets_path, off_path)
            else:        # files the caller keeps: whole or not at all, like every file w2v writes
                with open(self.offsets_path, "rb") as f_off, atomic_write(off_path, "wb") as d_off:
                    shutil.copyfileobj(f_off, d_off)
        # Chunked reads and writes, not a memory map: a map would keep every page it touched
        # in this process's memory, which would then grow with the corpus.
        n_known = 0
        with contextlib.ExitStack() as stack:
            src = stack.enter_context(open(out_path if in_place else self.ids_path,
                                           "r+b" if in_place else "rb"))
            if in_place:
                dst = src
            else:
                dst = stack.enter_context(open(out_path, "wb") if owned else atomic_write(out_path, "wb"))
            position = 0
            while True:
                src.seek(position)
                chunk = np.fromfile(src, dtype=np.int32, count=_ENCODE_CHUNK)
                if not len(chunk):
                    break
                out = np.take(table, chunk)
                n_known += int(np.count_nonzero(out >= 0))
                dst.seek(position)
                out.tofile(dst)
                position += out.nbytes
        logger.info("encoded %d tokens (%d in the vocabulary) in %.2fs", self.total_words, n_known,
                    time.perf_counter() - t0)
        return EncodedCorpus(_map_file(out_path, np.int32), _map_file(off_path, np.int64),
                             ids_path=out_path, offsets_path=off_path, owns_files=owned, n_known=n_known)

    def close(self):
        """Delete the temporary files (also done when the object is garbage-collected)."""
        self._finalizer()
        self.ids_path = self.offsets_path = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return f"Scan({len(self.words)} words, {self.total_words} tokens, {self.n_sentences} sentences)"


class EncodedCorpus:
    """A corpus as int32 word ids (-1: not in the vocabulary) and int64 sentence offsets.

    Sentence ``i`` is ``ids[offsets[i]:offsets[i + 1]]``. Arrays are usually read-only
    memory maps of files, deleted by :meth:`close` (or the context manager) when owned.

    Attributes
    ----------
    ids : numpy.ndarray of int32
    offsets : numpy.ndarray of int64, length ``n_sentences + 1``
    n_words : int
        Tokens, including those not in the vocabulary.
    n_known : int
        Tokens in the vocabulary (``ids >= 0``).
    n_sentences : int
    path, offsets_path : str or None
        The files behind the arrays, if any.

    Examples
    --------
    >>> c = EncodedCorpus.from_arrays([0, 1, -1, 2], [0, 3, 4])
    >>> [s.tolist() for s in c]
    [[0, 1, -1], [2]]
    >>> c.n_words, c.n_known, c.n_sentences
    (4, 3, 2)
    """

    def __init__(self, ids, offsets, ids_path=None, offsets_path=None, owns_files=False, n_known=None):
        self.ids = ids
        self.offsets = offsets
        self.path = ids_path
        self.offsets_path = offsets_path
        self.n_words = int(len(ids))
        self.n_sentences = int(len(offsets)) - 1
        self.n_known = int(np.count_nonzero(ids >= 0)) if n_known is None else int(n_known)
        paths = [ids_path, offsets_path] if owns_files else []
        self._finalizer = weakref.finalize(self, _remove_files, paths)

    @classmethod
    def from_arrays(cls, ids, offsets):
        """Wrap in-memory arrays (validated; converted to int32 / int64)."""
        ids64 = np.asarray(ids)
        offsets = np.ascontiguousarray(offsets, dtype=np.int64)
        if ids64.ndim != 1 or offsets.ndim != 1 or len(offsets) < 1:
            raise ValueError("ids and offsets must be 1-D, offsets of length n_sentences + 1")
        if ids64.size and (ids64.min() < -1 or ids64.max() > np.iinfo(np.int32).max):
            raise ValueError("ids must be in [-1, 2**31)")
        if offsets[0] != 0 or offsets[-1] != len(ids64) or np.any(np.diff(offsets) < 0):
            raise ValueError("offsets must rise from 0 to len(ids)")
        return cls(np.ascontiguousarray(ids64, dtype=np.int32), offsets)

    @classmethod
    def load(cls, path):
        """Open the files written by ``Scan.encode(vocab, path=path)`` (not deleted on close)."""
        path = os.fspath(path)
        for p in (path, path + ".offsets"):
            if not os.path.exists(p):
                raise FileNotFoundError(f"{p}: no such file")
        ids, offsets = _map_file(path, np.int32), _map_file(path + ".offsets", np.int64)
        # Offsets past the ids would send the kernels (which do not check bounds) out of the array.
        if len(offsets) < 1 or offsets[0] != 0 or offsets[-1] != len(ids) or (np.diff(offsets) < 0).any():
            raise ValueError(f"{path}.offsets: the sentence offsets do not cut the {len(ids)} ids of {path} "
                             f"into sentences (files from different encodings, or damaged)")
        return cls(ids, offsets, path, path + ".offsets")

    def __len__(self):
        return self.n_sentences

    def __iter__(self):
        ids, offsets = self.ids, self.offsets.tolist()
        for a, b in zip(offsets[:-1], offsets[1:]):
            yield ids[a:b]

    def close(self):
        """Drop the arrays and delete owned files."""
        self.ids = self.offsets = None
        self._finalizer()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return f"EncodedCorpus({self.n_words} tokens, {self.n_sentences} sentences)"


def _sentence_lists(sentences):
    """Lists of up to ``_BATCH_SENTENCES`` token lists from any iterable of sentences."""
    if isinstance(sentences, _LineReader):
        yield from sentences._sentence_batches()
        return
    it = iter(sentences)
    while True:
        batch = list(itertools.islice(it, _BATCH_SENTENCES))
        if not batch:
            return
        if isinstance(batch[0], (str, bytes)):
            raise TypeError("each sentence must be a list of tokens, got a str; split it first "
                            "(or pass a file path to read it with a tokenizer)")
        yield batch


def scan(sentences, max_vocab_size=None, cache_dir=None, progress=None, trim_rule=None):
    """Count the words and write the corpus as provisional int32 ids, in one pass.

    Memory stays bounded by the number of distinct words: ids and sentence offsets go
    to temporary files (deleted by :meth:`Scan.close` or when the scan is collected).
    Pre-tokenized UTF-8 files (the ``"whitespace"`` tokenizer) are split and interned by a
    compiled loop; anything else goes through the tokenizer in Python.

    Parameters
    ----------
    sentences : path or iterable of list of str
        Anything :func:`as_sentences` accepts.
    max_vocab_size : int or None
        Gensim's memory cap: when more distinct words are live after a sentence, prune
        those below a threshold that rises by one at each pruning.
    cache_dir : str or None
        Folder for the temporary files (default: the system's temporary folder).
    progress : callable or None
        Called after each batch with the number of tokens in it (e.g. ``tqdm.update``).
    trim_rule : callable or None
        Applied when pruning for ``max_vocab_size``, as gensim does (see
        :meth:`w2v.vocab.Vocab.build`); ignored otherwise.

    Returns
    -------
    Scan

    Examples
    --------
    >>> with scan([["b", "a"], ["a"]]) as s:
    ...     s.words, s.counts.tolist(), s.total_words, s.n_sentences
    (['b', 'a'], [1, 2], 3, 2)
    """
    if max_vocab_size is not None and int(max_vocab_size) < 1:
        raise ValueError(f"max_vocab_size must be None or >= 1, got {max_vocab_size}")
    t0 = time.perf_counter()
    sentences = as_sentences(sentences)
    ids_path = _temp_path(cache_dir, ".ids")
    offsets_path = _temp_path(os.path.dirname(ids_path), ".offsets")
    total = n_sent = 0
    try:
        with open(ids_path, "wb") as f_ids, open(offsets_path, "wb") as f_off:
            np.zeros(1, np.int64).tofile(f_off)

            def write(ids, lengths):
                nonlocal total, n_sent
                ids.tofile(f_ids)
                (total + np.cumsum(lengths, dtype=np.int64)).tofile(f_off)
                total += len(ids)
                n_sent += len(lengths)

            if isinstance(sentences, _LineReader) and sentences._fast_path() and max_vocab_size is None:
                interner = _BlockInterner()
                for src in sentences._sources():
                    for block, line in _prefetch(_byte_blocks(src, sentences.limit)):
                        try:
                            block.decode("utf-8")
                        except UnicodeDecodeError as exc:
                            raise _decode_error(src.name, block, line, exc, "utf-8") from exc
                        _check_no_nul(src.name, block, line)
                        ids, lengths = interner.feed(block)
                        write(ids, _chunk_lengths(lengths, sentences.max_sentence_length))
                        if progress is not None:
                            progress(len(ids))
                words, counts = interner.words()
                live = np.ones(len(words), dtype=bool)
            else:
                interner = _PyInterner(None if max_vocab_size is None else int(max_vocab_size), trim_rule)
                batches = _sentence_lists(sentences)
                if isinstance(sentences, _LineReader):
                    batches = _prefetch(batches)
                for batch in batches:
                    tokens = list(itertools.chain.from_iterable(batch))
                    for ids, part in interner.feed(tokens, list(map(len, batch))):
                        write(ids, part)
                    if progress is not None:
                        progress(len(tokens))
                n = len(interner.words)
                words, counts, live = interner.words, interner.counts[:n].copy(), interner.live[:n].copy()
    except BaseException:
        _remove_files([ids_path, offsets_path])
        raise
    result = Scan(words, counts, live, total, n_sent, ids_path, offsets_path)
    dt = time.perf_counter() - t0
    logger.info("scanned %d tokens in %d sentences: %d distinct words, %.2fs (%.2f M tokens/s)",
                total, n_sent, len(result.words), dt, total / max(dt, 1e-9) / 1e6)
    return result


def encode_with_vocab(sentences, vocab, cache_dir=None, progress=None):
    """Encode a corpus against an existing vocabulary (e.g. to continue training).

    Parameters
    ----------
    sentences : path or iterable of list of str
        Anything :func:`as_sentences` accepts.
    vocab : w2v.vocab.Vocab
        Tokens not in it become -1.
    cache_dir : str or None
        Folder for the temporary files.
    progress : callable or None
        As for :func:`scan`.

    Returns
    -------
    EncodedCorpus

    Examples
    --------
    >>> from w2v.vocab import Vocab
    >>> with encode_with_vocab([["x", "a"], ["a", "b"]], Vocab(["a", "b"], [2, 1])) as enc:
    ...     enc.ids.tolist()
    [-1, 0, 0, 1]
    """
    return scan(sentences, cache_dir=cache_dir, progress=progress).encode(vocab, in_place=True)

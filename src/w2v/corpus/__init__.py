"""Restartable streaming readers and tokenizers: files, folders and iterables as token lists.

The one pass that turns text into int32 word ids is in :mod:`w2v.encoded`.
"""
import bz2
import codecs
import contextlib
import gzip
import io
import logging
import lzma
import os
import queue
import re
import threading

import numpy as np

logger = logging.getLogger(__name__)

_BLOCK_BYTES = 1 << 20          # bytes read (after decompression) per block
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
        if sniff(obj) == "mediawiki":        # a Wikipedia dump, recognised by its content
            return dump_reader(obj, **reader_options)
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


from .wiki import WikiDump, WikiStats, dump_reader, sniff  # noqa: E402,F401  (wiki uses get_tokenizer)

"""Read and write the word2vec C tool's text and binary vector files, byte-compatible with gensim.

Functions here take and return plain ``(words, vectors)``; :class:`w2v.KeyedVectors` wraps them.
"""
import bz2
import codecs
import gzip
import io
import os
import re
import shutil

import numpy as np

from . import extensions
from .._atomic import atomic_write
from .._sniff import describe
from ..kernels.binary_rows import WORD_TOO_LONG, empty_bounds, scan_rows

__all__ = ["is_binary", "load_word2vec_format", "save_word2vec_format", "vector_format", "read_vocab_counts",
           "TruncatedFileError", "WordDecodeError"]

_BLOCK = 1 << 22           # bytes read at a time (text rows, format detection)
_BINARY_BLOCK = 1 << 24    # bytes of binary rows split at a time
_WRITE_ROWS = 4096         # rows formatted per write
_MAX_WORD = 1 << 20        # a binary "word" longer than this means the layout is not what the header says
_PREALLOC = 1 << 26        # bytes of rows allocated ahead when the file's size does not bound the count
_BAD_IN_WORD = re.compile(rb"[\x00\n\r]")   # bytes no word holds (float bytes often do)
_NOT_TEXT = re.compile(rb"[^\t\n\r\x20-\x7e]")
_UNICODE_ERRORS = ("strict", "replace", "ignore")
_NEWLINE_SAFE = ("utf-8", "ascii", "iso8859-1", "iso8859-15", "cp1252")   # codecs.lookup names


class TruncatedFileError(ValueError, EOFError):
    """The file ends before the rows its header declares (a ValueError, and gensim's EOFError)."""


class WordDecodeError(UnicodeDecodeError):
    """A word that is not valid in the encoding (a ValueError, and gensim's UnicodeDecodeError);
    the message names the file and the line."""

    def __init__(self, message, encoding, word, error):
        super().__init__(encoding, word, error.start, error.end, error.reason)
        self.message = message

    def __str__(self):
        return self.message


def save_word2vec_format(path, words, vectors, binary=None, write_header=True, prefix="", append=False,
                         total_vec=None):
    """Write ``words`` and their ``vectors`` as a word2vec text or binary file, atomically.

    The bytes are those gensim 4.4's ``save_word2vec_format`` writes for the same vectors:
    a ``"V D\\n"`` header, then per word either ``word v1 v2 ...\\n`` with each value written
    as ``str(numpy.float32)`` (the shortest text that reads back to the same float32), or
    ``word`` + space + ``D`` little-endian float32 (no newline after the vector, like gensim;
    the C tool adds one, and both layouts load). A path ending in ``.gz`` or ``.bz2`` is
    compressed. The name decides text or binary unless ``binary`` is given (the rule of
    :mod:`w2v.vectors.extensions`: ``.bin`` binary, ``.txt``/``.vec`` text, any other name text).

    Parameters
    ----------
    path : str or os.PathLike
        Output file; replaced only once the whole file is written.
    words : list of str
        One word per row, none empty or containing a space or line break.
    vectors : numpy.ndarray
        Finite values, shape ``(len(words), D)``; written as float32.
    binary : bool or None
        Binary rows instead of text rows; None: from the name. ``True`` for a ``.txt``/``.vec``
        name, ``False`` for a ``.bin`` name, and any ``.w2v`` name (the native format) raise.
    write_header : bool
        Write the ``"V D"`` first line (``False`` gives the header-less GloVe layout).
    prefix : str
        Written before every word (gensim's ``prefix``).
    append : bool
        Keep the file's current bytes and add these rows after them (gensim's ``append``; the
        file is still replaced atomically).
    total_vec : int, optional
        The count written in the header (default ``len(words)``; gensim's ``total_vec``, for a
        file filled by several appending calls).

    Raises
    ------
    ValueError
        For a word that would break the layout, non-finite values or mismatched shapes, or a
        name that contradicts ``binary``.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> p = os.path.join(tempfile.mkdtemp(), "v.txt")
    >>> save_word2vec_format(p, ["a", "b"], np.array([[1.0, 0.5], [0.0, -2.0]], dtype=np.float32))
    >>> print(open(p).read(), end="")
    2 2
    a 1.0 0.5
    b 0.0 -2.0
    """
    path = os.fspath(path)
    binary = vector_format(path, binary) == "binary"
    vectors = np.ascontiguousarray(vectors, dtype="<f4")
    if vectors.ndim != 2 or vectors.shape[0] != len(words):
        raise ValueError(f"{path}: need a [V, D] array for {len(words)} words, got shape {vectors.shape}")
    if prefix or (len(words) and not isinstance(words[0], str)):   # Doc2Vec's int tags are written as numbers
        words = [f"{prefix}{w}" for w in words]
    _check_writable(path, words, vectors, binary)
    with atomic_write(path, "wb") as raw:
        if append and os.path.exists(path):
            with open(path, "rb") as old:      # gzip and bzip2 streams may be concatenated
                shutil.copyfileobj(old, raw)
        f = _compressor(path, raw)
        try:
            if write_header:
                count = len(words) if total_vec is None else int(total_vec)
                f.write(f"{count} {vectors.shape[1]}\n".encode("utf-8"))
            for start in range(0, len(words), _WRITE_ROWS):
                rows = vectors[start:start + _WRITE_ROWS]
                chunk = words[start:start + _WRITE_ROWS]
                if binary:
                    parts = [p for w, row in zip(chunk, rows) for p in (f"{w} ".encode("utf-8"), row.tobytes())]
                    f.write(b"".join(parts))
                else:
                    # str(np.float32) is what gensim writes; iterating a float32 row yields np.float32.
                    text = "".join([f"{w} {' '.join(map(str, row))}\n" for w, row in zip(chunk, rows)])
                    f.write(text.encode("utf-8"))
        finally:
            if f is not raw:
                f.close()


def vector_format(path, binary=None):
    """``"binary"`` or ``"text"``: how :func:`save_word2vec_format` writes ``path`` given ``binary``.

    Examples
    --------
    >>> vector_format("v.bin"), vector_format("v.txt.gz"), vector_format("v.out", binary=True)
    ('binary', 'text', 'binary')
    """
    requested = None if binary is None else ("binary" if binary else "text")
    fmt = extensions.choose_format(path, requested, default="text",
                                   how={"binary": "binary=True", "text": "binary=False",
                                        "native": "save()"})
    if fmt == "native":
        raise ValueError(f"{os.fspath(path)}: a .w2v name means the w2v native format; save() writes "
                         f"it, or name a word2vec file .bin, .txt or .vec")
    return fmt


def load_word2vec_format(path, binary=None, limit=None, unicode_errors="strict", no_header=False,
                         encoding="utf-8"):
    """Read a word2vec text or binary file (optionally ``.gz``/``.bz2``) into ``(words, vectors)``.

    The file is read in blocks: binary rows are copied straight into the float32 array and text
    rows are parsed a block at a time, so no Python float is made per value. Anything malformed
    raises, so a file is either loaded whole (up to ``limit``) or not at all.

    Parameters
    ----------
    path : str or os.PathLike
        The file; compression is recognised from its first bytes.
    binary : bool or None
        ``None`` detects text or binary from the first row.
    limit : int or None
        Read at most this many rows.
    unicode_errors : {"strict", "replace", "ignore"}
        How to decode words that are not valid in ``encoding`` (the C tool can cut a multi-byte
        character in half).
    no_header : bool
        The file has no ``"V D"`` first line (text only, e.g. GloVe).
    encoding : str
        Encoding of the words.

    Returns
    -------
    words : list of str
    vectors : numpy.ndarray
        float32, C-contiguous, shape ``(len(words), D)``.

    Raises
    ------
    FileNotFoundError
        When ``path`` does not exist.
    ValueError
        Naming the file and the line (text) or row (binary) for an empty or truncated file, a
        header that disagrees with the body, a non-numeric or non-finite value, an undecodable or
        duplicate word.

    Examples
    --------
    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "v.txt")
    >>> with open(p, "w") as f:
    ...     _ = f.write("2 3\\nking 0.1 0.2 0.3\\nqueen 0.1 0.25 0.3\\n")
    >>> words, vectors = load_word2vec_format(p)
    >>> words, vectors.shape, vectors.dtype
    (['king', 'queen'], (2, 3), dtype('float32'))
    """
    path = os.fspath(path)
    if unicode_errors not in _UNICODE_ERRORS:
        raise ValueError(f"unicode_errors must be one of {_UNICODE_ERRORS}, not {unicode_errors!r}")
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be >= 0, not {limit}")
    if no_header and binary:
        raise ValueError(f"{path}: a binary word2vec file needs its 'V D' header (no_header=True is text only)")
    with _open_read(path) as f:
        try:
            return _load(f, path, binary, limit, unicode_errors, no_header, encoding)
        except TruncatedFileError:
            raise
        except (EOFError, OSError) as e:   # a damaged .gz / .bz2 stream
            raise ValueError(f"{path}: cannot be read to its end: {e}") from None
        except MemoryError:
            raise ValueError(f"{path}: not enough memory for the vectors its header declares "
                             f"(wrong header?)") from None


def is_binary(path):
    """True when ``path`` (a word2vec file with a header) holds binary rows, False for text rows.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> p = os.path.join(tempfile.mkdtemp(), "v.bin")
    >>> save_word2vec_format(p, ["a"], np.ones((1, 2), dtype=np.float32), binary=True)
    >>> is_binary(p)
    True
    """
    path = os.fspath(path)
    with _open_read(path) as f:
        line = f.readline(1024)
        if not line:
            raise ValueError(f"{path}: empty file")
        return not _looks_like_text(f.read(_BLOCK), _parse_header(path, line)[1])


def _load(f, path, binary, limit, errors, no_header, encoding):
    if no_header:
        first_line, size = 1, None
    else:
        line = f.readline(1024)
        if not line:
            raise ValueError(f"{path}: empty file")
        size = _parse_header(path, line)
        first_line = 2
    # Bytes left in an uncompressed file bound the rows it can hold: a lying header allocates no more.
    room = os.fstat(f.fileno()).st_size - f.tell() if isinstance(f, io.BufferedReader) else None
    head = f.read(_BLOCK)
    if size is None and not head.strip():
        raise ValueError(f"{path}: empty file")
    if binary is None:
        binary = size is not None and not _looks_like_text(head, size[1])
    if size is not None:      # (rows to read, dimensions, rows declared)
        size = (size[0] if limit is None else min(size[0], limit), size[1], size[0])
    reader = _read_binary if binary else _read_text
    words_b, vectors, lines = reader(f, head, path, size, limit, first_line, room)
    words = _decode_words(words_b, path, encoding, errors, lines)
    return words, vectors


def _parse_header(path, line):
    fields = line.split()
    try:
        if len(fields) != 2 or (len(line) == 1024 and not line.endswith(b"\n")):
            raise ValueError
        count, dim = int(fields[0]), int(fields[1])
    except ValueError:
        got = _excerpt(line)
        hint = describe(path) or ("; it is not a word2vec file" if got == "binary data" else _header_hint(fields))
        raise ValueError(f"{path}: line 1: expected a 'V D' header (vector count and dimensions), "
                         f"got {got}{hint}") from None
    if count < 0 or dim < 1 or count >= 1 << 40 or dim >= 1 << 31:
        raise ValueError(f"{path}: line 1: header declares {count} vectors of {dim} dimensions")
    return count, dim


def _excerpt(line, width=40):
    """A short, printable quotation of a line for a message; never raw bytes."""
    try:
        text = line.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError:
        return "binary data"
    if any(ord(c) < 32 and c != "\t" for c in text):
        return "binary data"
    return repr(text[:width] + ("..." if len(text) > width else ""))


def _header_hint(fields):
    """Why a first line that is not a header may be so: header-less vectors, or not vectors."""
    if len(fields) < 2:
        return ""
    try:
        [float(f) for f in fields[1:]]
    except ValueError:
        return "; it looks like plain text, not word vectors (a corpus? w2v train reads those)"
    return ("; it looks like word2vec text without its header: pass no_header=True "
            "(command line: --no-header)")


def _looks_like_text(head, dim):
    """A text body's first row is ``word`` then numbers up to a newline; a binary row is not."""
    space = head.find(b" ")
    end = head.find(b"\n")
    if space < 0:
        return True            # no complete binary row either; the text reader reports it clearly
    rest = head[space + 1:end if end >= 0 else len(head)].strip()
    if not rest:
        return False
    try:
        np.fromstring(rest, dtype=np.float64, sep=" ")
    except ValueError:
        # Not numbers: binary, unless the bytes where a binary vector would be are all printable
        # text (a damaged text file; the text reader then names the line). Real float32 vectors of
        # 4+ dimensions have a byte outside that range with probability 1 - 1e-7 or more.
        row = head[space + 1:space + 1 + 4 * dim]
        return dim >= 4 and len(row) == 4 * dim and not _NOT_TEXT.search(row)
    return True


def _read_binary(f, head, path, size, limit, first_line, room):
    """Rows are ``word`` + space + ``4 * D`` bytes; the word may start with the C tool's newline.

    One buffer is refilled with ``readinto`` and split into rows by a Numba kernel that copies each
    vector straight into the result array, so no Python runs per row and memory is the matrix, the
    words and one buffer. The array grows only with the rows actually read (the bytes left in the
    file bound it), so a header that lies about the size allocates no more.
    """
    count, dim, declared = size
    nbytes = 4 * dim
    vectors = np.empty((_rows_ahead(count, nbytes + 2, room), dim), dtype="<f4")
    buf = np.empty(max(_BINARY_BLOCK, len(head), 4 * (nbytes + 64)), dtype=np.uint8)
    buf[:len(head)] = np.frombuffer(head, dtype=np.uint8)
    pos, end = 0, len(head)
    word_bytes, ends = empty_bounds(len(buf) // (nbytes + 1) + 1, len(buf))
    words, done, nonfinite = [], 0, None
    while done < count:
        if done == len(vectors):
            vectors = _more_rows(vectors, count)
        out = vectors[done:done + min(count - done, len(ends))].view(np.uint8)
        rows, pos, status = scan_rows(buf, pos, end, out, word_bytes, ends, _MAX_WORD)
        if rows:
            cuts = ends[:rows].tolist()
            blob = word_bytes[:cuts[-1]].tobytes()
            words.extend([blob[a:b] for a, b in zip([0] + cuts[:-1], cuts)])
            if nonfinite is None:
                finite = np.isfinite(vectors[done:done + rows]).all(axis=1)
                if not finite.all():
                    nonfinite = done + int(np.argmin(finite))
            done += rows
            continue
        if status == WORD_TOO_LONG:
            raise ValueError(f"{path}: row {done + 1}: no word found in {_MAX_WORD} bytes; not a binary "
                             f"word2vec file of {dim} dimensions")
        buf[:end - pos] = buf[pos:end]
        pos, end = 0, end - pos
        if end == len(buf):                # a row longer than the buffer: double it
            buf = np.concatenate([buf, np.empty(len(buf), dtype=np.uint8)])
            word_bytes = np.empty(len(buf), dtype=np.uint8)
        got = f.readinto(memoryview(buf)[end:])
        if not got:
            raise TruncatedFileError(f"{path}: row {done + 1}: file ends early; the header declares {declared} "
                             f"vectors of {dim} dimensions (truncated file, or wrong header)")
        end += got
    _check_binary_rows(path, words, nonfinite, dim)
    if limit is None or limit > declared:
        tail = buf[pos:min(end, pos + 64)].tobytes() + f.read(64)
        if tail.strip():
            raise ValueError(f"{path}: row {count + 1}: data continues after the {count} vectors the header "
                             f"declares; the header's count or dimensions ({dim}) disagree with the body")
    return words, np.ascontiguousarray(vectors, dtype=np.float32), None


def _rows_ahead(count, row_bytes, room):
    """Rows to allocate before reading: what the bytes left can hold, or ``_PREALLOC`` bytes' worth."""
    if room is not None:
        return min(count, room // row_bytes)
    return min(count, max(1, _PREALLOC // row_bytes))


def _more_rows(vectors, count):
    grown = np.empty((min(count, max(2 * len(vectors), 1)), vectors.shape[1]), dtype=vectors.dtype)
    grown[:len(vectors)] = vectors
    return grown


def _check_binary_rows(path, words, nonfinite, dim):
    joined = b" ".join(words)
    bad = _BAD_IN_WORD.search(joined)
    if bad or b"" in words:
        row = joined.count(b" ", 0, bad.start()) + 1 if bad else words.index(b"") + 1
        raise ValueError(f"{path}: row {row}: empty word or NUL/line-break bytes in word "
                         f"{words[row - 1][:40]!r}; the header's dimensions ({dim}) probably disagree "
                         f"with the body")
    if nonfinite is not None:
        raise ValueError(f"{path}: row {nonfinite + 1} (word {words[nonfinite][:40]!r}): non-finite value "
                         f"(nan or inf)")


def _read_text(f, chunk, path, size, limit, first_line, room):
    """Rows are ``word v1 ... vD``; blocks of rows are parsed with one ``np.fromstring`` call."""
    count, dim, declared = size if size is not None else (limit, None, None)
    blocks, words, rows_done = [], [], 0
    # A row takes at least 2 * D + 2 bytes ("w 1 2\n"; the last one may lack its newline).
    vectors = (np.empty((_rows_ahead(count, 2 * dim + 2, None if room is None else room + 1), dim),
                        dtype=np.float32) if dim is not None else None)
    line_no = first_line - 1
    blank = None               # first blank line seen; an error only if rows follow it
    done = limit == 0
    at_eof = False
    while not done and not at_eof:
        more = f.read(_BLOCK)
        at_eof = not more
        data = chunk + more
        if not data:
            break
        cut = len(data) if at_eof else data.rfind(b"\n") + 1
        if cut == 0:
            chunk = data
            continue
        lines = data[:cut].split(b"\n")
        if data[:cut].endswith(b"\n"):
            lines.pop()
        chunk = data[cut:]
        rests, row_lines = [], []
        for line in lines:
            line_no += 1
            line = line.rstrip()
            if not line:
                blank = blank or line_no
                continue
            if blank:
                raise ValueError(f"{path}: line {blank}: empty line between rows")
            if count is not None and rows_done + len(rests) == count:
                if limit is not None and count == limit:
                    done = True
                    break
                raise ValueError(f"{path}: line {line_no}: more rows than the {count} the header declares")
            word, _, rest = line.partition(b" ")
            rest = rest.lstrip()
            if not word or _BAD_IN_WORD.search(word):
                raise ValueError(f"{path}: line {line_no}: empty word or NUL/CR byte in word {word[:40]!r}")
            if dim is None:
                dim = len(rest.split())
                if dim == 0:
                    raise ValueError(f"{path}: line {line_no}: no values after the word {word[:40]!r}")
            if rest.count(b" ") != dim - 1 and len(rest.split()) != dim:
                raise ValueError(f"{path}: line {line_no}: {len(rest.split())} values after the word "
                                 f"{word[:40]!r}, expected {dim}" + (" (the header's dimensions)" if size else ""))
            words.append(word)
            rests.append(rest)
            row_lines.append(line_no)
        if rests:
            block = _parse_block(path, rests, row_lines, dim)
            if vectors is not None:
                while rows_done + len(rests) > len(vectors):
                    vectors = _more_rows(vectors, count)
                vectors[rows_done:rows_done + len(rests)] = block
            else:
                blocks.append(block)
            rows_done += len(rests)
        done = done or (limit is not None and rows_done == limit)
    if size is not None and rows_done < count:
        raise TruncatedFileError(f"{path}: line {line_no + 1}: file ends after {rows_done} rows; the header declares "
                         f"{declared} (truncated file, or wrong header)")
    if vectors is None:
        vectors = np.concatenate(blocks) if blocks else np.empty((0, dim or 0), dtype=np.float32)
    elif rows_done < len(vectors):
        vectors = vectors[:rows_done].copy()
    return words, vectors, first_line


def _parse_block(path, rests, row_lines, dim):
    try:
        values = np.fromstring(b" ".join(rests), dtype=np.float64, sep=" ")
    except ValueError:
        for rest, line in zip(rests, row_lines):
            for token in rest.split():
                try:
                    np.fromstring(token, dtype=np.float64, sep=" ")
                except ValueError:
                    raise ValueError(f"{path}: line {line}: non-numeric value {token[:40]!r}") from None
        raise
    with np.errstate(over="ignore"):
        block = values.reshape(len(rests), dim).astype(np.float32)
    finite = np.isfinite(block).all(axis=1)
    if not finite.all():
        raise ValueError(f"{path}: line {row_lines[int(np.argmin(finite))]}: non-finite value (nan, inf, "
                         f"or too large for float32)")
    return block


def _decode_words(words_b, path, encoding, errors, first_line):
    where = (lambda i: f"line {first_line + i}") if first_line else (lambda i: f"row {i + 1}")
    try:
        if codecs.lookup(encoding).name in _NEWLINE_SAFE and words_b:
            # One decode of the words joined by newlines (which no word holds, and which no
            # multi-byte sequence of these encodings contains): the same words, no call per word.
            words = b"\n".join(words_b).decode(encoding, errors).split("\n")
        else:
            words = [w.decode(encoding, errors) for w in words_b]
    except UnicodeDecodeError as e:
        i = next(i for i, w in enumerate(words_b) if not _decodes(w, encoding))
        raise WordDecodeError(f"{path}: {where(i)}: word {words_b[i][:40]!r} is not valid {encoding} ({e.reason}); "
                              f"try unicode_errors='replace'", encoding, words_b[i], e) from None
    if len(set(words)) != len(words):
        seen = {}
        for i, w in enumerate(words):
            if w in seen:
                raise ValueError(f"{path}: {where(i)}: duplicate word {w!r} (first at {where(seen[w])})")
            seen[w] = i
    return words


def _decodes(word, encoding):
    try:
        word.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _check_writable(path, words, vectors, binary):
    for i, w in enumerate(words):
        if not w or " " in w or "\n" in w or "\r" in w or "\x00" in w:
            raise ValueError(f"{path}: row {i + 1}: word {w[:40]!r} is empty or holds a space, line break "
                             f"or NUL, which the word2vec format cannot store")
        if binary and len(w) > _MAX_WORD // 4 and len(w.encode("utf-8")) > _MAX_WORD:
            raise ValueError(f"{path}: row {i + 1}: word {w[:40]!r}... is longer than {_MAX_WORD} bytes, "
                             f"which binary readers take for a damaged file; save as text")
    finite = np.isfinite(vectors).all(axis=1)
    if not finite.all():
        i = int(np.argmin(finite))
        raise ValueError(f"{path}: row {i + 1} (word {words[i]!r}): non-finite value (nan or inf)")


def read_vocab_counts(path, encoding="utf-8", unicode_errors="strict"):
    """Read a vocabulary file of ``word count`` lines (the C tool's ``-save-vocab``, gensim's
    ``fvocab``) into a ``{word: count}`` dict.

    Examples
    --------
    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    >>> with open(p, "w") as f:
    ...     _ = f.write("the 10\\ncat 3\\n")
    >>> read_vocab_counts(p)
    {'the': 10, 'cat': 3}
    """
    path = os.fspath(path)
    counts = {}
    with _open_read(path) as f:
        for line_no, line in enumerate(f, 1):
            if not line.strip():
                continue
            fields = line.decode(encoding, unicode_errors).split()
            if len(fields) != 2 or not fields[1].isdigit():
                raise ValueError(f"{path}: line {line_no}: expected 'word count', got {line[:60]!r}")
            counts[fields[0]] = int(fields[1])
    return counts


def _open_read(path):
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path}: no such file")
    with open(path, "rb") as probe:
        magic = probe.read(3)
    if magic[:2] == b"\x1f\x8b":
        return gzip.open(path, "rb")
    if magic == b"BZh":
        return bz2.open(path, "rb")
    return open(path, "rb")


def _compressor(path, raw):
    if path.endswith(".gz"):
        return gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0)
    if path.endswith(".bz2"):
        return bz2.BZ2File(raw, "wb")
    return raw

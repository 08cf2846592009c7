"""Text files as blocks of whole lines: decompression (recognised by magic bytes), byte blocks
for the compiled tokenizer, decoded lines for the others, and errors that name the line.

A block is about 1 MB of whole lines; readers iterate blocks, never single lines.
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
import threading

from .._sniff import binary_kind

logger = logging.getLogger(__name__)

BLOCK_BYTES = 1 << 20          # bytes read (after decompression) per block
_UTF8_BOM = b"\xef\xbb\xbf"

def open_binary(path):
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


def is_utf8(encoding):
    return codecs.lookup(encoding).name in ("utf-8", "utf-8-sig")


def ascii_compatible(encoding):
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
    if is_utf8(encoding):
        encoding = "utf-8-sig"
    return io.TextIOWrapper(open_binary(path), encoding=encoding, errors=errors)


def split_blocks(chunks):
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


def read_chunks(f):
    while True:
        chunk = f.read(BLOCK_BYTES)
        if not chunk:
            return
        yield chunk


def limit_blocks(blocks, limit):
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


def prefetch(iterable, depth=4):
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


def not_text(name, block, first_line):
    """The error for a corpus file whose first block is not text (a model archive, a program ...),
    or None. Checked before blaming an encoding, which would send the user to try another."""
    what = binary_kind(block) if first_line == 1 else None
    if what is None:
        return None
    return ValueError(f"{name}: not a text file: it looks like {what}; a corpus is text, one sentence "
                      f"a line (plain or .gz/.bz2/.xz compressed), or a folder of such files")


def decode_error(name, block, first_line, exc, encoding):
    binary = not_text(name, block, first_line)
    if binary is not None:
        return binary
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


def check_no_nul(name, block, first_line):
    """Text never holds NUL: one means a binary file or UTF-16/32 read as UTF-8. Raise, naming the line."""
    nul, newline = (b"\x00", b"\n") if isinstance(block, bytes) else ("\x00", "\n")
    pos = block.find(nul)
    if pos < 0:
        return
    binary = not_text(name, block, first_line)
    if binary is not None:
        raise binary
    line = first_line + block.count(newline, 0, pos)
    before = block[block.rfind(newline, 0, pos) + 1:pos]
    column = len(before.decode("utf-8", "replace") if isinstance(before, bytes) else before) + 1
    raise ValueError(f"{name}: line {line}: NUL byte at column {column}; text holds none, so this is a "
                     f"binary file, or UTF-16/UTF-32 text (pass its encoding, e.g. encoding='utf-16'; "
                     f"CLI: --encoding utf-16)")


class Source:
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
            yield read_chunks(self.source)
        else:
            with open_binary(self.source) as f:
                yield read_chunks(f)


def byte_blocks(src, limit, strip_bom=True):
    """Yield ``(bytes block of whole lines, first line number)``, a leading UTF-8 BOM stripped."""
    with src.chunks() as chunks:
        first = True
        for block, line in limit_blocks(split_blocks(chunks), limit):
            if isinstance(block, str):
                raise TypeError(f"{src.name}: expected a binary stream")
            if first and strip_bom and block.startswith(_UTF8_BOM):
                block = block[len(_UTF8_BOM):]
            first = False
            yield block, line


def text_lines(src, encoding, errors, limit):
    """Yield lists of decoded lines (without their ``\\n``) from one source."""
    if src.is_file_object:
        src.source.seek(0)
        if isinstance(src.source.read(0), str):
            first = True
            with src.chunks() as chunks:
                for block, line in limit_blocks(split_blocks(chunks), limit):
                    if first and block.startswith("\ufeff"):
                        block = block[1:]
                    first = False
                    check_no_nul(src.name, block, line)
                    yield lines_of(block)
            return
    if ascii_compatible(encoding):
        for block, line in byte_blocks(src, limit, is_utf8(encoding)):
            try:
                text = block.decode(encoding, errors)
            except UnicodeDecodeError as exc:
                raise decode_error(src.name, block, line, exc, encoding) from exc
            check_no_nul(src.name, text, line)
            yield lines_of(text)
        return
    # Encodings where b"\n" is not a newline byte (UTF-16, UTF-32): decode as a stream.
    stream = io.TextIOWrapper(src.source if src.is_file_object else open_binary(src.source),
                              encoding=encoding, errors=errors, newline="")
    try:
        for block, line in limit_blocks(split_blocks(read_chunks(stream)), limit):
            check_no_nul(src.name, block, line)
            yield lines_of(block)
    except UnicodeDecodeError as exc:
        raise ValueError(f"{src.name}: cannot decode as {encoding}: {exc.reason}; pass errors='replace' "
                         f"(CLI: --encoding-errors replace) to substitute") from exc
    finally:
        if not src.is_file_object:
            stream.close()
        else:
            stream.detach()


def lines_of(text):
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines

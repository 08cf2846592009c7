"""Cut a corpus (a file, a folder, or an object-store URI) into contiguous shards of whole lines,
and read one shard as sentences. Knows nothing of any cluster engine.

A shard is a list of pieces ``(location, start, end)``: byte ranges of the (decompressed) files in
corpus order. A line belongs to the piece holding its first byte, so neighbouring ranges cut
anywhere still give every line exactly once.
"""
import bisect
import bz2
import dataclasses
import gzip
import io
import lzma
import os

from ..corpus import LineReader, Source, ascii_compatible

_MAGICS = ((b"\x1f\x8b", gzip.GzipFile), (b"BZh", bz2.BZ2File), (b"\xfd7zXZ\x00", lzma.LZMAFile))
_SKIP_BYTES = 1 << 20


def is_uri(location):
    """True for ``scheme://...`` locations read through ``pyarrow.fs`` (s3, gs, hdfs, file...)."""
    return isinstance(location, str) and "://" in location


def _filesystem(uri):
    try:
        from pyarrow import fs
    except ImportError:
        raise ImportError(f"{uri}: reading URIs needs pyarrow (python3 -m pip install '.[ray]' in the w2v clone)") from None
    return fs.FileSystem.from_uri(uri)


def _join(uri, name):
    return uri.rstrip("/") + "/" + name


def _open_raw(location):
    if is_uri(location):
        filesystem, path = _filesystem(location)
        return filesystem.open_input_file(path)
    return open(location, "rb")


def open_stream(location):
    """A binary stream of ``location``'s text, decompressed (gzip, bzip2, xz by magic bytes)."""
    raw = _open_raw(location)
    magic = raw.read(6)
    raw.seek(0)
    for prefix, wrapper in _MAGICS:
        if magic.startswith(prefix):
            return wrapper(fileobj=raw) if wrapper is gzip.GzipFile else wrapper(raw)
    return raw


@dataclasses.dataclass(frozen=True)
class CorpusFile:
    """One input file: where it is, its size on disk and whether it is compressed."""

    location: str
    size: int
    compressed: bool


def list_files(source):
    """The corpus's files in reading order: one file, or a folder's visible files by name.

    Parameters
    ----------
    source : str or os.PathLike
        A local path, or a URI that ``pyarrow.fs`` reads (``s3://bucket/corpus/``).

    Returns
    -------
    list of CorpusFile

    Examples
    --------
    >>> import os, tempfile
    >>> d = tempfile.mkdtemp()
    >>> for name in ("b.txt", "a.txt", ".hidden"):
    ...     _ = open(os.path.join(d, name), "w").write("x y\\n")
    >>> [os.path.basename(f.location) for f in list_files(d)]
    ['a.txt', 'b.txt']
    """
    source = os.fspath(source)
    if is_uri(source):
        from pyarrow import fs
        filesystem, path = _filesystem(source)
        info = filesystem.get_file_info(path)
        if info.type == fs.FileType.NotFound:
            raise FileNotFoundError(f"{source}: no such file or folder")
        if info.type == fs.FileType.File:
            entries = [(source, info.size)]
        else:
            infos = filesystem.get_file_info(fs.FileSelector(path, recursive=False))
            entries = sorted((_join(source, i.base_name), i.size) for i in infos
                             if i.type == fs.FileType.File and not i.base_name.startswith("."))
    else:
        if not os.path.exists(source):
            raise FileNotFoundError(f"{source}: no such file or folder")
        if os.path.isfile(source):
            entries = [(source, os.path.getsize(source))]
        else:
            names = sorted(n for n in os.listdir(source) if not n.startswith("."))
            paths = [os.path.join(source, n) for n in names]
            entries = [(p, os.path.getsize(p)) for p in paths if os.path.isfile(p)]
    files = []
    for location, size in entries:
        with _open_raw(location) as f:
            magic = f.read(6)
        files.append(CorpusFile(location, int(size), any(magic.startswith(m) for m, _ in _MAGICS)))
    if not files:
        raise ValueError(f"{source}: no files to read")
    return files


def decompressed_size(location):
    """Bytes of text in a (possibly compressed) file, by reading it through once."""
    n = 0
    with open_stream(location) as f:
        while True:
            chunk = f.read(_SKIP_BYTES)
            if not chunk:
                return n
            n += len(chunk)


def _cut(sizes, splittable, k):
    """Cut points ``(file index, offset)`` for k shards of about equal bytes, first and last included."""
    bounds = [0]
    for s in sizes:
        bounds.append(bounds[-1] + s)
    total, n = bounds[-1], len(sizes)
    cuts = [(0, 0)]
    for j in range(1, k):
        target = total * j // k
        i = min(bisect.bisect_right(bounds, target) - 1, n)
        if i < n and target > bounds[i]:
            if splittable[i]:
                cuts.append((i, target - bounds[i]))
                continue
            i = i if target - bounds[i] <= bounds[i + 1] - target else i + 1
        cuts.append((i, 0))
    cuts.append((n, 0))
    return cuts


def _pieces(files, a, b):
    """The pieces between cut points a and b; ``end`` None reads to the end of the file."""
    (i0, o0), (i1, o1) = a, b
    out = []
    for i in range(i0, min(i1, len(files) - 1) + 1):
        start = o0 if i == i0 else 0
        end = None
        if i == i1:
            if o1 <= start:
                break
            end = o1
        out.append((files[i].location, start, end))
    return out


def plan_shards(source, k, encoding="utf-8"):
    """Split a corpus into ``k`` contiguous shards of about equal size, in corpus order.

    Plain files are cut at byte offsets (each reader then moves to the next line start);
    compressed files are kept whole, unless there are too few of them to give every shard
    something: then they are cut at offsets of their decompressed text (measured by one pass
    here; each reader decompresses up to its own range).

    Parameters
    ----------
    source : str or os.PathLike
        A file, a folder, or a URI read through ``pyarrow.fs``.
    k : int
        Number of shards.
    encoding : str
        Text encoding; files in encodings where ``b"\\n"`` is not the newline (UTF-16) are
        never cut inside.

    Returns
    -------
    list of list of (str, int, int or None)
        For each shard, its pieces ``(location, start, end)``; ``end`` None: to the end.

    Examples
    --------
    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "c.txt")
    >>> _ = open(p, "w").write("a b\\nc d\\ne f\\ng h\\n")
    >>> [[(s, e) for _, s, e in shard] for shard in plan_shards(p, 2)]
    [[(0, 8)], [(8, None)]]
    """
    if int(k) < 1:
        raise ValueError(f"need at least one shard, got {k}")
    files = list_files(source)
    cuttable = ascii_compatible(encoding)
    sizes = [f.size for f in files]
    splittable = [cuttable and not f.compressed for f in files]
    cuts = _cut(sizes, splittable, k)
    if len(set(cuts)) < len(cuts) and cuttable and any(f.compressed for f in files):
        sizes = [decompressed_size(f.location) if f.compressed else f.size for f in files]
        cuts = _cut(sizes, [True] * len(files), k)
    return [_pieces(files, cuts[j], cuts[j + 1]) for j in range(k)]


class ByteRange(io.RawIOBase):
    """The whole lines of a file whose first byte lies in ``[start, end)``, as a binary stream.

    Opened lazily; ``seek(0)`` starts again. The stream before ``start`` is skipped up to and
    including the first newline at or after ``start - 1``; reading goes on past ``end - 1`` to
    the end of the line that holds it.

    Examples
    --------
    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "c.txt")
    >>> _ = open(p, "wb").write(b"ab\\ncd\\nef\\n")
    >>> ByteRange(p, 1, 4).read(), ByteRange(p, 4, None).read()
    (b'cd\\n', b'ef\\n')
    """

    def __init__(self, location, start=0, end=None):
        super().__init__()
        self.location, self.start, self.end = location, int(start), end
        self.name = f"{location}[{start}:{'' if end is None else end}]"
        self._stream = None
        self._pos = 0           # position in the decompressed stream
        self._done = False
        self._finishing = False
        self._pending = b""

    def readable(self):
        return True

    def seekable(self):
        return False

    def seek(self, offset, whence=io.SEEK_SET):
        if offset != 0 or whence != io.SEEK_SET:
            raise io.UnsupportedOperation("a ByteRange can only seek back to its start")
        self._close_stream()
        self._pending, self._done, self._finishing = b"", False, False
        return 0

    def _open(self):
        self._stream = open_stream(self.location)
        self._pos = 0
        if self.start > 0:
            skip = self.start - 1
            if hasattr(self._stream, "seekable") and self._stream.seekable():
                self._pos = self._stream.seek(skip)
            while self._pos < skip:
                got = len(self._stream.read(min(_SKIP_BYTES, skip - self._pos)))
                if not got:
                    break
                self._pos += got
            while True:     # drop the rest of the line that began before start
                chunk = self._stream.read(_SKIP_BYTES)
                if not chunk:
                    self._done = True
                    return
                cut = chunk.find(b"\n")
                if cut >= 0:
                    self._pos += cut + 1
                    self._pending = chunk[cut + 1:]
                    return
                self._pos += len(chunk)

    def _next_chunk(self, size):
        chunk, self._pending = (self._pending, b"") if self._pending else (self._stream.read(size), b"")
        if len(chunk) > size:
            chunk, self._pending = chunk[:size], chunk[size:]
        return chunk

    def _finish(self, data):
        self._done = True
        self._close_stream()
        return data

    def read(self, size=-1):
        if size is None or size < 0:
            parts = []
            while True:
                part = self.read(_SKIP_BYTES)
                if not part:
                    return b"".join(parts)
                parts.append(part)
        if size == 0 or self._done:
            return b""
        if self._stream is None:
            self._open()
            if self._done:
                return self._finish(b"")
        chunk = self._next_chunk(size)
        if not chunk:
            return self._finish(b"")
        if self.end is None:
            return chunk
        search = 0
        if not self._finishing:
            if self._pos + len(chunk) < self.end:
                self._pos += len(chunk)
                return chunk
            keep = self.end - self._pos     # bytes before ``end``; <= 0 only at a line start
            if keep <= 0 or chunk[keep - 1:keep] == b"\n":
                return self._finish(chunk[:max(keep, 0)])
            search = keep
        cut = chunk.find(b"\n", search)
        if cut >= 0:
            return self._finish(chunk[:cut + 1])
        self._finishing = True      # the line holding byte end - 1 goes on into the next chunk
        self._pos += len(chunk)
        return chunk

    def readinto(self, buffer):
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def read1(self, size=-1):
        return self.read(size)

    def _close_stream(self):
        if self._stream is not None:
            self._stream.close()
            self._stream = None

    def close(self):
        self._close_stream()
        super().close()


class ShardSentences(LineReader):
    """The sentences of one shard (a list of pieces), read as :class:`w2v.LineSentence` reads a
    file, so the compiled whitespace path and every tokenizer behave as in local training.

    Examples
    --------
    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "c.txt")
    >>> _ = open(p, "w").write("a b\\nc d\\ne f\\n")
    >>> list(ShardSentences([(p, 2, None)]))
    [['c', 'd'], ['e', 'f']]
    """

    def __init__(self, pieces, max_sentence_length=10_000, tokenizer="whitespace",
                 encoding="utf-8", errors="strict"):
        super().__init__(max_sentence_length, None, tokenizer, encoding, errors)
        self.pieces = [tuple(p) for p in pieces]

    def sources(self):
        out = []
        for location, start, end in self.pieces:
            whole_local = not is_uri(location) and start == 0 and end is None
            out.append(Source(location if whole_local else ByteRange(location, start, end)))
        return out

    def __repr__(self):
        return f"ShardSentences({len(self.pieces)} pieces)"

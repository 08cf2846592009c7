"""Facebook fastText's ``.bin`` model files (format version 12, fastText 0.9.2), read and written
byte for byte; the matrices are read straight into their arrays (or mapped), never copied.

Layout (native byte order, as fastText writes it): ``int32 magic, int32 version``; the arguments
(twelve int32 and the double ``t``); the dictionary (``int32 size, nwords, nlabels; int64 ntokens,
pruneidx_size``; per entry the word's bytes and a NUL, ``int64 count``, ``int8 type``); a bool
``quant_input`` and the input matrix (``int64 rows, cols``, float32 data: nwords word rows then
bucket n-gram rows); a bool ``qout`` and the output matrix. Supervised, quantized (``.ftz``) and
other versions are refused with one ``ValueError``. Files of fastText before 0.1 (no magic number,
no version; "version 0" here) are read as gensim reads them.
"""
import dataclasses
import os
import struct

import numpy as np

from .._atomic import atomic_write

__all__ = ["FacebookModel", "SupervisedModelError", "is_facebook", "read_facebook", "write_facebook", "MAGIC", "VERSION", "ARG_NAMES",
           "format_vector", "write_vec"]

MAGIC = 793712314
VERSION = 12
# fastText's Args::save order; all int32 but the sampling threshold t (double)
ARG_NAMES = ("dim", "ws", "epoch", "minCount", "neg", "wordNgrams", "loss", "model", "bucket",
             "minn", "maxn", "lrUpdateRate", "t")
_ARGS = struct.Struct("=12id")
_DICT_HEAD = struct.Struct("=3i2q")
_ENTRY_TAIL = struct.Struct("=qb")
_MATRIX_HEAD = struct.Struct("=?2q")
_MATRIX_HEAD_OLD = struct.Struct("=2q")      # version 0: no quantization flag
LOSSES = {1: "hs", 2: "ns", 3: "softmax", 4: "ova"}
MODELS = {1: "cbow", 2: "sg", 3: "sup"}
MAX_WORD_BYTES = 1 << 16        # longer "words" are taken for a damaged file


@dataclasses.dataclass
class FacebookModel:
    """What a fastText ``.bin`` holds: ``args`` (name -> value, :data:`ARG_NAMES`), the words and
    their counts (file order), ``ntokens``, the input matrix ``[nwords + bucket, dim]`` and the
    output matrix ``[nwords, dim]`` (None when not read)."""
    args: dict
    words: list
    counts: np.ndarray
    ntokens: int
    input: np.ndarray
    output: np.ndarray = None
    version: int = VERSION

    @property
    def nwords(self):
        return len(self.words)


class SupervisedModelError(ValueError, NotImplementedError):
    """A supervised (classifier) model: a ValueError, and the NotImplementedError gensim raises."""


class _Reader:
    """Reads exact sizes from a file; a short read is a ValueError naming the part."""

    def __init__(self, f, path):
        self.f, self.path = f, path
        self.size = os.fstat(f.fileno()).st_size

    def exact(self, n, what):
        data = self.f.read(n)
        if len(data) != n:
            raise ValueError(f"{self.path}: truncated fastText .bin file (it ends inside {what})")
        return data

    def unpack(self, fmt, what):
        return fmt.unpack(self.exact(fmt.size, what))


def is_facebook(path):
    """True when ``path`` starts with fastText's magic number (any version, any model kind)."""
    try:
        with open(path, "rb") as f:
            head = f.read(4)
    except OSError:
        return False
    return len(head) == 4 and struct.unpack("=i", head)[0] == MAGIC


def read_facebook(path, full_model=True, mmap=None, encoding="utf-8", map_output=False):
    """Read a fastText ``.bin`` file; return a :class:`FacebookModel`.

    Parameters
    ----------
    path : str or os.PathLike
    full_model : bool
        False: skip the output matrix (enough for vectors; the file's end is still checked).
    mmap : None, "r" or "c"
        Map the input (and output) matrix from the file instead of reading it.
    encoding : str
        Of the words (fastText writes UTF-8).
    map_output : bool
        Map the output matrix copy-on-write (``mmap="c"``) whatever ``mmap`` says: it is read
        from the file only when used (training), so loading a full model costs about its input
        matrix.

    Raises
    ------
    ValueError
        One line naming the file, for anything but an unsupervised, unquantized version-12 model
        whose sizes agree with the file's.
    """
    path = os.fspath(path)
    if mmap not in (None, "r", "c"):
        raise ValueError(f"mmap must be None, 'r' or 'c', got {mmap!r}")
    with open(path, "rb") as f:
        r = _Reader(f, path)
        head = f.read(8)
        if len(head) < 8:
            raise ValueError(f"{path}: not a fastText .bin model file (shorter than its header)")
        magic, version = struct.unpack("=2i", head)
        if magic == MAGIC:
            if version not in (11, 12):
                raise ValueError(f"{path}: fastText .bin file of version {version}; w2v reads "
                                 f"versions 11 and 12 (fastText 0.9.2 writes {VERSION})")
            args = dict(zip(ARG_NAMES, r.unpack(_ARGS, "the arguments")))
        else:       # fastText before 0.1 (no magic number, no version): gensim reads it too
            if not (0 < magic <= 1 << 16 and 0 < version <= 1 << 16):
                raise ValueError(f"{path}: not a fastText .bin model file (no fastText magic number)")
            rest = r.unpack(struct.Struct("=10id"), "the arguments")
            args = dict(zip(ARG_NAMES, (magic, version) + rest))      # dim and ws come first
            version = 0
        _check_args(path, args)
        if version:
            size, nwords, nlabels, ntokens, pruneidx_size = r.unpack(_DICT_HEAD, "the dictionary header")
        else:
            size, nwords, nlabels, ntokens = r.unpack(struct.Struct("=3iq"), "the dictionary header")
            pruneidx_size = -1
        if nlabels or args["model"] == 3:
            raise SupervisedModelError(f"{path}: a supervised fastText model (a classifier, {nlabels} labels); "
                             "w2v reads unsupervised models (skipgram, cbow)")
        if not 0 <= nwords == size or ntokens < 0:
            raise ValueError(f"{path}: damaged fastText dictionary (size {size}, nwords {nwords}, "
                             f"ntokens {ntokens})")
        if pruneidx_size > 0:
            raise ValueError(f"{path}: a pruned (quantized) fastText model; w2v reads full models, "
                             "not .ftz files")
        if pruneidx_size < -1 or nwords > r.size // 10:       # an entry takes at least 10 bytes
            raise ValueError(f"{path}: damaged fastText dictionary (pruneidx_size {pruneidx_size}, "
                             f"{nwords} words in a {r.size}-byte file)")
        words, counts = _read_entries(r, nwords, encoding)
        rows, dim = nwords + args["bucket"], args["dim"]
        inp = _read_matrix(r, rows, dim, "input", mmap, bool(version))
        out = None
        if full_model:
            out = _read_matrix(r, nwords, dim, "output", "c" if map_output else mmap, bool(version))
        else:
            r.unpack(_MATRIX_HEAD if version else _MATRIX_HEAD_OLD, "the output matrix's header")
            f.seek(nwords * dim * 4, os.SEEK_CUR)
        end = f.tell()
        if end != r.size:
            raise ValueError(f"{path}: damaged fastText .bin file ({r.size - end:+d} bytes after "
                             "the output matrix)")
    return FacebookModel(args, words, counts, int(ntokens), inp, out, version)


def _check_args(path, args):
    bad = [n for n in ("dim",) if args[n] < 1]
    bad += [n for n in ("bucket", "minn", "maxn") if args[n] < 0]
    if args["loss"] not in LOSSES or args["model"] not in MODELS or not np.isfinite(args["t"]):
        bad += ["loss/model/t"]
    if bad:
        shown = ", ".join(f"{n}={args.get(n)}" for n in bad if n in args) or "loss/model/t"
        raise ValueError(f"{path}: damaged fastText arguments ({shown})")


def _read_entries(r, nwords, encoding):
    """The dictionary entries: words (decoded), counts (int64); entry types must be words (0)."""
    words, counts = [], np.empty(nwords, np.int64)
    f, buf, pos = r.f, b"", 0
    for i in range(nwords):
        while True:
            nul = buf.find(b"\0", pos)
            if nul >= 0 and len(buf) - nul > _ENTRY_TAIL.size:
                break
            if len(buf) - pos > MAX_WORD_BYTES + _ENTRY_TAIL.size:
                raise ValueError(f"{r.path}: damaged fastText dictionary (word {i} longer than "
                                 f"{MAX_WORD_BYTES} bytes)")
            more = f.read(1 << 20)
            if not more:
                raise ValueError(f"{r.path}: truncated fastText .bin file (it ends inside the dictionary)")
            buf, pos = buf[pos:] + more, 0
        try:
            words.append(buf[pos:nul].decode(encoding))
        except UnicodeDecodeError as e:
            raise ValueError(f"{r.path}: word {i} is not {encoding} ({e.reason})") from None
        counts[i], kind = _ENTRY_TAIL.unpack_from(buf, nul + 1)
        if kind != 0 or counts[i] < 0:
            raise ValueError(f"{r.path}: damaged fastText dictionary (entry {i}: type {kind}, "
                             f"count {counts[i]})")
        pos = nul + 1 + _ENTRY_TAIL.size
    f.seek(pos - len(buf), os.SEEK_CUR)          # give back what was read past the dictionary
    return words, counts


def _read_matrix(r, rows, cols, name, mmap, new_format=True):
    if new_format:
        quant, m, n = r.unpack(_MATRIX_HEAD, f"the {name} matrix's header")
    else:
        quant, (m, n) = False, r.unpack(_MATRIX_HEAD_OLD, f"the {name} matrix's header")
    if quant:
        raise ValueError(f"{r.path}: a quantized fastText model (.ftz); w2v reads full models")
    if (m, n) != (rows, cols):
        raise ValueError(f"{r.path}: damaged fastText .bin file ({name} matrix {m} x {n}, "
                         f"expected {rows} x {cols})")
    start, nbytes = r.f.tell(), rows * cols * 4
    if start + nbytes > r.size:
        raise ValueError(f"{r.path}: truncated fastText .bin file (it ends inside the {name} matrix)")
    if mmap and nbytes:
        r.f.seek(nbytes, os.SEEK_CUR)
        return np.memmap(r.path, np.float32, mode=mmap, offset=start, shape=(rows, cols))
    matrix = np.empty((rows, cols), np.float32)
    view = memoryview(matrix.reshape(-1).view(np.uint8))
    done = 0
    while done < nbytes:
        got = r.f.readinto(view[done:done + (1 << 26)])
        if not got:
            raise ValueError(f"{r.path}: truncated fastText .bin file (it ends inside the {name} matrix)")
        done += got
    return matrix


def write_facebook(path, model):
    """Write a :class:`FacebookModel` as fastText 0.9.2 does (version 12), atomically.

    The output matrix is required (fastText cannot load a file without one); a model whose
    output layer is unknown gets zeros.
    """
    args = model.args
    words = [w.encode("utf-8") for w in model.words]
    counts = np.asarray(model.counts, np.int64)
    nwords, dim = len(words), int(args["dim"])
    inp = np.asarray(model.input)
    out = model.output if model.output is not None else np.zeros((nwords, dim), np.float32)
    if inp.shape != (nwords + int(args["bucket"]), dim) or np.shape(out) != (nwords, dim):
        raise ValueError(f"matrices of shapes {inp.shape} and {np.shape(out)} do not fit {nwords} "
                         f"words, {args['bucket']} buckets and dim {dim}")
    with atomic_write(path, "wb") as f:
        f.write(struct.pack("=2i", MAGIC, VERSION))
        f.write(_ARGS.pack(*(int(args[n]) for n in ARG_NAMES[:-1]), float(args["t"])))
        f.write(_DICT_HEAD.pack(nwords, nwords, 0, int(model.ntokens), -1))
        f.write(b"".join(w + b"\0" + _ENTRY_TAIL.pack(int(c), 0) for w, c in zip(words, counts.tolist())))
        for matrix in (inp, out):
            f.write(_MATRIX_HEAD.pack(False, *matrix.shape))
            _write_rows(f, matrix)


def _write_rows(f, matrix, rows=1 << 16):
    """Write float32 rows a slice at a time (a mapped or float64 matrix is never copied whole)."""
    for start in range(0, len(matrix), rows):
        f.write(np.ascontiguousarray(matrix[start:start + rows], dtype=np.float32).tobytes())


def format_vector(vector):
    """fastText's text form of a vector (its ``operator<<``): each value as C++ prints a float at
    ``setprecision(5)`` (``%.5g``), each followed by a space.

    Examples
    --------
    >>> format_vector(np.array([0.123456, -2e-7, 3.0], np.float32))
    '0.12346 -2e-07 3 '
    """
    return "".join(f"{v:.5g} " for v in np.asarray(vector, np.float32).tolist())


def write_vec(path, words, vectors):
    """Write fastText's ``.vec`` (``saveVectors``): ``"n dim"``, then ``word`` and
    :func:`format_vector` per line; atomically."""
    with atomic_write(path, "wb") as f:
        f.write(f"{len(words)} {np.shape(vectors)[1]}\n".encode())
        for start in range(0, len(words), 4096):
            rows = np.asarray(vectors[start:start + 4096], np.float32)
            f.write("".join(f"{w} {format_vector(v)}\n" for w, v in zip(words[start:start + 4096], rows))
                    .encode("utf-8"))

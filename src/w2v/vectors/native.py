"""The native file format: a versioned zip of ``.npy`` arrays plus JSON metadata, mappable in place.

No pickle is written or read: word lists are stored as one UTF-8 blob with offsets.

Layout (version 2): a zip archive that ``numpy.load`` also reads (an ``.npz``), whose members
are stored uncompressed (``ZIP_STORED``) and padded (a zip "extra" field of ID ``0xD935``, as
Android's zipalign uses) so that every array's data starts at a multiple of 64 bytes in the file:
the member's data starts 64-aligned and NumPy pads each ``.npy`` header to a multiple of 64.
``load_native(path, mmap="r")`` checks the zip's headers and maps each array with
``numpy.memmap`` at its data offset instead of reading it. Version 1 files (``numpy.savez``,
also stored, not aligned) still load, mapped too.
"""
import itertools
import json
import os
import struct
import zipfile

import numpy as np

from .._atomic import atomic_write
from .._sniff import describe

FORMAT_NAME = "w2v-native"
FORMAT_VERSION = 2
ALIGN = 64                 # byte alignment of every array's data in a version 2 file
_PAD_ID = 0xD935           # zip extra-field ID of the alignment padding
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")    # a zip local file header (30 bytes)


class WrongKindError(ValueError, AttributeError):
    """The file holds another kind of object (e.g. ``Word2Vec.load`` of saved KeyedVectors): a
    ValueError, and the AttributeError gensim raises there."""


def encode_words(words):
    """Pack a list of str into (uint8 blob, int64 offsets) so no object array is stored."""
    encoded = [w.encode("utf-8") for w in words]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(b) for b in encoded], out=offsets[1:])
    blob = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    return blob, offsets


def decode_words(blob, offsets):
    """Inverse of :func:`encode_words`; ``ValueError`` for offsets that do not cut ``blob`` exactly
    (``UnicodeDecodeError``, a ``ValueError`` too, for bytes that are not UTF-8)."""
    _check_offsets(blob, offsets)
    text = blob.tobytes().decode("utf-8")
    if len(text) != len(blob):      # multi-byte characters: byte offsets -> character offsets
        continuation = np.concatenate([[0], np.cumsum((np.asarray(blob) & 0xC0) == 0x80)])
        offsets = np.asarray(offsets) - continuation[np.asarray(offsets)]
    cuts = offsets.tolist()
    return [text[a:b] for a, b in zip(cuts, itertools.islice(cuts, 1, None))]


def _check_offsets(blob, offsets):
    if blob.ndim != 1 or offsets.ndim != 1 or len(offsets) < 1:
        raise ValueError(f"the word list has shapes {blob.shape} and {offsets.shape}, expected 1-D arrays")
    if offsets[0] != 0 or offsets[-1] != len(blob) or (np.diff(offsets) < 0).any():
        raise ValueError(f"the word offsets do not cut the {len(blob)}-byte word list into words")


def save_native(path, kind, meta, arrays):
    """Write ``arrays`` (name -> ndarray) and ``meta`` (JSON-able dict) atomically to ``path``.

    ``kind`` names what is stored (``"model"``, ``"keyedvectors"``, ``"checkpoint"``). Each array
    is a stored (uncompressed) zip member whose data starts at a multiple of :data:`ALIGN`
    bytes, so :func:`load_native` can map it.
    """
    header = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "kind": kind, "meta": meta}
    payload = {"__header__": np.frombuffer(json.dumps(header).encode("utf-8"), dtype=np.uint8)}
    payload.update(arrays)
    with atomic_write(path, "wb") as f, zipfile.ZipFile(f, "w", zipfile.ZIP_STORED, allowZip64=True) as z:
        for name, array in payload.items():
            _write_member(f, z, name + ".npy", np.asarray(array))


def _write_member(f, z, name, array):
    """One ``.npy`` member whose data (after the local header) starts ALIGN-aligned in ``f``."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    # zipfile writes the header at f.tell(); with force_zip64 it adds a 20-byte zip64 field.
    fixed = _LOCAL_HEADER.size + len(name.encode("utf-8")) + 20
    pad = -(f.tell() + fixed + 4) % ALIGN + 4     # the padding field: 4 header bytes + data
    info.extra = struct.pack("<HH", _PAD_ID, pad - 4) + b"\0" * (pad - 4)
    start = f.tell()
    with z.open(info, "w", force_zip64=True) as member:
        if f.tell() != start + fixed + pad or (f.tell() % ALIGN):      # zipfile changed its layout
            raise AssertionError(f"native: member {name} would not be aligned ({f.tell()})")
        np.lib.format.write_array(member, np.ascontiguousarray(array), allow_pickle=False)


def is_native(path):
    """True when ``path`` looks like a native archive (a zip holding ``__header__.npy``)."""
    try:
        with zipfile.ZipFile(path) as z:
            return "__header__.npy" in z.namelist()
    except Exception:     # whatever a damaged or foreign file makes zipfile raise
        return False


def stored_kind(path):
    """The kind of object a native archive holds (``"model"``, ``"keyedvectors"``, ...), read from
    its header alone; None for anything that is not a readable native archive."""
    try:
        with zipfile.ZipFile(path) as z, z.open("__header__.npy") as member:
            header = json.loads(np.lib.format.read_array(member, allow_pickle=False).tobytes())
        return header.get("kind") if isinstance(header, dict) else None
    except Exception:     # whatever a damaged or foreign file makes zipfile, numpy or json raise
        return None


def load_native(path, kind=None, mmap=None):
    """Read a native archive; return ``(meta, arrays)``.

    Raises ``FileNotFoundError`` for a missing file and ``ValueError`` (naming the file) for
    anything that is not a complete native archive of the expected ``kind`` and version, or whose
    arrays break the format's rules: word offsets that do not cut the word list, arrays of the
    wrong type or rank, weights that are not finite, random states that are zero.

    ``mmap="r"`` maps the arrays read-only instead of reading them (``"r+"`` and ``"c"`` as in
    ``numpy.memmap``): opening costs the zip headers, whatever the size of the vectors, and the
    weights are not scanned for NaN or infinity (that would read them all).
    """
    path = os.fspath(path)
    if mmap not in (None, "r", "r+", "c"):
        raise ValueError(f"mmap must be None, 'r', 'r+' or 'c', got {mmap!r}")
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path}: no such file")
    if os.path.isdir(path):
        raise IsADirectoryError(f"{path}: is a folder, not a w2v native file")
    with open(path, "rb") as f:
        if f.read(4) != b"PK\x03\x04":      # np.load would call anything else a pickle
            raise ValueError(f"{path}: not a w2v native file (those are zip archives){describe(path)}")
    try:
        if mmap:
            arrays = _map_members(path, mmap)
        else:
            # Our own handle: np.load leaks the one it opens when the zip directory is damaged.
            with open(path, "rb") as f, np.load(f, allow_pickle=False) as z:
                arrays = {name: z[name] for name in z.files}
    except Exception as e:   # zipfile, zlib and numpy raise many types for a damaged archive
        raise ValueError(f"{path}: damaged w2v native file, or a zip archive of something else "
                         f"({type(e).__name__}: {e})") from None
    if "__header__" not in arrays:
        raise ValueError(f"{path}: not a w2v native file (no header)")
    try:
        header = json.loads(np.asarray(arrays.pop("__header__")).tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"{path}: corrupt header ({e})") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT_NAME:
        raise ValueError(f"{path}: not a w2v native file")
    version, meta = header.get("version", 0), header.get("meta", {})
    if not isinstance(version, int) or not isinstance(meta, dict):
        raise ValueError(f"{path}: corrupt header (version {version!r}, meta of type {type(meta).__name__})")
    if version > FORMAT_VERSION:
        raise ValueError(f"{path}: format version {header.get('version')} is newer than this w2v reads "
                         f"({FORMAT_VERSION}); upgrade w2v")
    if kind is not None and header.get("kind") != kind:
        raise WrongKindError(f"{path}: holds a {header.get('kind')!r}, not a {kind!r}")
    _check_arrays(path, arrays, scan_values=not mmap)
    return meta, arrays


def _map_members(path, mode):
    """Map every ``.npy`` member of a stored zip with ``numpy.memmap``, after checking that its
    local header, ``.npy`` header and data lie inside the member; ``ValueError`` otherwise."""
    arrays = {}
    size = os.path.getsize(path)
    with open(path, "rb") as f, zipfile.ZipFile(f) as z:
        for info in z.infolist():
            if not info.filename.endswith(".npy"):
                raise ValueError(f"member {info.filename!r} is not a .npy array")
            if info.compress_type != zipfile.ZIP_STORED:
                raise ValueError(f"member {info.filename!r} is compressed, so it cannot be mapped")
            f.seek(info.header_offset)
            fields = _LOCAL_HEADER.unpack(f.read(_LOCAL_HEADER.size))
            if fields[0] != b"PK\x03\x04":
                raise ValueError(f"member {info.filename!r} has no local header")
            name_len, extra_len = fields[-2], fields[-1]
            start = info.header_offset + _LOCAL_HEADER.size + name_len + extra_len
            f.seek(start)
            version = np.lib.format.read_magic(f)
            read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                           else np.lib.format.read_array_header_2_0)
            shape, fortran, dtype = read_header(f)
            if dtype.hasobject:
                raise ValueError(f"member {info.filename!r} holds Python objects")
            offset = f.tell()
            nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
            if offset + nbytes > start + info.file_size or start + info.file_size > size:
                raise ValueError(f"member {info.filename!r} is shorter than its array")
            name = info.filename[:-4]
            if nbytes == 0:
                arrays[name] = np.zeros(shape, dtype)
            else:
                arrays[name] = np.memmap(path, dtype=dtype, mode=mode, offset=offset, shape=shape,
                                         order="F" if fortran else "C")
    return arrays


# name -> (numpy kinds allowed, number of dimensions) of the arrays the format defines
_SCHEMA = {
    "words_blob": ("u", 1), "words_offsets": ("iu", 1), "counts": ("iu", 1),
    "vectors": ("f", 2), "syn1": ("f", 2), "syn1neg": ("f", 2), "rng_states": ("u", 1),
    "norms": ("f", 1), "vectors_lockf": ("f", 1),
    # Doc2Vec's document vectors, their string tags and doc counts, and the CLI's previews
    "doctag_vectors": ("f", 2), "doctags_blob": ("u", 1), "doctags_offsets": ("iu", 1),
    "doctag_counts": ("iu", 1), "previews_blob": ("u", 1), "previews_offsets": ("iu", 1),
    "null_vector": ("f", 2),
}


def _check_arrays(path, arrays, scan_values=True):
    for name, (kinds, ndim) in _SCHEMA.items():
        a = arrays.get(name)
        if a is None:
            continue
        if not isinstance(a, np.ndarray) or a.dtype.kind not in kinds or a.ndim != ndim:
            what = f"{a.dtype} array of shape {a.shape}" if isinstance(a, np.ndarray) else type(a).__name__
            raise ValueError(f"{path}: '{name}' is a {what}, not a {ndim}-D array of kind {kinds!r}")
        if scan_values and a.dtype.kind == "f" and not all_finite(a):
            raise ValueError(f"{path}: '{name}' holds non-finite values (nan or inf)")
    if "words_blob" in arrays or "words_offsets" in arrays:
        if not ("words_blob" in arrays and "words_offsets" in arrays):
            raise ValueError(f"{path}: the word list needs both 'words_blob' and 'words_offsets'")
        try:
            _check_offsets(arrays["words_blob"], arrays["words_offsets"])
        except ValueError as e:
            raise ValueError(f"{path}: {e}") from None
    states = arrays.get("rng_states")
    if states is not None and (states.dtype != np.uint64 or not states.all()):
        raise ValueError(f"{path}: 'rng_states' must be non-zero uint64 generator states")


def all_finite(a, rows=1 << 16):
    """Whether every value of ``a`` is finite: ``np.isfinite(a).all()`` a slice at a time, so a
    large array needs no full-size mask."""
    return all(np.isfinite(a[i:i + rows]).all() for i in range(0, len(a), rows))

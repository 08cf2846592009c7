"""The native file format: a versioned NumPy ``.npz`` archive of named arrays plus JSON metadata.

No pickle is written or read: word lists are stored as one UTF-8 blob with offsets.
"""
import json
import os
import zipfile

import numpy as np

from ._atomic import atomic_write
from ._sniff import describe

FORMAT_NAME = "w2v-native"
FORMAT_VERSION = 1


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
    raw = blob.tobytes()
    return [raw[a:b].decode("utf-8") for a, b in zip(offsets[:-1].tolist(), offsets[1:].tolist())]


def _check_offsets(blob, offsets):
    if blob.ndim != 1 or offsets.ndim != 1 or len(offsets) < 1:
        raise ValueError(f"the word list has shapes {blob.shape} and {offsets.shape}, expected 1-D arrays")
    if offsets[0] != 0 or offsets[-1] != len(blob) or (np.diff(offsets) < 0).any():
        raise ValueError(f"the word offsets do not cut the {len(blob)}-byte word list into words")


def save_native(path, kind, meta, arrays):
    """Write ``arrays`` (name -> ndarray) and ``meta`` (JSON-able dict) atomically to ``path``.

    ``kind`` names what is stored (``"model"``, ``"keyedvectors"``, ``"checkpoint"``).
    """
    header = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "kind": kind, "meta": meta}
    payload = dict(arrays)
    payload["__header__"] = np.frombuffer(json.dumps(header).encode("utf-8"), dtype=np.uint8)
    with atomic_write(path, "wb") as f:
        np.savez(f, **payload)


def is_native(path):
    """True when ``path`` looks like a native archive (a zip holding ``__header__.npy``)."""
    try:
        with zipfile.ZipFile(path) as z:
            return "__header__.npy" in z.namelist()
    except Exception:     # whatever a damaged or foreign file makes zipfile raise
        return False


def load_native(path, kind=None):
    """Read a native archive; return ``(meta, arrays)``.

    Raises ``FileNotFoundError`` for a missing file and ``ValueError`` (naming the file) for
    anything that is not a complete native archive of the expected ``kind`` and version, or whose
    arrays break the format's rules: word offsets that do not cut the word list, arrays of the
    wrong type or rank, weights that are not finite, random states that are zero.
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path}: no such file")
    if os.path.isdir(path):
        raise IsADirectoryError(f"{path}: is a folder, not a w2v native file")
    with open(path, "rb") as f:
        if f.read(4) != b"PK\x03\x04":      # np.load would call anything else a pickle
            raise ValueError(f"{path}: not a w2v native file (those are zip archives){describe(path)}")
    try:
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
        raise ValueError(f"{path}: holds a {header.get('kind')!r}, not a {kind!r}")
    _check_arrays(path, arrays)
    return meta, arrays


# name -> (numpy kinds allowed, number of dimensions) of the arrays the format defines
_SCHEMA = {
    "words_blob": ("u", 1), "words_offsets": ("iu", 1), "counts": ("iu", 1),
    "vectors": ("f", 2), "syn1": ("f", 2), "syn1neg": ("f", 2), "rng_states": ("u", 1),
}


def _check_arrays(path, arrays):
    for name, (kinds, ndim) in _SCHEMA.items():
        a = arrays.get(name)
        if a is None:
            continue
        if not isinstance(a, np.ndarray) or a.dtype.kind not in kinds or a.ndim != ndim:
            what = f"{a.dtype} array of shape {a.shape}" if isinstance(a, np.ndarray) else type(a).__name__
            raise ValueError(f"{path}: '{name}' is a {what}, not a {ndim}-D array of kind {kinds!r}")
        if a.dtype.kind == "f" and not all_finite(a):
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

"""The native file format: a versioned NumPy ``.npz`` archive of named arrays plus JSON metadata.

No pickle is written or read: word lists are stored as one UTF-8 blob with offsets.
"""
import json
import os
import zipfile

import numpy as np

from ._atomic import atomic_write

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
    """Inverse of :func:`encode_words`."""
    raw = blob.tobytes()
    return [raw[offsets[i]:offsets[i + 1]].decode("utf-8") for i in range(len(offsets) - 1)]


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
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def load_native(path, kind=None):
    """Read a native archive; return ``(meta, arrays)``.

    Raises ``FileNotFoundError`` for a missing file and ``ValueError`` (naming the file) for
    anything that is not a complete native archive of the expected ``kind`` and version.
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path}: no such file")
    try:
        with np.load(path, allow_pickle=False) as z:
            arrays = {name: z[name] for name in z.files}
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError) as e:
        raise ValueError(f"{path}: not a w2v native file or truncated ({e})") from None
    if "__header__" not in arrays:
        raise ValueError(f"{path}: not a w2v native file (no header)")
    try:
        header = json.loads(arrays.pop("__header__").tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"{path}: corrupt header ({e})") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT_NAME:
        raise ValueError(f"{path}: not a w2v native file")
    if header.get("version", 0) > FORMAT_VERSION:
        raise ValueError(f"{path}: format version {header.get('version')} is newer than this w2v reads "
                         f"({FORMAT_VERSION}); upgrade w2v")
    if kind is not None and header.get("kind") != kind:
        raise ValueError(f"{path}: holds a {header.get('kind')!r}, not a {kind!r}")
    return header.get("meta", {}), arrays

"""Checks every path a command will write before the work starts, so a bad one fails in a second
with its own name in the message rather than after training, at the rename of a temporary file.

Every command that writes calls :func:`check_outputs` first (and may call it again with the
size once it is known, e.g. after the vocabulary is built).
"""
import errno
import os
import shutil

from ..vectors import extensions

__all__ = ["check_outputs", "check_output", "check_output_folder", "vectors_bytes", "file_format",
           "FORMAT_FLAGS"]

# the flags of the commands that choose a vectors format, as the messages name them
FORMAT_FLAGS = {"native": "--native", "binary": "--binary", "text": "--text"}


def check_output(path, flag, needed_bytes=None, example=None):
    """Raise an ``OSError`` naming ``flag`` and ``path`` if ``path`` cannot be written.

    The checks: ``path`` is not a folder, its folder exists and is writable (the file is written
    beside it under a temporary name, then renamed), and, when ``needed_bytes`` is given, the
    folder's file system has that much free space. ``example`` is a file name offered when
    ``path`` is a folder.

    Examples
    --------
    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> try:
    ...     check_output(folder, "-o", example="model.w2v")
    ... except IsADirectoryError as e:
    ...     print(str(e).replace(folder, "out"))
    -o out: is a folder; give a file name (e.g. out/model.w2v)
    """
    path = os.fspath(path)
    where = f"{flag} {path}" if flag else path
    if not path:
        raise FileNotFoundError(f"{flag}: the file name is empty")
    if os.path.isdir(path):
        hint = f" (e.g. {os.path.join(path, example)})" if example else ""
        raise IsADirectoryError(f"{where}: is a folder; give a file name{hint}")
    folder = os.path.dirname(os.path.abspath(path))
    _check_folder(where, folder, os.path.dirname(path) or ".")
    if needed_bytes:
        free = _free_bytes(folder)
        if free is not None and free < needed_bytes:
            error = OSError(f"{where}: not enough free space: about {_size(needed_bytes)} needed, "
                            f"{_size(free)} free in {os.path.dirname(path) or '.'}")
            error.errno = errno.ENOSPC
            raise error


def check_output_folder(path, flag):
    """Like :func:`check_output` for a folder that will be written into (made if missing)."""
    path = os.fspath(path)
    where = f"{flag} {path}"
    if os.path.exists(path):
        if not os.path.isdir(path):
            raise NotADirectoryError(f"{where}: is a file, not a folder")
        _check_folder(where, os.path.abspath(path), path)
    else:
        parent = os.path.dirname(os.path.abspath(path))
        _check_folder(where, parent, os.path.dirname(path) or ".")


def check_outputs(outputs):
    """Check each ``(flag, path[, needed_bytes[, example]])``; paths that are None are skipped.

    Two outputs naming the same file are an error too.
    """
    seen = {}
    for flag, path, *more in outputs:
        if path is None:
            continue
        check_output(path, flag, *more)
        key = os.path.abspath(os.fspath(path))
        if key in seen:
            raise ValueError(f"{seen[key]} and {flag} both name {os.fspath(path)}; give each its own file")
        seen[key] = flag


def file_format(path, flag, requested=None, default=None, how=None):
    """The vectors format for ``path`` by the rule of :mod:`w2v.vectors.extensions`, messages naming ``flag``.

    ``how`` names the flags that ask for each format (default: ``--native``, ``--binary``, ``--text``).

    Examples
    --------
    >>> file_format("v.bin", "OUT"), file_format("m", "-o", default="native")
    ('binary', 'native')
    """
    try:
        return extensions.choose_format(path, requested, default, how=how or FORMAT_FLAGS)
    except ValueError as e:
        raise ValueError(f"{flag} {e}") from None


def vectors_bytes(fmt, words, dimensions, arrays=1):
    """A low estimate of the size of a file of ``words`` vectors of ``dimensions`` in ``fmt``.

    ``arrays`` counts the weight matrices a native model holds (input, and output vectors).
    Text is counted at 9 bytes a value (``-0.123456`` and a space; most values take more).
    """
    per_value = {"text": 9, "binary": 4, "native": 4 * arrays}[fmt]
    return words * dimensions * per_value


def _check_folder(where, folder, shown):
    if not os.path.exists(folder):
        raise FileNotFoundError(f"{where}: the folder {shown} does not exist")
    if not os.path.isdir(folder):
        raise NotADirectoryError(f"{where}: {shown} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise PermissionError(f"{where}: no permission to write in the folder {shown}")


def _free_bytes(folder):
    try:
        return shutil.disk_usage(folder).free
    except OSError:        # not knowable here (some network or virtual file systems)
        return None


def _size(n):
    if n < 1000:
        return f"{n:,} bytes"
    for unit in ("KB", "MB", "GB"):
        n /= 1000
        if n < 1000:
            break
    return f"{n:,.1f} {unit}"

"""The one rule from a file name to a vectors format, used by every save and every command.

``.w2v`` is the native format; ``.bin`` word2vec binary; ``.txt`` and ``.vec`` word2vec text; a
word2vec name may end in ``.gz`` or ``.bz2`` as well (compressed). A format asked for explicitly
(a flag, ``binary=``) decides for any other name, and contradicting the name is an error.
"""
import os

__all__ = ["FORMATS", "COMPRESSIONS", "SAVE_CALLS", "format_of", "choose_format", "describe_format"]

# format -> the extensions that name it
FORMATS = {"native": (".w2v",), "binary": (".bin",), "text": (".txt", ".vec")}
COMPRESSIONS = (".gz", ".bz2")
# how library code asks for each format, offered when a name contradicts the call
SAVE_CALLS = {"native": "save()", "binary": "save_word2vec_format(path, binary=True)",
              "text": "save_word2vec_format(path)"}
_DESCRIPTION = {"native": "w2v native", "binary": "word2vec binary", "text": "word2vec text"}


def _split(path):
    """(name without a compression suffix, compression suffix or "")."""
    name = os.path.basename(os.fspath(path)).lower()
    for suffix in COMPRESSIONS:
        if name.endswith(suffix):
            return name[:-len(suffix)], suffix
    return name, ""


def format_of(path):
    """The format ``path``'s name gives: ``"native"``, ``"binary"``, ``"text"``, or None.

    Examples
    --------
    >>> [format_of(p) for p in ("m.w2v", "v.bin", "v.txt.gz", "v.vec", "model", "v.npz")]
    ['native', 'binary', 'text', 'text', None, None]
    """
    name, _ = _split(path)
    for fmt, extensions in FORMATS.items():
        if name.endswith(extensions):
            return fmt
    return None


def choose_format(path, requested=None, default=None, how=None):
    """The format to write ``path`` in: ``requested`` if given, else the name's, else ``default``.

    Parameters
    ----------
    path : str or os.PathLike
        The file to be written.
    requested : {"native", "binary", "text"} or None
        A format asked for explicitly; it must not contradict the name's.
    default : {"native", "binary", "text"} or None
        For a name that gives no format; None makes such a name an error.
    how : dict, optional
        How the caller asks for each format (``{"binary": "--binary"}``), offered in the message.

    Raises
    ------
    ValueError
        When ``requested`` contradicts the name, when a native file would be compressed, or when
        nothing decides.

    Examples
    --------
    >>> choose_format("vectors.bin"), choose_format("out", requested="text")
    ('binary', 'text')
    >>> choose_format("model", default="native")
    'native'
    >>> choose_format("vectors.bin", requested="text", how={"binary": "--binary"})
    Traceback (most recent call last):
    ...
    ValueError: vectors.bin: a .bin name means word2vec binary, not word2vec text; name it .txt or .vec, or use --binary
    """
    if requested is not None and requested not in FORMATS:
        raise ValueError(f"unknown format {requested!r}; known: {', '.join(FORMATS)}")
    path = os.fspath(path)
    named = format_of(path)
    if requested is not None and named is not None and requested != named:
        extension = _split(path)[0].rsplit(".", 1)[-1]
        other = f", or use {how[named]}" if how and named in how else ""
        raise ValueError(f"{path}: a .{extension} name means {_DESCRIPTION[named]}, not "
                         f"{_DESCRIPTION[requested]}; name it {' or '.join(FORMATS[requested])}{other}")
    fmt = requested or named or default
    if fmt is None:
        raise ValueError(f"{path}: the name does not say the format; end it in .w2v (native), .bin "
                         f"(word2vec binary), .txt or .vec (word2vec text)"
                         + (f", or use {', '.join(how.values())}" if how else ""))
    if fmt == "native" and _split(path)[1]:
        raise ValueError(f"{path}: a w2v native file cannot be compressed ({_split(path)[1]}); "
                         f"name it .w2v")
    return fmt


def describe_format(fmt):
    """``"word2vec binary"`` etc., for messages."""
    return _DESCRIPTION[fmt]

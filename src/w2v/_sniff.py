"""Name what a file that failed to load looks like, from its first bytes, for the error message."""
import re

_MAGIC = (
    (b"PK\x03\x04", "a zip archive (w2v native files are zip archives: load them with "
                    "KeyedVectors.load or Word2Vec.load)"),
    (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"%PDF", "a PDF document"),
    (b"\x93NUMPY", "a single NumPy .npy array"),
    (b"\x80", "a Python pickle (w2v never loads pickles: convert a gensim model or vectors saved "
              "with save() once with 'w2v convert --from-gensim FILE OUT.w2v' (only files you trust), "
              "or in gensim write the vectors with wv.save_word2vec_format and load that file)"),
    (b"\xff\xfe", "UTF-16 text"), (b"\xfe\xff", "UTF-16 text"),
    (b"\x1f\x8b", "gzip-compressed data"), (b"BZh", "bzip2-compressed data"),
    (b"\xfd7zXZ\x00", "xz-compressed data"),
)
_WORD2VEC_HEADER = re.compile(rb"\A\d+ \d+\s*\n")


def describe(path):
    """``"; it looks like ..."`` for a recognised kind of file, else ``""``.

    Examples
    --------
    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "x")
    >>> _ = open(p, "wb").write(b"\\x89PNG\\r\\n\\x1a\\n")
    >>> describe(p)
    '; it looks like a PNG image'
    """
    try:
        with open(path, "rb") as f:
            head = f.read(64)
    except OSError:
        return ""
    if not head:
        return "; the file is empty"
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return f"; it looks like {what}"
    if _WORD2VEC_HEADER.match(head):
        return ("; it looks like word2vec vectors (load them with "
                "KeyedVectors.load_word2vec_format)")
    return ""

"""Name what a file that failed to load looks like, from its first bytes, for the error message:
vectors files that are something else, and text corpora that are binary files."""
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
    (b"\x7fELF", "an executable program (ELF)"), (b"MZ", "a Windows executable"),
    (b"\xcf\xfa\xed\xfe", "an executable program (Mach-O)"), (b"SQLite format 3\x00", "an SQLite database"),
)
_TEXT_KINDS = ("UTF-16 text",)     # magic numbers that are text: the decoding errors say what to do
# Bytes that text never holds (controls other than tab, newlines, form feed and escape).
_CONTROL = bytes(b for b in range(32) if b not in b"\t\n\x0b\x0c\r\x1b")
#: A head with more than this share of control bytes is binary (text has none or a few) ...
CONTROL_SHARE = 0.05
#: ... when it has at least this many bytes (a few bytes say too little).
MIN_JUDGED = 16
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
    what = _magic(head)
    if what:
        return f"; it looks like {what}"
    if _WORD2VEC_HEADER.match(head):
        return ("; it looks like word2vec vectors (load them with "
                "KeyedVectors.load_word2vec_format)")
    return ""


def _magic(head):
    return next((what for magic, what in _MAGIC if head.startswith(magic)), None)


def binary_kind(head):
    """What the first bytes of a file that should be text look like when they are not text, else None.

    A recognised magic number (a zip archive such as a w2v model, an executable, a pickle ...),
    or, in a head of at least :data:`MIN_JUDGED` bytes, NUL bytes that are not UTF-16/32's every
    other byte or more than :data:`CONTROL_SHARE` control bytes. ``head`` may be decoded text (its first characters are taken as bytes).

    Examples
    --------
    >>> binary_kind(b"\\x7fELF\\x02\\x01\\x01\\x00\\x00")
    'an executable program (ELF)'
    >>> binary_kind(b"the cat sat\\n"), binary_kind("h\\x00e\\x00l\\x00l\\x00o\\x00".encode())
    (None, None)
    >>> binary_kind(bytes(range(256)))
    'a binary file'
    """
    if isinstance(head, str):
        head = head.encode("latin-1", "replace")
    head = bytes(head[:4096])
    what = _magic(head)
    if what in _TEXT_KINDS:
        return None
    if what:
        return what
    if len(head) < MIN_JUDGED:
        return None
    nul = head.count(0)
    if nul and not (head[0::2].count(0) > 0.4 * len(head[0::2]) or head[1::2].count(0) > 0.4 * len(head[1::2])):
        return "a binary file"        # NUL bytes, but not UTF-16 or UTF-32 text's
    if sum(head.count(c) for c in _CONTROL) - nul > CONTROL_SHARE * len(head):
        return "a binary file"
    return None

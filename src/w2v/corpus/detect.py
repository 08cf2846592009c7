"""``encoding="auto"`` (CLI ``--encoding auto``): guess a text file's encoding from its first
megabyte, with charset-normalizer."""
import codecs
import logging

from .blocks import open_binary

logger = logging.getLogger(__name__)

SAMPLE_BYTES = 1 << 20
# A guess names the smallest encoding that fits the sample; the rest of the file may need its superset.
SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "ascii": "utf-8", "big5": "big5hkscs",
             "euc_kr": "cp949", "shift_jis": "cp932", "latin_1": "cp1252", "iso8859_1": "cp1252"}


def detect_encoding(path):
    """The encoding of the text file at ``path`` (compressed or not), guessed from its first
    megabyte: a codec name Python knows (``"utf-8"``, ``"gb18030"``, ``"big5hkscs"``, ...).

    Raises ``ValueError`` when the sample is not text in any encoding.

    Examples
    --------
    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "zh.txt")
    >>> _ = open(p, "wb").write("滚滚长江东逝水，浪花淘尽英雄。是非成败转头空。\\n".encode("gb18030") * 20)
    >>> detect_encoding(p)
    'gb18030'
    """
    from charset_normalizer import from_bytes

    with open_binary(path) as f:
        head = f.read(SAMPLE_BYTES)
    if len(head) == SAMPLE_BYTES and b"\n" in head:
        head = head[:head.rindex(b"\n") + 1]             # whole lines: no character cut in two
    if not head or head.startswith(b"\xef\xbb\xbf"):
        return "utf-8"
    best = from_bytes(head).best()
    if best is None:
        raise ValueError(f"{path}: cannot tell its encoding (it may not be text); pass encoding= "
                         f"(CLI: --encoding, e.g. utf-8, gb18030, big5)")
    name = codecs.lookup(best.encoding).name
    name = SUPERSETS.get(name.replace("-", "_"), name)
    name = "utf-8" if name in ("utf_8", "utf-8") else name
    logger.info("%s: detected encoding %s", path, name)
    return name

"""The registry of readers that recognise a file by its content, asked before a path is read as
lines: a new kind of corpus file is one module in ``corpus/`` and one line in :data:`READERS`.

A reader is any object with the :class:`FileReader` protocol; the line readers never import the
modules that implement them.
"""
from typing import Protocol

from . import wiki


class FileReader(Protocol):
    """What a content-sniffing reader offers.

    ``name`` names the kind of file; ``claims(path)`` looks at the file's first bytes (never its
    name) and says whether this reader reads it; ``open(path, **reader_options)`` returns a
    restartable iterable of sentences, taking the line readers' options (``tokenizer``,
    ``encoding``, ``errors``, ``max_sentence_length``, ``limit``).
    """

    name: str

    def claims(self, path) -> bool: ...

    def open(self, path, **reader_options): ...


# Asked in this order; the first reader that claims a file reads it.
READERS: "list[FileReader]" = [
    wiki.MEDIAWIKI,
]


def reader_for(path):
    """The registered reader that claims the file at ``path``, or None (read it as lines).

    Examples
    --------
    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "dump.xml")
    >>> _ = open(p, "w").write('<mediawiki><siteinfo/></mediawiki>')
    >>> reader_for(p).name, reader_for(__file__)
    ('mediawiki', None)
    """
    return next((r for r in READERS if r.claims(path)), None)

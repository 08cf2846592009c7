"""Numba's compiling and cache as w2v's users meet them: a call back when a w2v function is really
compiled (not loaded from Numba's cache), for the command line's one-line notice and for
:mod:`w2v.cli.warm`; and cache entries that go stale when any of w2v's compiled sources changes.

Numba stamps a function's cache entry with the hash of the function's own source file only, so a
kernel that inlines or calls a function of another module (every job calls ``objectives.py``
and ``inputs.py``) kept loading its old machine code after that module changed: in a source
checkout after a pull, or in an environment where an upgrade left the runtime-compiled entries of
the older version beside the new sources. Importing this module (:mod:`w2v.compiler` does, and
every module that compiles functions takes its ``njit`` from there) makes the stamp of w2v's
functions also cover the sources of all of w2v's compiled modules.
"""
import contextlib
import hashlib
import os

from numba.core import caching, event

__all__ = ["compiling", "sources_digest"]

PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


@contextlib.contextmanager
def compiling(callback, package="w2v", once=True):
    """Call ``callback(name)`` when a function of ``package`` starts compiling inside the ``with``
    block (a function loaded from Numba's cache is not compiled): only the first time, or every
    time with ``once=False``.

    Parameters
    ----------
    callback : callable
        Takes the compiled function's qualified name; called in the compiling thread.
    package : str
        Functions whose module is this package or one of its modules count.
    once : bool
        Call back for the first compiled function only.

    Examples
    --------
    >>> names = []
    >>> with compiling(names.append):
    ...     pass
    >>> names
    []
    """
    with event.install_listener("numba:compile", _Compiles(callback, package, once)):
        yield


class _Compiles(event.Listener):
    """A ``numba:compile`` listener that calls back when one of the package's functions compiles."""

    def __init__(self, callback, package, once):
        self.callback = callback
        self.package = package
        self.once = once
        self.called = False

    def on_start(self, ev):
        func = ev.data["dispatcher"].py_func
        module = func.__module__ or ""
        ours = module == self.package or module.startswith(self.package + ".")
        if ours and not (self.once and self.called):
            self.called = True
            self.callback(func.__qualname__)

    def on_end(self, ev):
        pass


def sources_digest(root=PACKAGE_DIR):
    """SHA-256 of every ``.py`` file under ``root`` that uses Numba, with their relative paths, in
    sorted order: what w2v's compiled code is made from. Read once per process (about 2 ms).

    Examples
    --------
    >>> len(sources_digest())
    64
    """
    digest = _DIGESTS.get(root)
    if digest is None:
        h = hashlib.sha256()
        for folder, dirs, files in sorted(os.walk(root)):
            dirs.sort()
            for name in sorted(files):
                if name.endswith(".py"):
                    with open(os.path.join(folder, name), "rb") as f:
                        text = f.read()
                    if b"numba" in text:
                        h.update(os.path.relpath(os.path.join(folder, name), root).encode() + b"\0" + text)
        digest = _DIGESTS[root] = h.hexdigest()
    return digest


_DIGESTS = {}


class _PackageStamp:
    """Mixed into Numba's cache locators: for w2v's own functions, the stamp that decides whether a
    cache entry is current becomes (the file's stamp, :func:`sources_digest`); other functions
    are left to Numba's own locators."""

    @classmethod
    def from_function(cls, py_func, py_file):
        if not os.path.abspath(py_file).startswith(PACKAGE_DIR + os.sep):
            return None
        return super().from_function(py_func, py_file)

    def get_source_stamp(self):
        return super().get_source_stamp(), sources_digest()


class _UserProvided(_PackageStamp, caching.UserProvidedCacheLocator):
    pass


class _InTree(_PackageStamp, caching.InTreeCacheLocator):
    pass


class _UserWide(_PackageStamp, caching.UserWideCacheLocator):
    pass


def _install():
    """Put the package-stamped locators first, in Numba's own order (the folder ``NUMBA_CACHE_DIR``
    names, beside the module, the user's cache folder). Idempotent."""
    mine = [_UserProvided, _InTree, _UserWide]
    classes = caching.CacheImpl._locator_classes
    if classes[:len(mine)] != mine:
        classes[:0] = mine


_install()

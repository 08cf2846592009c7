"""Numba's compiling as w2v's users meet it: a call back when a w2v function is really compiled (not
loaded from Numba's cache), for the command line's one-line notice and for :mod:`w2v.cli.warm`."""
import contextlib

from numba.core import event

__all__ = ["compiling"]


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

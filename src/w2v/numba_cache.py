"""Whether Numba will compile w2v's functions on their first call (a cold on-disk cache), so that
the command line can say so instead of showing a progress bar stuck at 0 % for half a minute.

Numba keeps compiled code beside each module (``__pycache__/*.nbi`` and ``*.nbc``) or under
``NUMBA_CACHE_DIR``; an index that is missing, or stale because its source file changed, means
compiling. The check reads that index and never compiles anything.
"""
__all__ = ["will_compile"]


def will_compile(kernel=None):
    """True when a training kernel has no compiled code to reuse: its first call compiles it.

    Only the job kernels are checked: they take nearly all the compiling time (the corpus and
    vocabulary functions take a second or two, and which of them run depends on the input).

    Parameters
    ----------
    kernel : str, optional
        A key of ``w2v.kernels.KERNELS`` (``Config.kernel``); None: any of them.

    Returns
    -------
    bool
        False also when the cache cannot be inspected (a Numba without on-disk caching): the
        answer is a courtesy for a message, never a reason to fail.

    Examples
    --------
    >>> will_compile("sg") in (True, False)
    True
    """
    from .kernels import KERNELS

    kernels = KERNELS.values() if kernel is None else [KERNELS[kernel]]
    return any(_is_cold(k) for k in kernels)


def _is_cold(function):
    """True when ``function`` is a cached Numba dispatcher with nothing compiled in memory or on disk."""
    cache = getattr(function, "_cache", None)
    index = getattr(getattr(cache, "_cache_file", None), "_load_index", None)
    if index is None or not hasattr(function, "signatures"):
        return False                      # not a Numba function, or one without a disk cache
    if function.signatures:               # already compiled (or loaded) in this process
        return False
    try:
        return not index()
    except Exception:                     # an unreadable index: Numba will recompile, say so
        return True

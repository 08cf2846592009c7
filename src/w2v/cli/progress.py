"""How the training commands show progress: tqdm's bar in a terminal, one line per epoch in a pipe
or a log (both drawn by the library: w2v.engines.epochs.progress_style), nothing with --quiet; and
the notice before the kernels' first compilation."""
import sys


def progress_mode(quiet):
    """``"quiet"``, ``"bar"`` (a terminal: tqdm's bar) or ``"lines"`` (a pipe or log: a line an epoch)."""
    if quiet:
        return "quiet"
    return "bar" if sys.stderr.isatty() else "lines"


def will_compile(kernel):
    """True when ``kernel`` is not in Numba's cache yet (its first call compiles it)."""
    from ..numba_cache import will_compile as cold

    return cold(kernel)


def announce_compile(show, kernel):
    """Say so before a first run compiles the kernels (a minute of silence otherwise)."""
    if show != "quiet" and will_compile(kernel):
        print("compiling the kernels (first run only)...", file=sys.stderr)

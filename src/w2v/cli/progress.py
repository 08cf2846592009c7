"""How the training commands show progress: tqdm's bar in a terminal, one line per epoch in a pipe
or a log (both drawn by the library: w2v.engines.epochs.progress_style), nothing with --quiet; and
the notice when the kernels are compiled (a cold cache)."""
import contextlib
import sys


def progress_mode(quiet):
    """``"quiet"``, ``"bar"`` (a terminal: tqdm's bar) or ``"lines"`` (a pipe or log: a line an epoch)."""
    if quiet:
        return "quiet"
    return "bar" if sys.stderr.isatty() else "lines"


COMPILING = "compiling w2v's kernels for these settings (once: later runs load them from the cache)..."


def compile_notice(args):
    """A context for running a command in which Numba's first compile of a w2v function prints
    :data:`COMPILING` on stderr, once: for the commands that ask for it
    (``set_defaults(compile_notice=True)``), unless --quiet; nothing when all loads from the cache."""
    if not getattr(args, "compile_notice", False) or progress_mode(args.quiet) == "quiet":
        return contextlib.nullcontext()
    from tqdm.auto import tqdm

    from ..numba_cache import compiling

    return compiling(lambda name: tqdm.write(COMPILING, file=sys.stderr))

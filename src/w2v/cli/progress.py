"""How the training commands show progress: tqdm's bar in a terminal, one line per epoch in a pipe
or a log, nothing with --quiet; and the notice when the kernels are compiled (a cold cache)."""
import contextlib
import sys


def progress_mode(quiet):
    """``"quiet"``, ``"bar"`` (a terminal: tqdm's bar) or ``"lines"`` (a pipe or log: a line an epoch)."""
    if quiet:
        return "quiet"
    return "bar" if sys.stderr.isatty() else "lines"


class EpochLines:
    """A training callback that prints one line per epoch on stderr (progress outside a terminal)."""

    def __init__(self, epochs):
        self.epochs = epochs

    def on_epoch_end(self, model):
        e = model.training_log[-1]
        print(f"epoch {e['epoch'] + 1}/{self.epochs}: loss {e['loss']:.4f}, {e['tokens']:,} tokens in "
              f"{e['seconds']:.1f}s ({e['tokens_per_sec']:,.0f} tokens/s), alpha {e['alpha']:.5f}",
              file=sys.stderr, flush=True)


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

"""The ``w2v`` command line: builds the sub-command parsers and turns errors into exit codes.

Each sub-module of this package registers its own sub-commands with ``register(subparsers)``.
Errors the input can cause (a bad flag, file, word or encoding) print one line and exit 2; any
other exception is a bug in w2v: its traceback is printed, with a request to report it, exit 1.
"""
import argparse
import contextlib
import difflib
import gc
import importlib
import logging
import os
import sys
import traceback

from .progress import compile_notice

# Sub-modules that register commands; each defines register(subparsers).
COMMAND_MODULES = ("train", "vocab", "demo", "query", "evaluation", "corpus", "phrases", "index", "serve",
                   "fasttext", "doc2vec")

REPORT = ("w2v: this is a bug in w2v, not a problem with your input: please report it with the "
          "command line and the traceback above")


class UsageError(Exception):
    """A command line that cannot be parsed; printed as one line, exit code 2, with the help to see."""

    def __init__(self, message, see="w2v --help"):
        super().__init__(message)
        self.see = see


class Parser(argparse.ArgumentParser):
    """ArgumentParser whose errors raise instead of printing usage and exiting.

    It also records, as ``typed_flags`` (dest -> option string), the spelling of each option the
    user typed, so that messages can name ``--size`` or ``-size`` rather than ``vector_size``.
    """

    def error(self, message):
        raise UsageError(f"{self.prog}: {message}")

    def parse_args(self, args=None, namespace=None):
        args = sys.argv[1:] if args is None else list(args)
        namespace, extras = self.parse_known_args(args, namespace)
        if extras:
            command = getattr(namespace, "command", None)
            parser = getattr(self, "commands", {}).get(command, self)
            raise UsageError(parser.unknown_arguments(extras), see=f"{parser.prog} --help")
        return namespace

    def unknown_arguments(self, extras):
        """The message for arguments this parser does not know, naming the closest flag it has
        (``--sise`` -> ``--size``)."""
        message = f"{self.prog}: unrecognized arguments: {' '.join(extras)}"
        flags = [f for f in self._option_string_actions if f.startswith("-")]
        for token in extras:
            if token.startswith("-"):
                near = difflib.get_close_matches(token.split("=", 1)[0], flags, n=1, cutoff=0.75)
                if near:
                    return f"{message}; did you mean {near[0]}?"
        return message

    def parse_known_args(self, args=None, namespace=None):
        namespace, extras = super().parse_known_args(args, namespace)
        typed = dict(getattr(namespace, "typed_flags", None) or {})
        for token in (sys.argv[1:] if args is None else args):
            option = str(token).split("=", 1)[0]
            action = self._option_string_actions.get(option)
            if action is not None:
                typed[action.dest] = option         # the last one given wins, as in argparse
        namespace.typed_flags = typed
        return namespace, extras


def version():
    """The installed package's version (pyproject.toml is its one source)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as package_version

    try:
        return package_version("w2v")
    except PackageNotFoundError:
        return "unknown (w2v is not installed: python3 -m pip install .)"


def is_input_error(exc):
    """True for the exceptions bad input causes (one line, exit 2); False for bugs (exit 1).

    Input: ``ValueError`` (the library's checks, ``UnicodeDecodeError``), an unknown word
    (``UnknownKeyError``, a ``KeyError``), an ``OSError`` (a missing file, a folder, permissions,
    a full disk), an unknown codec (a plain ``LookupError``). Not input: ``IndexError`` and any
    other ``KeyError`` or ``LookupError``, ``AttributeError``, ``TypeError``, ``AssertionError``...
    """
    from ..models.keyedvectors import UnknownKeyError

    return (isinstance(exc, (UsageError, ValueError, UnknownKeyError, OSError))
            or type(exc) is LookupError)


def build_parser():
    parser = Parser(prog="w2v", description="Train, query and evaluate word2vec embeddings.",
                    allow_abbrev=False)
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    parser.add_argument("--version", action="version", version=f"w2v {version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(f"{__name__}.{name}").register(sub)
    parser.commands = sub.choices         # command name -> its parser, for unknown flags' messages
    return parser


HINTS_LOGGER = "w2v.corpus.hints"


class StderrLines(logging.Handler):
    """Log records as ``w2v: hint: MESSAGE`` lines on the current ``sys.stderr``."""

    def emit(self, record):
        print(f"w2v: hint: {record.getMessage()}", file=sys.stderr)


@contextlib.contextmanager
def hints_shown(quiet):
    """While a command runs, the library's hints (:mod:`w2v.corpus.hints`) are ``w2v: hint:`` lines
    (none with --quiet) instead of log records; the logger is as it was afterwards (tests and
    library users call :func:`main` in their own process)."""
    log = logging.getLogger(HINTS_LOGGER)
    saved = log.propagate, log.level
    handler = StderrLines()
    log.propagate = False
    log.addHandler(handler)
    log.setLevel(logging.ERROR if quiet else logging.WARNING)
    try:
        yield
    finally:
        log.removeHandler(handler)
        log.propagate, log.level = saved


def main(argv=None):
    """Run the command line; return the exit code (0 success, 2 bad input, 1 a bug in w2v)."""
    argv = sys.argv[1:] if argv is None else [str(a) for a in argv]
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            parser.print_help()
            return 2
        logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        with hints_shown(quiet=getattr(args, "quiet", False)), compile_notice(args):
            return args.func(args) or 0
    except SystemExit as e:          # --help and --version print, then exit 0
        return e.code if isinstance(e.code, int) else 0
    except BrokenPipeError:          # the reader went away (w2v vocab ... | head): not an error
        return 0
    except MemoryError as e:
        print(f"w2v: error: not enough memory ({e or 'MemoryError'}); lower --size or the vocabulary "
              f"(--min-count, --max-final-vocab)", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("w2v: interrupted", file=sys.stderr)
        return 130
    except Exception as e:
        if isinstance(e, UsageError):
            print(f"{e} (see '{e.see}')", file=sys.stderr)
            return 2
        if is_input_error(e):
            # KeyError's str() quotes its message; print the message itself.
            message = e.args[0] if isinstance(e, KeyError) and e.args else e
            print(f"w2v: error: {message}", file=sys.stderr)
            return 2
        traceback.print_exc()
        print(f"w2v: internal error: {type(e).__name__}: {e}", file=sys.stderr)
        print(REPORT + f" (w2v {version()}, Python {sys.version.split()[0]})", file=sys.stderr)
        return 1


# Commands whose work is w2v's own threads and that never multiply matrices. OpenBLAS starts a
# thread pool as it loads (numpy's, and scipy's, which Numba loads) and the pool spins on the same
# cores for a while: 9 % of w2v phrases on two cores (median of 8 interleaved runs, 1.60 -> 1.45 s).
NO_BLAS_COMMANDS = ("phrases", "corpus", "vocab")
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS")


def command_of(argv):
    """The sub-command named in ``argv`` (its first word that is not an option), or None.

    Examples
    --------
    >>> command_of(["-v", "phrases", "in.txt"]), command_of(["--version"])
    ('phrases', None)
    """
    return next((a for a in argv if not a.startswith("-")), None)


def run():
    """The ``w2v`` program (console script and ``python -m w2v``): :func:`main`, with the process
    set up for a command line.

    - The cyclic garbage collector is told that what is alive lives until the process ends
      (``gc.freeze``), at the start and again before exiting. Numba and LLVM leave hundreds of
      thousands of objects behind and interpreter shutdown runs several full collections, each
      walking them all: the freeze before exiting skips that, 0.15-0.3 s of a short command's
      time (the one at the start only covers the few objects made before the command runs).
    - For :data:`NO_BLAS_COMMANDS`, OpenBLAS gets one thread unless the user chose a number
      (:data:`BLAS_THREAD_VARIABLES`); it is read when numpy loads, which is after this.

    Tests and library users call :func:`main`, which leaves the process alone.
    """
    if command_of(sys.argv[1:]) in NO_BLAS_COMMANDS and not any(v in os.environ for v in BLAS_THREAD_VARIABLES):
        os.environ["OPENBLAS_NUM_THREADS"] = "1"
    gc.freeze()
    try:
        return main()
    finally:
        gc.freeze()


if __name__ == "__main__":
    sys.exit(run())

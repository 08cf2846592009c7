"""The ``w2v`` command line: builds the sub-command parsers and turns errors into exit code 2.

Each sub-module of this package registers its own sub-commands with ``register(subparsers)``.
"""
import argparse
import importlib
import logging
import sys

# Sub-modules that register commands; each defines register(subparsers).
COMMAND_MODULES = ("train", "query", "evaluation")


class UsageError(Exception):
    """A command line that cannot be parsed; printed as one line, exit code 2."""


class Parser(argparse.ArgumentParser):
    """ArgumentParser whose errors raise instead of printing usage and exiting."""

    def error(self, message):
        raise UsageError(f"{self.prog}: {message}")


def non_negative_int(text):
    """argparse type: a whole number >= 0, with a one-line message otherwise."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, not {value}")
    return value


def positive_int(text):
    """argparse type: a whole number >= 1."""
    value = non_negative_int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def build_parser():
    parser = Parser(prog="w2v", description="Train, query and evaluate word2vec embeddings.",
                    allow_abbrev=False)
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(f"{__name__}.{name}").register(sub)
    return parser


def main(argv=None):
    """Run the command line; return the exit code (0 success, 2 bad input)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            parser.print_help()
            return 2
        logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        return args.func(args) or 0
    except UsageError as e:
        print(f"{e} (see 'w2v --help')", file=sys.stderr)
        return 2
    except KeyError as e:
        # KeyError's str() quotes its message; print the message itself.
        print(f"w2v: error: {e.args[0] if e.args else e}", file=sys.stderr)
        return 2
    except BrokenPipeError:          # an OSError: before the clause below
        return 0
    except (ValueError, LookupError, OSError) as e:   # LookupError: an unknown codec
        print(f"w2v: error: {e}", file=sys.stderr)
        return 2
    except MemoryError as e:
        print(f"w2v: error: not enough memory ({e or 'MemoryError'}); lower --size or the vocabulary "
              f"(--min-count, --max-final-vocab)", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("w2v: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

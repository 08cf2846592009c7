"""``w2v corpus``: Wikipedia dumps, text files and folders to one cleaned, tokenized text file.

One sentence a line, tokens joined by a space: what ``w2v train`` reads back with its
default whitespace tokenizer, so a corpus segmented once (e.g. Chinese with jieba) trains
many times.
"""
import gzip
import os
import sys

from .options import add_text_options, default_threads, positive_int, tokenizer_option
from .outputs import check_output


class _LinePerUpdate:
    """A file for tqdm outside a terminal: each refresh becomes one line instead of a ``\\r``."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, text):
        text = text.replace("\r", "").strip()
        if text:
            self.stream.write(text + "\n")

    def flush(self):
        self.stream.flush()


def _progress_bar(total_bytes, quiet):
    from tqdm import tqdm

    tty = sys.stderr.isatty()
    return tqdm(total=total_bytes / 1e6, unit="MB", desc="reading", disable=quiet,
                bar_format="{desc}: {percentage:3.0f}%|{bar}| {n:.1f}/{total:.1f} MB "
                           "[{elapsed}<{remaining}{postfix}]",
                file=sys.stderr if tty else _LinePerUpdate(sys.stderr),
                mininterval=0.5 if tty else 10, leave=not tty)   # outside a terminal the last line stays


def _input_files(inputs):
    files = []
    for path in inputs:
        if os.path.isdir(path):
            names = sorted(n for n in os.listdir(path) if not n.startswith("."))
            found = [os.path.join(path, n) for n in names if os.path.isfile(os.path.join(path, n))]
            if not found:
                raise ValueError(f"{path}: the folder holds no files")
            files.extend(found)
        elif os.path.isfile(path):
            files.append(path)
        else:
            raise FileNotFoundError(f"{path}: no such file or folder")
    return files


def cmd_corpus(args):
    from .._atomic import atomic_write
    from ..corpus import LineSentence, WikiDump, sniff

    files = _input_files(args.inputs)
    check_output(args.output, "-o", example="corpus.txt.gz")
    out = os.path.abspath(args.output)
    if any(os.path.abspath(f) == out for f in files):
        raise ValueError(f"{args.output}: is also an input; write to another file")
    tokenizer = tokenizer_option(args)
    kinds = [sniff(f) for f in files]
    for f, kind in zip(files, kinds):
        if kind == "xml":
            raise ValueError(f"{f}: an XML file, but not a MediaWiki dump (no <mediawiki> root)")
    errors = args.errors or "strict"
    total = sum(os.path.getsize(f) for f in files)
    lines = tokens = 0
    summaries = []
    with _progress_bar(total, args.quiet) as bar, atomic_write(args.output, "wb") as raw:
        gz = gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) if args.output.endswith(".gz") else None
        sink = gz or raw
        done = 0
        for path, kind in zip(files, kinds):
            if kind == "mediawiki":
                def show(stats, start=done):
                    bar.set_postfix_str(f"{stats.pages:,} pages", refresh=False)
                    bar.update((start + stats.bytes_read) / 1e6 - bar.n)

                reader = WikiDump(path, tokenizer=tokenizer or "simple", variant=args.variant,
                                  workers=args.workers, errors=errors, progress=show,
                                  index=False if args.no_index else None)
                source = reader.lines()
            else:
                reader = LineSentence(path, tokenizer=tokenizer or "whitespace",
                                      encoding=args.encoding or "utf-8", errors=errors)
                source = (" ".join(s) for s in reader)
            buffer = []
            for line in source:
                buffer.append(line)
                tokens += line.count(" ") + 1
                if len(buffer) >= 4096:
                    sink.write(("\n".join(buffer) + "\n").encode("utf-8"))
                    lines += len(buffer)
                    buffer = []
            if buffer:
                sink.write(("\n".join(buffer) + "\n").encode("utf-8"))
                lines += len(buffer)
            done += os.path.getsize(path)
            bar.update(done / 1e6 - bar.n)
            if kind == "mediawiki":
                summaries.append(f"{path}: {reader.stats.summary()}")
        if not lines:     # raised inside atomic_write: no output file is left behind
            raise ValueError(f"the corpus is empty: no sentence in {', '.join(args.inputs)}")
        if gz is not None:
            gz.close()
    for line in summaries:
        print(line, file=sys.stderr)
    print(f"wrote {lines:,} sentences, {tokens:,} tokens to {args.output}", file=sys.stderr)
    return 0


def register(sub):
    from ..corpus.wikitext import VARIANTS

    p = sub.add_parser(
        "corpus", help="clean and tokenize Wikipedia dumps, text files or folders into one text file",
        description="Write INPUT (a Wikipedia dump such as pages-articles.xml.bz2, a text file or a "
                    "folder) as one sentence a line, tokens separated by spaces: the text w2v train "
                    "reads. Dumps are recognised by content; their default tokenizer is simple "
                    "(lower-cased words and numbers), a text file's whitespace.",
        allow_abbrev=False)
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="dump, text file or folder")
    p.add_argument("-o", "--output", required=True, metavar="OUT",
                   help="the text file to write (.gz: compressed); written atomically")
    w = p.add_argument_group("Wikipedia dumps")
    w.add_argument("--variant", choices=VARIANTS, default="zh-hans",
                   help="Chinese variant kept from -{zh-hans:...;zh-hant:...}- markup (zh-hans)")
    w.add_argument("--workers", "--threads", dest="workers", type=positive_int, default=default_threads(),
                   help=f"processes cleaning pages (all cores: {default_threads()})")
    w.add_argument("--no-index", action="store_true",
                   help="ignore a multistream dump's -index.txt.bz2 (read the dump as one stream)")
    add_text_options(p)
    p.set_defaults(func=cmd_corpus)

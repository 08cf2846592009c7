"""MediaWiki dumps (``pages-articles`` XML, plain or compressed, multistream too) as a corpus.

The XML is streamed (one page in memory at a time); articles (namespace 0, not redirects)
go to worker processes that turn their wikitext into sentences (:mod:`.wikitext`) and
tokens. With a multistream dump's ``-index.txt.bz2`` beside it, the workers also
decompress and parse the dump's bz2 streams themselves. Output keeps the dump's order.
"""
import bz2
import codecs
import collections
import concurrent.futures
import dataclasses
import gzip
import logging
import lzma
import multiprocessing
import os
import xml.etree.ElementTree as ET

from .blocks import prefetch
from .tokenizers import get_tokenizer
from .wikitext import WikiCleaner, is_redirect

logger = logging.getLogger(__name__)

_CHUNK = 1 << 20                # decompressed bytes fed to the XML parser at a time
_TASK_CHARS = 1 << 20           # wikitext characters per worker task (no index)
_STREAMS_PER_TASK = 4           # multistream: bz2 streams (about 100 pages each) per task
_TOKEN_SEP, _SENTENCE_SEP = "\x1f", "\x1e"   # never inside a token: whitespace to every tokenizer
_FILE_NAMESPACES = ("-2", "6", "14")          # Media, File, Category: their links hold no prose


@dataclasses.dataclass
class WikiStats:
    """What a pass over a dump has seen so far (updated as it goes).

    ``articles``: kept pages; ``redirects``; ``skipped``: pages of other namespaces (talk,
    user, template, ...); ``empty``: articles with no prose left; ``failed``: pages whose
    wikitext could not be cleaned; ``bytes_read`` of ``bytes_total``: the (compressed) file.
    """

    articles: int = 0
    redirects: int = 0
    skipped: int = 0
    empty: int = 0
    failed: int = 0
    sentences: int = 0
    bytes_read: int = 0
    bytes_total: int = 0

    @property
    def pages(self):
        return self.articles + self.redirects + self.skipped + self.empty + self.failed

    def add(self, other):
        for f in ("articles", "redirects", "skipped", "empty", "failed", "sentences"):
            setattr(self, f, getattr(self, f) + getattr(other, f))

    def summary(self):
        return (f"{self.pages:,} pages: {self.articles:,} articles kept ({self.sentences:,} sentences), "
                f"{self.redirects:,} redirects and {self.skipped:,} other pages skipped, "
                f"{self.empty:,} empty, {self.failed:,} failed to parse")


# --------------------------------------------------------------------------- opening


class _Opened:
    """A dump opened for reading: ``stream`` (decompressed) and ``raw`` (for the position)."""

    def __init__(self, path):
        self.raw = open(path, "rb")
        magic = self.raw.read(6)
        self.raw.seek(0)
        if magic[:3] == b"BZh":
            self.stream = bz2.BZ2File(self.raw)
        elif magic[:2] == b"\x1f\x8b":
            self.stream = gzip.GzipFile(fileobj=self.raw)
        elif magic == b"\xfd7zXZ\x00":
            self.stream = lzma.LZMAFile(self.raw)
        else:
            self.stream = self.raw
        self.compression = {bz2.BZ2File: "bz2", gzip.GzipFile: "gzip", lzma.LZMAFile: "xz"}.get(
            type(self.stream))

    def close(self):
        self.stream.close()
        self.raw.close()


def _compression(path):
    opened = _Opened(path)
    opened.close()
    return opened.compression


def _head_text(head):
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", "replace")
    return head.decode("utf-8", "replace").lstrip("\ufeff")


def sniff(path):
    """``"mediawiki"`` for a MediaWiki XML dump (compressed or not), ``"xml"`` for other XML, else None.

    Recognised by content (after decompression), not by name.

    Examples
    --------
    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "dump")
    >>> _ = open(p, "w").write('<?xml version="1.0"?>\\n<mediawiki xmlns="x"><siteinfo/></mediawiki>')
    >>> sniff(p)
    'mediawiki'
    """
    if not os.path.isfile(path):
        return None
    opened = _Opened(path)
    try:
        head = opened.stream.read(4096)
    except (OSError, EOFError, lzma.LZMAError):
        return None
    finally:
        opened.close()
    text = _head_text(head).lstrip()
    if not text.startswith("<"):
        return None
    return "mediawiki" if "<mediawiki" in text else "xml"


def index_path(path):
    """Where a multistream dump's index would be: ``X-multistream-index.txt.bz2`` for ``X-multistream.xml.bz2``."""
    path = os.fspath(path)
    for suffix in (".xml.bz2", ".bz2", ".xml"):
        if path.endswith(suffix):
            return path[: -len(suffix)] + "-index.txt.bz2"
    return path + "-index.txt.bz2"


def _stream_offsets(index):
    """The sorted start offsets of a multistream dump's bz2 streams, from its index file."""
    offsets = set()
    with bz2.open(index, "rt", encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            head = line.split(":", 1)[0]
            if not head.isdigit():
                raise ValueError(f"{index}: line {n}: expected 'offset:page id:title', got {line.strip()[:60]!r}")
            offsets.add(int(head))
    return sorted(offsets)


# --------------------------------------------------------------------------- XML


def _local(tag):
    return tag.rpartition("}")[2]


def _page_fields(page):
    """``(title, ns, text, redirect)`` of a ``<page>`` element (namespaced or not)."""
    title = ns = text = None
    redirect = False
    for child in page:
        name = _local(child.tag)
        if name == "title":
            title = child.text or ""
        elif name == "ns":
            ns = (child.text or "").strip()
        elif name == "redirect":
            redirect = True
        elif name == "revision":
            for sub in child:
                if _local(sub.tag) == "text":
                    text = sub.text or ""
    return title or "", ns, text or "", redirect


def _namespaces(element):
    """``{key: name}`` from a ``<namespaces>`` element."""
    return {ns.get("key"): (ns.text or "") for ns in element}


class _PageReader:
    """Feeds decoded text to an XML pull parser and yields what it completes.

    ``feed`` returns lists of ``("namespaces", {key: name})`` and ``("page", fields)``
    events. ``fragment=True`` parses a run of ``<page>`` elements with no root (a
    multistream stream).
    """

    def __init__(self, name, errors, fragment=False):
        self.name = name
        self.errors = errors
        self.parser = ET.XMLPullParser(events=("start", "end"))
        self.root = None
        self.decoder = None
        self.offset = 0                  # decompressed bytes decoded so far
        self.fragment = fragment
        if fragment:
            self.parser.feed("<w2v-fragment>")

    def _decode(self, data, final=False):
        if self.decoder is None:
            if data.startswith((b"\xff\xfe", b"\xfe\xff")):
                self.decoder = codecs.getincrementaldecoder("utf-16")(self.errors)
            else:
                self.decoder = codecs.getincrementaldecoder("utf-8-sig")(self.errors)
        try:
            text = self.decoder.decode(data, final)
        except UnicodeDecodeError as exc:
            raise ValueError(f"{self.name}: invalid UTF-8 byte 0x{data[exc.start]:02x} at byte "
                             f"{self.offset + exc.start:,} of the decompressed dump; pass errors='replace' "
                             f"(CLI: --encoding-errors replace) to substitute it") from None
        self.offset += len(data)
        return text

    def feed(self, data, final=False):
        text = self._decode(data, final)
        try:
            if text:
                self.parser.feed(text)
            if final:
                if self.fragment:
                    self.parser.feed("</w2v-fragment>")
                self.parser.close()
        except ET.ParseError as exc:
            if final and "no element found" in str(exc):
                raise ValueError(f"{self.name}: the XML ends before </mediawiki> (a truncated "
                                 f"download?)") from None
            raise ValueError(f"{self.name}: not well-formed XML ({exc})") from None
        return self._events()

    def _events(self):
        out = []
        for event, elem in self.parser.read_events():
            if event == "start":
                if self.root is None:
                    self.root = elem
                    if not self.fragment and _local(elem.tag) != "mediawiki":
                        raise ValueError(f"{self.name}: an XML file, but not a MediaWiki dump (its root "
                                         f"element is <{_local(elem.tag)}>, not <mediawiki>)")
                continue
            name = _local(elem.tag)
            if name == "page":
                out.append(("page", _page_fields(elem)))
                self.root.clear()
            elif name == "namespaces":
                out.append(("namespaces", _namespaces(elem)))
        return out


def _decompressed_chunks(path, opened):
    """``(data, compressed bytes read)`` chunks of an opened dump, ``b""`` last; errors made clear."""
    while True:
        try:
            data = opened.stream.read(_CHUNK)
        except EOFError:
            raise ValueError(f"{path}: the compressed file ends early (a truncated download?)") from None
        except (OSError, lzma.LZMAError) as exc:
            raise ValueError(f"{path}: cannot decompress ({opened.compression}): {exc}") from None
        yield data, opened.raw.tell()
        if not data:
            return


def _read_pages(path, errors, stats):
    """Yield the events of a whole dump, read in this process; updates ``stats.bytes_read``."""
    opened = _Opened(path)
    reader = _PageReader(os.fspath(path), errors)
    chunks = prefetch(_decompressed_chunks(path, opened))   # decompression overlaps parsing
    try:
        for data, position in chunks:
            stats.bytes_read = position
            yield from reader.feed(data, final=not data)
    finally:
        chunks.close()          # stops the reading thread before the file closes
        opened.close()


# --------------------------------------------------------------------------- cleaning (workers)


class _Job:
    """What a worker needs: how to clean, how to tokenize, what to return. Picklable."""

    def __init__(self, tokenizer, variant, drop_prefixes, mode, max_sentence_length):
        self.tokenizer = tokenizer
        self.cleaner = WikiCleaner(variant, drop_prefixes)
        self.mode = mode
        self.max_sentence_length = max_sentence_length

    def page(self, sentences):
        """One article's output from its sentences, packed as a string ("" when nothing is left)."""
        if self.mode == "articles":
            return "\n".join(sentences)
        tok = self.tokenizer
        split = getattr(tok, "sentences", None)
        lists = []
        for s in sentences:
            for words in (split(s) if split is not None else (tok(s),)):
                m = self.max_sentence_length
                lists.extend(words[i:i + m] for i in range(0, len(words), m))
        lists = [w for w in lists if w]
        sep = " " if self.mode == "lines" else _TOKEN_SEP
        return (_SENTENCE_SEP if self.mode == "tokens" else "\n").join(sep.join(w) for w in lists)

    def pages(self, pages):
        """``(results, stats)`` for a list of ``(title, text)`` articles."""
        stats = WikiStats()
        out = []
        for title, text in pages:
            try:
                sentences = self.cleaner.sentences(text)
            except (RecursionError, MemoryError, ValueError) as exc:   # a page the rules cannot handle
                logger.warning("page %r failed to parse: %s", title, exc)
                stats.failed += 1
                continue
            packed = self.page(sentences)   # a tokenizer's error is not the page's: it propagates
            if not packed:
                stats.empty += 1
                continue
            stats.articles += 1
            stats.sentences += packed.count(_SENTENCE_SEP if self.mode == "tokens" else "\n") + 1
            out.append((title, packed))
        return out, stats


def _keep(fields, stats):
    """True for an article; counts redirects and other namespaces in ``stats``."""
    title, ns, text, redirect = fields
    if redirect or is_redirect(text):
        stats.redirects += 1
        return False
    if ns is not None and ns != "0":
        stats.skipped += 1
        return False
    return True


_WORKER_JOB = None


def _init_worker(job):
    global _WORKER_JOB
    _WORKER_JOB = job


def _task_pages(pages):
    return _WORKER_JOB.pages(pages)


def _task_streams(path, spans, errors, namespaces):
    """Decompress, parse and clean whole bz2 streams of a multistream dump."""
    stats = WikiStats()
    articles = []
    with open(path, "rb") as f:
        for start, end in spans:
            f.seek(start)
            raw = f.read(-1 if end is None else end - start)
            data = _decompress_streams(raw, f"{path}: the bz2 stream at byte {start:,}")
            data = data.replace(b"</mediawiki>", b"")
            reader = _PageReader(f"{path} (stream at byte {start:,})", errors, fragment=True)
            for kind, fields in reader.feed(data, final=True):
                if kind == "page" and _keep_ns(fields, stats, namespaces):
                    articles.append((fields[0], fields[2]))
    out, cleaned = _WORKER_JOB.pages(articles)
    stats.add(cleaned)
    return out, stats


def _decompress_streams(raw, what):
    """Every bz2 stream in ``raw`` (a span of a multistream file may hold several), decompressed."""
    parts = []
    while raw:
        d = bz2.BZ2Decompressor()
        try:
            parts.append(d.decompress(raw))
        except OSError as exc:
            raise ValueError(f"{what} is damaged ({exc})") from None
        if not d.eof:
            raise ValueError(f"{what} ends early (a truncated download?)")
        raw = d.unused_data
    return b"".join(parts)


def _keep_ns(fields, stats, namespaces):
    title, ns, text, redirect = fields
    if ns is None:   # very old dumps have no <ns>: go by the title's prefix
        prefix, colon, _ = title.partition(":")
        ns = "1" if colon and prefix in namespaces.values() else "0"
    return _keep((title, ns, text, redirect), stats)


class _Inline:
    """A stand-in for a process pool with one worker: runs each task here, when asked."""

    def __init__(self, job):
        _init_worker(job)

    def submit(self, fn, *args):
        f = concurrent.futures.Future()
        f.set_result(fn(*args))
        return f

    def shutdown(self, cancel_futures=False):
        pass


def _ordered(pool, tasks, window):
    """Results of ``tasks`` (``(fn, args)``), in order, at most ``window`` in flight (constant memory)."""
    pending = collections.deque()
    for fn, args in tasks:
        pending.append(pool.submit(fn, *args))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


# --------------------------------------------------------------------------- the reader


def _default_workers():
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


class WikiDump:
    """A Wikipedia (MediaWiki) dump as a restartable iterable of sentences (token lists).

    Streams ``pages-articles`` XML, plain or compressed (bz2, multistream too, gzip, xz),
    in constant memory; keeps articles (namespace 0), skips redirects (any language) and
    other namespaces; cleans wikitext to prose (:class:`w2v.corpus.wikitext.WikiCleaner`)
    and splits it into sentences (after . ! ? and 。！？；) in worker processes.

    Parameters
    ----------
    path : str or os.PathLike
        The dump, recognised by content (``<mediawiki``), not by name.
    tokenizer : str or callable
        As for :class:`w2v.corpus.LineSentence`; default ``"simple"`` (lower-cased words
        and numbers). ``"jieba"`` (or a :class:`w2v.corpus.chinese.ChineseTokenizer`) for Chinese.
    variant : str
        zhwiki language variant kept from ``-{zh-hans:...;zh-hant:...}-``: ``"zh-hans"``
        (default), ``"zh-hant"``, ``"zh-cn"``, ``"zh-tw"``, ``"zh-hk"``, ...
    workers : int or None
        Processes that clean (and, with an index, decompress); None: one per core.
    index : str or os.PathLike or None or False
        A multistream dump's ``-index.txt.bz2``; None looks beside the dump
        (:func:`index_path`), False reads the dump as one stream.
    max_sentence_length : int
        Longer sentences are split into consecutive chunks.
    errors : str
        ``"strict"``: invalid UTF-8 raises ``ValueError``; ``"replace"`` substitutes it.
    progress : callable or None
        Called with :attr:`stats` as reading goes (e.g. to update a progress bar).

    Attributes
    ----------
    stats : WikiStats
        Counts of the last (or current) pass: articles, redirects, skipped, empty, failed.

    Examples
    --------
    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "dump.xml")
    >>> _ = open(p, "w").write(
    ...     "<mediawiki><page><title>A</title><ns>0</ns><revision><text>'''Paris''' is in "
    ...     "[[France]].{{cite|x}} It is big!</text></revision></page><page><title>B</title>"
    ...     "<ns>0</ns><revision><text>#REDIRECT [[A]]</text></revision></page></mediawiki>")
    >>> d = WikiDump(p, workers=1)
    >>> list(d)
    [['paris', 'is', 'in', 'france'], ['it', 'is', 'big']]
    >>> list(d.articles())
    [('A', 'Paris is in France.\\nIt is big!')]
    >>> d.stats.articles, d.stats.redirects
    (1, 1)
    """

    def __init__(self, path, tokenizer="simple", variant="zh-hans", workers=None, index=None,
                 max_sentence_length=10000, errors="strict", progress=None):
        if not os.path.exists(path):
            raise FileNotFoundError(f"{os.fspath(path)}: no such file")
        kind = sniff(path)
        if kind != "mediawiki":
            what = "an XML file whose root is not <mediawiki>" if kind == "xml" else "not XML"
            raise ValueError(f"{os.fspath(path)}: not a MediaWiki dump ({what})")
        if workers is not None and int(workers) < 1:
            raise ValueError(f"workers must be None or >= 1, got {workers}")
        if int(max_sentence_length) < 1:
            raise ValueError(f"max_sentence_length must be >= 1, got {max_sentence_length}")
        try:
            codecs.lookup_error(errors)
        except (LookupError, TypeError):
            raise ValueError(f"unknown errors handler {errors!r}; use 'strict' or 'replace'") from None
        WikiCleaner(variant)      # checks the variant
        self.path = os.fspath(path)
        self.tokenizer = get_tokenizer(tokenizer)
        self.variant = variant
        self.workers = _default_workers() if workers is None else int(workers)
        self.max_sentence_length = int(max_sentence_length)
        self.errors = errors
        self.progress = progress
        if index is None:
            candidate = index_path(self.path)
            index = candidate if os.path.isfile(candidate) and _compression(self.path) == "bz2" else False
        elif index is not False and not os.path.isfile(index):
            raise FileNotFoundError(f"{os.fspath(index)}: no such index file")
        self.index = index or None
        self.stats = WikiStats()

    def __repr__(self):
        return f"WikiDump({self.path!r})"

    def __iter__(self):
        """Sentences as token lists."""
        for _, packed in self._results("tokens"):
            for sentence in packed.split(_SENTENCE_SEP):
                yield sentence.split(_TOKEN_SEP)

    def articles(self):
        """``(title, text)`` of each article: its prose, one sentence a line, not tokenized.

        Examples
        --------
        >>> import os, tempfile
        >>> p = os.path.join(tempfile.mkdtemp(), "dump.xml")
        >>> _ = open(p, "w").write('<mediawiki><page><title>A</title><ns>0</ns><revision>'
        ...                        '<text>-{zh-hans:计算机;zh-hant:電腦}-很快。</text></revision></page></mediawiki>')
        >>> list(WikiDump(p, variant="zh-hant", workers=1).articles())
        [('A', '電腦很快。')]
        """
        return iter(self._results("articles"))

    def wikitext(self):
        """``(title, wikitext)`` of each article, not cleaned (read in this process).

        For cleaning with other rules or another parser; redirects and other namespaces are
        skipped as by the other passes.

        Examples
        --------
        >>> import os, tempfile
        >>> p = os.path.join(tempfile.mkdtemp(), "dump.xml")
        >>> _ = open(p, "w").write('<mediawiki><page><title>A</title><ns>0</ns><revision>'
        ...                        '<text>[[x|y]]</text></revision></page></mediawiki>')
        >>> list(WikiDump(p).wikitext())
        [('A', '[[x|y]]')]
        """
        self.stats = stats = WikiStats(bytes_total=os.path.getsize(self.path))
        namespaces = {}
        for kind, value in _read_pages(self.path, self.errors, stats):
            if kind == "namespaces":
                namespaces = value
            elif _keep_ns(value, stats, namespaces):
                stats.articles += 1
                yield value[0], value[2]

    def lines(self):
        """Each sentence's tokens joined by a space: the lines ``w2v corpus`` writes."""
        for _, packed in self._results("lines"):
            yield from packed.split("\n")

    # -- the pass ---------------------------------------------------------------------------
    def _results(self, mode):
        self.stats = stats = WikiStats(bytes_total=os.path.getsize(self.path))
        if self.index:
            tasks, namespaces = self._stream_tasks(stats)
        else:
            events = _read_pages(self.path, self.errors, stats)
            namespaces = {}
            for kind, value in events:   # the <siteinfo> header comes before any page
                if kind == "namespaces":
                    namespaces = value
                else:
                    events = _chain_first((kind, value), events)
                break
            tasks = self._page_tasks(events, stats, namespaces)
        drop = [name for key, name in namespaces.items() if key in _FILE_NAMESPACES]
        job = _Job(self.tokenizer, self.variant, drop, mode, self.max_sentence_length)
        if self.workers == 1:
            pool = _Inline(job)
        else:
            methods = multiprocessing.get_all_start_methods()
            ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
            pool = concurrent.futures.ProcessPoolExecutor(self.workers, ctx, _init_worker, (job,))
        try:
            for out, task_stats in _ordered(pool, tasks, 2 * self.workers + 1):
                stats.add(task_stats)
                yield from out
                if self.progress is not None:
                    self.progress(stats)
        finally:
            pool.shutdown(cancel_futures=True)
        logger.info("%s: %s", self.path, stats.summary())

    def _page_tasks(self, events, stats, namespaces):
        batch, chars = [], 0
        for kind, fields in events:
            if kind != "page" or not _keep_ns(fields, stats, namespaces):
                continue
            batch.append((fields[0], fields[2]))
            chars += len(fields[2])
            if chars >= _TASK_CHARS:
                yield _task_pages, (batch,)
                batch, chars = [], 0
        if batch:
            yield _task_pages, (batch,)

    def _stream_tasks(self, stats):
        offsets = _stream_offsets(self.index)
        size = stats.bytes_total
        if not offsets or offsets[-1] >= size:
            raise ValueError(f"{self.index}: its offsets do not fit {self.path} ({size:,} bytes)")
        with open(self.path, "rb") as f:
            head = f.read(offsets[0])
        try:
            header = bz2.decompress(head) if head else b""
        except (OSError, EOFError, ValueError) as exc:
            raise ValueError(f"{self.path}: cannot read the header stream ({exc})") from None
        namespaces = {}
        reader = _PageReader(self.path, self.errors)
        for kind, value in reader.feed(header):
            if kind == "namespaces":
                namespaces = value
        bounds = list(zip(offsets, offsets[1:] + [None]))

        def tasks():
            for i in range(0, len(bounds), _STREAMS_PER_TASK):
                spans = bounds[i:i + _STREAMS_PER_TASK]
                end = spans[-1][1]
                stats.bytes_read = size if end is None else end
                yield _task_streams, (self.path, spans, self.errors, namespaces)

        return tasks(), namespaces


def _chain_first(first, rest):
    yield first
    yield from rest


def dump_reader(path, tokenizer="whitespace", encoding="utf-8", errors="strict",
                max_sentence_length=10000, limit=None):
    """A :class:`WikiDump` from the options of the line readers (what ``as_sentences`` passes).

    A dump is prose, not pre-tokenized text, so the line readers' default ``"whitespace"``
    becomes ``"simple"`` (lower-cased words and numbers); the XML names its own encoding,
    so ``encoding`` is not used; ``limit`` (lines) has no meaning for pages and must be None.

    Examples
    --------
    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "dump.xml")
    >>> _ = open(p, "w").write('<mediawiki><page><title>A</title><ns>0</ns><revision>'
    ...                        '<text>Hello, [[World]]!</text></revision></page></mediawiki>')
    >>> list(dump_reader(p))
    [['hello', 'world']]
    """
    if limit is not None:
        raise ValueError(f"{os.fspath(path)}: is a MediaWiki dump; limit (lines) applies to text files only")
    if tokenizer == "whitespace":
        tokenizer = "simple"
    return WikiDump(path, tokenizer=tokenizer, errors=errors, max_sentence_length=max_sentence_length)


class MediaWikiReader:
    """The registry's entry for MediaWiki XML dumps (:mod:`w2v.corpus.readers`)."""

    name = "mediawiki"

    def claims(self, path):
        return sniff(path) == "mediawiki"

    def open(self, path, **reader_options):
        return dump_reader(path, **reader_options)


MEDIAWIKI = MediaWikiReader()

"""Chinese text for word2vec: jieba word segmentation with sentence splitting on 。！？；,
user dictionaries, punctuation and stopword removal, and optional traditional-to-simplified
conversion. Registered with the readers as the ``"jieba"`` tokenizer (see :mod:`w2v.corpus`).
"""
import importlib.resources
import logging
import multiprocessing
import os
import re
import threading

logger = logging.getLogger(__name__)

#: Characters that end a sentence: windows never run across them.
SENTENCE_ENDS = "。！？；!?;｡"
#: Closing quotes and brackets that stay with the sentence they close (``……。”``).
_CLOSERS = "”’」』）)》〉】\"'"
_SENTENCE_SPLIT = re.compile(f"([{re.escape(SENTENCE_ENDS)}]+[{re.escape(_CLOSERS)}]*)")

#: Bundled stopword lists, by name -> file under ``w2v/data``.
STOPWORD_LISTS = {"zh": "zh-stopwords.txt"}

#: Lines per task sent to a worker process when segmenting in parallel.
_LINES_PER_TASK = 256
#: A block of lines shorter than this (characters) is segmented in this process.
_PARALLEL_MIN_CHARS = 50_000

_INSTALL_HINT = "python3 -m pip install '.[zh]' in the w2v clone (jieba and opencc)"

_BASE_FREQ = None               # (jieba's default word frequencies, their total), loaded once
_BASE_LOCK = threading.Lock()


def require_jieba():
    """Import jieba, or raise ``ImportError`` saying how to install it.

    Returns
    -------
    module
        The ``jieba`` module.

    Examples
    --------
    >>> from w2v.corpus.chinese import require_jieba
    >>> require_jieba().__name__
    'jieba'
    """
    try:
        import jieba
    except ImportError:
        raise ImportError(f"the jieba tokenizer needs the jieba package: {_INSTALL_HINT}") from None
    # jieba logs "Building prefix dict ..." at DEBUG through its own stderr handler; only its
    # warnings are worth showing to our users.
    logging.getLogger("jieba").setLevel(logging.WARNING)
    return jieba


def _t2s_converter():
    return _converter("t2s")


def _converter(config):
    """OpenCC's ``config`` conversion (``"t2s"``: traditional to simplified, ``"s2t"``: back)."""
    try:
        import opencc
    except ImportError:
        raise ImportError(f"to_simplified needs OpenCC's Python package: {_INSTALL_HINT} "
                          f"(or pip install opencc)") from None
    try:        # opencc (the official bindings) and opencc-python-reimplemented name it differently
        return opencc.OpenCC(config).convert
    except Exception:
        return opencc.OpenCC(f"{config}.json").convert


_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SCRIPTS = {"simplified": "t2s", "traditional": "s2t"}
_CONVERTERS = {}


def other_scripts(word):
    """``{"simplified": ..., "traditional": ...}``: the forms of ``word`` in the other Chinese
    script, where they differ from it; empty for a word without Chinese characters or without
    OpenCC (the ``zh`` extra).

    Examples
    --------
    >>> other_scripts("曹操"), other_scripts("word")
    ({}, {})
    >>> other_scripts("劉備")
    {'simplified': '刘备'}
    """
    if not _HAN.search(word):
        return {}
    forms = {}
    for name, config in _SCRIPTS.items():
        try:
            if config not in _CONVERTERS:
                _CONVERTERS[config] = _converter(config)
        except ImportError:
            return {}
        other = _CONVERTERS[config](word)
        if other != word:
            forms[name] = other
    return forms


def _data_lines(path):
    """``(line number, text)`` of a UTF-8 (BOM allowed) word-list file, skipping blanks and ``#``."""
    if isinstance(path, (str, os.PathLike)):
        f = open(path, "rb")
    else:       # an importlib.resources Traversable
        f = path.open("rb")
    with f:
        for n, raw in enumerate(f, 1):
            if n == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            try:
                text = raw.decode("utf-8").strip()
            except UnicodeDecodeError as e:
                raise ValueError(f"{path}: line {n}: not UTF-8 ({e.reason}); save the file as UTF-8") from None
            if text and not text.startswith("#"):
                yield n, text


def load_stopwords(name_or_path="zh"):
    """Read a stopword list: a bundled name (``"zh"``) or a UTF-8 file, one word per line.

    Blank lines and lines starting with ``#`` are skipped; several words on one line
    (separated by spaces) are all stopwords.

    Parameters
    ----------
    name_or_path : str or os.PathLike
        ``"zh"`` (the bundled list of Chinese function words and particles) or a file.

    Returns
    -------
    frozenset of str

    Examples
    --------
    >>> from w2v.corpus.chinese import load_stopwords
    >>> words = load_stopwords("zh")
    >>> "的" in words, "曹操" in words
    (True, False)
    """
    if isinstance(name_or_path, str) and name_or_path in STOPWORD_LISTS:
        source = importlib.resources.files("w2v") / "data" / STOPWORD_LISTS[name_or_path]
    else:
        source = os.fspath(name_or_path)
        if not os.path.isfile(source):
            raise FileNotFoundError(f"{source}: no such stopword file (bundled lists: "
                                    f"{', '.join(STOPWORD_LISTS)})")
    return frozenset(w for _, line in _data_lines(source) for w in line.split())


def read_user_dict(path):
    """Read a jieba user dictionary: ``word [frequency] [part-of-speech tag]`` per line.

    Parameters
    ----------
    path : str or os.PathLike
        UTF-8 file; blank lines and ``#`` comments are skipped.

    Returns
    -------
    list of tuple
        ``(word, frequency or None, tag or None)``; None lets jieba choose a frequency that
        keeps the word whole.

    Raises
    ------
    ValueError
        Naming the file and line of a malformed entry.

    Examples
    --------
    >>> import os, tempfile
    >>> from w2v.corpus.chinese import read_user_dict
    >>> p = os.path.join(tempfile.mkdtemp(), "names.txt")
    >>> _ = open(p, "w", encoding="utf-8").write("孔明 100 nr\\n# comment\\n玄德\\n")
    >>> read_user_dict(p)
    [('孔明', 100, 'nr'), ('玄德', None, None)]
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{path}: no such user dictionary")
    entries = []
    for n, line in _data_lines(path):
        parts = line.split()
        word, freq, tag = parts[0], None, None
        rest = parts[1:]
        if rest and rest[0].isdigit():
            freq = int(rest.pop(0))
        if rest:
            tag = rest.pop(0)
        if rest:
            raise ValueError(f"{path}: line {n}: expected 'word [frequency] [tag]', got {line!r}")
        entries.append((word, freq, tag))
    return entries


class ChineseTokenizer:
    """Segment Chinese text into words with jieba, one sentence per 。！？；.

    Lines are split into sentences after 。！？；(and ``! ? ;``), so that word2vec's windows
    do not run across sentences; closing quotes stay with their sentence. Whitespace,
    including the full-width space U+3000, separates words and never appears in a token.
    Each instance has its own jieba dictionary, so user words do not leak between
    tokenizers.

    Parameters
    ----------
    user_dict : str or os.PathLike or None
        A jieba user dictionary (``word [frequency] [tag]`` per line) of names and terms
        that must stay whole.
    stopwords : str or os.PathLike or iterable of str or None
        Words to drop: ``"zh"`` (the bundled list), a file, or the words themselves. None
        keeps every word (word2vec's ``sample`` already thins frequent words).
    keep_punct : bool
        Keep punctuation tokens (tokens with no letter or digit). Default: drop them.
    to_simplified : bool
        Convert traditional characters to simplified before segmenting (needs OpenCC's
        Python package); user words and stopwords are converted too.
    hmm : bool
        Let jieba guess words missing from its dictionary (its HMM).
    processes : int
        Worker processes for large blocks of lines (see :meth:`sentences_of_lines`); 1
        segments in this process.

    Examples
    --------
    >>> from w2v.corpus.chinese import ChineseTokenizer
    >>> tok = ChineseTokenizer()
    >>> tok.sentences("我爱北京。你呢？")
    [['我', '爱', '北京'], ['你', '呢']]
    >>> tok("我爱北京。你呢？")
    ['我', '爱', '北京', '你', '呢']
    """

    def __init__(self, user_dict=None, stopwords=None, keep_punct=False, to_simplified=False,
                 hmm=True, processes=1):
        if int(processes) < 1:
            raise ValueError(f"processes must be >= 1, got {processes}")
        jieba = require_jieba()
        self.user_dict = None if user_dict is None else os.fspath(user_dict)
        self.keep_punct = bool(keep_punct)
        self.to_simplified = bool(to_simplified)
        self.hmm = bool(hmm)
        self.processes = int(processes)
        self._convert = _t2s_converter() if self.to_simplified else None
        if stopwords is None:
            words = frozenset()
        elif isinstance(stopwords, (str, os.PathLike)):
            words = load_stopwords(stopwords)
        else:
            words = frozenset(stopwords)
        self.stopwords = frozenset(map(self._convert, words)) if self._convert else words
        entries = read_user_dict(self.user_dict) if self.user_dict is not None else []
        if self._convert:
            entries = [(self._convert(w), f, t) for w, f, t in entries]
        for word, _, _ in entries:
            if not jieba.re_han_default.fullmatch(word):
                logger.warning("%s: %r has characters jieba treats as separators; it cannot be "
                               "found as one word", self.user_dict, word)
        self._entries = entries
        self._segmenter = None

    @property
    def segmenter(self):
        """This tokenizer's ``jieba.Tokenizer``, its dictionary loaded on first use (about 1 s)."""
        if self._segmenter is None:
            segmenter = _fresh_segmenter()
            for word, freq, tag in self._entries:
                segmenter.add_word(word, freq, tag)
            self._segmenter = segmenter
        return self._segmenter

    def _words(self, text):
        """Tokens of one piece of text, without whitespace, punctuation (unless kept) or stopwords."""
        stop = self.stopwords
        keep_punct = self.keep_punct
        out = []
        for w in self.segmenter.cut(text, HMM=self.hmm):
            if w.isspace() or w in stop:
                continue
            if not keep_punct and not any(c.isalnum() for c in w):
                continue
            out.append(w)
        return out

    def sentences(self, line):
        """Token lists of the sentences of one line (sentences left empty are dropped).

        Examples
        --------
        >>> from w2v.corpus.chinese import ChineseTokenizer
        >>> ChineseTokenizer(keep_punct=True).sentences("他说：“好！”然后走了")
        [['他', '说', '：', '“', '好', '！', '”'], ['然后', '走', '了']]
        """
        if self._convert is not None:
            line = self._convert(line)
        parts = _SENTENCE_SPLIT.split(line)
        out = []
        for i in range(0, len(parts), 2):
            text = parts[i] + parts[i + 1] if i + 1 < len(parts) else parts[i]
            words = self._words(text)
            if words:
                out.append(words)
        return out

    def __call__(self, line):
        """All tokens of one line, ignoring sentence boundaries."""
        return [w for s in self.sentences(line) for w in s]

    def sentences_of_lines(self, lines):
        """Token lists of the sentences of a block of lines, in order.

        The readers of :mod:`w2v.corpus` hand each block of lines (about 1 MB of text)
        here. With ``processes > 1`` a large block is segmented by that many worker
        processes; the result is the same as in one process.

        Examples
        --------
        >>> from w2v.corpus.chinese import ChineseTokenizer
        >>> ChineseTokenizer().sentences_of_lines(["我爱北京。", "", "你呢？"])
        [['我', '爱', '北京'], ['你', '呢']]
        """
        if self.processes > 1 and sum(map(len, lines)) >= _PARALLEL_MIN_CHARS:
            return self._parallel(lines)
        return [s for line in lines for s in self.sentences(line)]

    def _parallel(self, lines):
        tasks = [lines[i:i + _LINES_PER_TASK] for i in range(0, len(lines), _LINES_PER_TASK)]
        methods = multiprocessing.get_all_start_methods()
        # fork shares the loaded dictionary; elsewhere each worker rebuilds it (see __getstate__).
        ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
        self.segmenter    # load it before forking
        with ctx.Pool(min(self.processes, len(tasks)), _init_worker, (self,)) as pool:
            packed = pool.map(_segment_task, tasks)
        return [s.split("\x1f") for block in packed if block for s in block.split("\x1e")]

    def __getstate__(self):
        """The settings and the user words, not the dictionary: an unpickled copy loads it again."""
        state = self.__dict__.copy()
        state["_convert"] = state["_segmenter"] = None
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        if self.to_simplified:
            self._convert = _t2s_converter()

    def __repr__(self):
        opts = [f"user_dict={self.user_dict!r}" if self.user_dict else "",
                f"stopwords=<{len(self.stopwords)} words>" if self.stopwords else "",
                "keep_punct=True" if self.keep_punct else "",
                "to_simplified=True" if self.to_simplified else "",
                "hmm=False" if not self.hmm else "",
                f"processes={self.processes}" if self.processes > 1 else ""]
        return f"ChineseTokenizer({', '.join(o for o in opts if o)})"


def _fresh_segmenter():
    """A ``jieba.Tokenizer`` with the default dictionary, copied from one loaded once per process.

    Loading the dictionary takes about a second, copying its word table a few milliseconds;
    each tokenizer gets its own table so that user words do not leak between them. This sets
    the attributes that ``jieba.Tokenizer.initialize`` sets (jieba 0.42).
    """
    global _BASE_FREQ
    jieba = require_jieba()
    with _BASE_LOCK:
        if _BASE_FREQ is None:
            base = jieba.Tokenizer()
            base.initialize()
            _BASE_FREQ = (base.FREQ, base.total)
    segmenter = jieba.Tokenizer()
    segmenter.FREQ, segmenter.total = dict(_BASE_FREQ[0]), _BASE_FREQ[1]
    segmenter.initialized = True
    return segmenter


_WORKER = None


def _init_worker(tokenizer):
    global _WORKER
    _WORKER = tokenizer


def _segment_task(lines):
    # Tokens never hold whitespace, so the ASCII unit/record separators (whitespace to jieba)
    # cannot occur in them: one joined string pickles far faster than a list of lists.
    return "\x1e".join("\x1f".join(s) for line in lines for s in _WORKER.sentences(line))

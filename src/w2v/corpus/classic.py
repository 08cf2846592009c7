"""gensim's readers of two classic corpora, for code that imports them from ``gensim.models.word2vec``:
``Text8Corpus`` (one long line of words, cut into sentences) and ``BrownCorpus`` (NLTK's
``word/TAG`` files)."""
import os

from .blocks import open_binary

READ_BYTES = 1 << 20


class Text8Corpus:
    """The words of a file with no sentence marks (text8: one line of 100 M characters), as
    sentences of ``max_sentence_length`` words (the last may be shorter); gensim's reader.

    Newlines are whitespace like any other; the file may be compressed (``.gz``, ``.bz2``, ``.xz``).

    Examples
    --------
    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "text8")
    >>> _ = open(p, "w").write(" anarchism originated as a term\\nof abuse")
    >>> list(Text8Corpus(p, max_sentence_length=4))
    [['anarchism', 'originated', 'as', 'a'], ['term', 'of', 'abuse']]
    """

    def __init__(self, fname, max_sentence_length=10000):
        if int(max_sentence_length) < 1:
            raise ValueError(f"max_sentence_length must be >= 1, got {max_sentence_length}")
        if not os.path.isfile(fname):
            raise FileNotFoundError(f"{os.fspath(fname)}: no such file")
        self.fname = fname
        self.max_sentence_length = int(max_sentence_length)

    def __iter__(self):
        m = self.max_sentence_length
        sentence, rest = [], b""
        with open_binary(self.fname) as f:
            while True:
                chunk = f.read(READ_BYTES)
                text = rest + chunk
                if not chunk:
                    words, rest = text.split(), b""
                else:         # the last token may continue in the next chunk
                    cut = max(text.rfind(b" "), text.rfind(b"\n"))
                    words, rest = (text[:cut].split(), text[cut:]) if cut >= 0 else ([], text)
                sentence.extend(w.decode("utf-8") for w in words)
                while len(sentence) >= m:
                    yield sentence[:m]
                    sentence = sentence[m:]
                if not chunk:
                    break
        if sentence:
            yield sentence

    def __repr__(self):
        return f"Text8Corpus({os.fspath(self.fname)!r})"


class BrownCorpus:
    """The Brown corpus as NLTK ships it (a folder of files of ``word/TAG`` tokens, a sentence a
    line) as sentences of ``word/TA`` tokens: lower-cased words with the first two letters of
    their tag, punctuation (tags that are not letters) left out; gensim's reader.

    Files are read in name order (gensim's in the order the folder lists them).

    Examples
    --------
    >>> import os, tempfile
    >>> d = tempfile.mkdtemp()
    >>> _ = open(os.path.join(d, "ca01"), "w").write("The/at Fulton/np-tl County/nn-tl said/vbd ./.\\n")
    >>> list(BrownCorpus(d))
    [['the/at', 'fulton/np', 'county/nn', 'said/vb']]
    """

    def __init__(self, dirname):
        if not os.path.isdir(dirname):
            raise NotADirectoryError(f"{os.fspath(dirname)}: not a folder (BrownCorpus reads NLTK's brown/ folder)")
        self.dirname = dirname

    def __iter__(self):
        for name in sorted(os.listdir(self.dirname)):
            path = os.path.join(self.dirname, name)
            if not os.path.isfile(path):
                continue
            with open_binary(path) as f:
                for line in f:
                    pairs = [t.split("/") for t in line.decode("utf-8").split()]
                    words = [f"{word.lower()}/{tag[:2]}" for word, tag in (p for p in pairs if len(p) == 2)
                             if tag[:2].isalpha()]
                    if words:
                        yield words

    def __repr__(self):
        return f"BrownCorpus({os.fspath(self.dirname)!r})"

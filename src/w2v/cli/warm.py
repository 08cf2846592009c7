"""Fill Numba's cache with what the demo, ``w2v train`` (word2vec and FastText) and ``w2v doc2vec
train`` compile, by running them on a tiny corpus:
setup.py does it in the build folder, so the wheel carries the compiled kernels (docs/speed.md).

Numba's cache index is tied to each source file's content (a SHA-256 in Numba 0.68, not the file's
time, which pip does not keep), to the Numba version and to the CPU: where the wheel was built, the
first run after ``pip install .`` loads the kernels; elsewhere Numba compiles them on first use.
"""
import contextlib
import io
import os
import sys
import tempfile

from ..numba_cache import compiling

# What warm_up trains: the four modes of `w2v train` (the demo is skip-gram with negative sampling,
# the first of them), FastText's two with negative sampling (the n-gram kernels) and Doc2Vec's
# two defaults (PV-DM; PV-DBOW). Two threads, as on any machine of two or more cores.
WARM_MODES = (["--sg"], ["--cbow"], ["--sg", "--hs", "--negative", "0"], ["--cbow", "--hs", "--negative", "0"],
              ["--sg", "--model", "fasttext", "--bucket", "500"], ["--cbow", "--model", "fasttext", "--bucket", "500"])
WARM_DOC2VEC = (["--dm"], ["--dbow"])


def warm_up(folder=None):
    """Compile (or load) what the demo, ``w2v train``'s four modes, FastText's skip-gram and CBOW
    and Doc2Vec's PV-DM and PV-DBOW run, by training tiny models
    through the command line on a few sentences: Numba caches exactly the signatures that real
    runs of those commands use, nothing else.

    Parameters
    ----------
    folder : str, optional
        Where the tiny corpus and models go (a temporary folder by default).

    Returns
    -------
    list of str
        The w2v functions compiled (empty when everything was in the cache already).
    """
    from ..corpus.interning import BlockInterner
    from ..models.word2vec import Word2Vec
    from . import main

    compiled = []
    with contextlib.ExitStack() as stack:
        if folder is None:
            folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="w2v-warm-"))
        corpus = os.path.join(folder, "warm.txt")
        with open(corpus, "w", encoding="utf-8") as f:
            for i in range(200):
                f.write(" ".join(f"w{(i * 7 + j) % 23}" for j in range(12)) + "\n")
        stack.enter_context(compiling(compiled.append, once=False))
        stack.enter_context(contextlib.redirect_stderr(io.StringIO()))   # the commands' summaries
        for mode in WARM_MODES:
            code = main(["train", corpus, "-o", os.path.join(folder, "m.w2v"), "--size", "8",
                         "--min-count", "1", "--epochs", "1", "--threads", "2", "-q", *mode])
            if code:
                raise RuntimeError(f"w2v train {' '.join(mode)} exited {code}")
        for mode in WARM_DOC2VEC:
            code = main(["doc2vec", "train", corpus, "-o", os.path.join(folder, "d.w2v"), "--size", "8",
                         "--min-count", "1", "--epochs", "1", "--threads", "2", "-q", *mode])
            if code:
                raise RuntimeError(f"w2v doc2vec train {' '.join(mode)} exited {code}")
        # a vocabulary past the interning table's first size (8,192 words) grows it, as the
        # demo's corpus does: the tiny corpus above never does
        BlockInterner().feed_many([" ".join(f"v{i}" for i in range(9000)).encode()])
        # the demo's reader: the "simple" tokenizer in Python, then the skip-gram kernel above
        Word2Vec(corpus, tokenizer="simple", sg=1, vector_size=8, min_count=1, epochs=1, workers=2,
                 progress=False)
    return compiled


if __name__ == "__main__":    # python -m w2v.cli.warm: what the wheel's build runs
    names = warm_up()
    print(f"w2v: compiled {len(names)} functions into Numba's cache", file=sys.stderr)

"""The models a server answers for: loaded once, each with its name, a prefix index for completion and a cached probe.

Queries themselves are :class:`~w2v.models.keyedvectors.KeyedVectors` methods (words; a FastText model's also for
words outside its vocabulary) and :class:`~w2v.models.doc2vec.Doc2Vec` ones (documents); this module only holds
what the server keeps between requests.
"""
import bisect
import os
import queue
import threading

import numpy as np

from ..evaluation.evaluate import resolve_dataset
from ..evaluation.plot import project_unit
from ..models.fasttext import load_any_vectors
from ..models.subwordvectors import FastTextKeyedVectors
from ..vectors import native
from ..evaluation.probe import CANONICAL_ANALOGIES, probe
from .limits import BoundedCache

__all__ = ["ServedModel", "load_models", "NeighbourBatcher"]

#: Neighbour queries answered by one matrix product at most.
MAX_BATCH = 64

#: Maps (word lists and their 2-D layout) kept per model, the most recently asked, and their bytes at most.
MAPS_KEPT = 8
MAPS_BYTES = 32 << 20

#: The page's placeholder analogy is the first of these (then of the bundled analogy sets) that the model
#: answers right, among its :data:`EXAMPLE_VOCAB` most frequent words; at most :data:`EXAMPLE_TRIES` are tried.
EXAMPLE_ANALOGIES = (("man", "king", "woman", "queen"),) + tuple((b, a, d, c) for a, b, c, d in CANONICAL_ANALOGIES)
EXAMPLE_DATASETS = ("google", "ca8")
EXAMPLE_VOCAB = 30000
EXAMPLE_TRIES = 200

#: Vectors inferred for typed text (``/api/documents/search``) kept per model, and their bytes at most.
INFERRED_KEPT = 256
INFERRED_BYTES = 4 << 20

#: The map the page draws first: the PCA of this many most frequent words, computed by ``prepare``.
FIRST_MAP_WORDS = 1000


class _AnswerOneByOne(Exception):
    """A batch of one: answered by ``most_similar`` itself."""


class NeighbourBatcher:
    """Answers single-word neighbour queries from many threads, several per matrix product.

    Exact search reads every vector for each query; on a large model that read, not the arithmetic,
    is the cost. A worker thread takes all queries waiting at that moment and answers them with one
    :meth:`KeyedVectors.most_similar_batch` (one pass over the vectors); a query alone is answered by
    :meth:`KeyedVectors.most_similar` itself. Both give the same words in the same order; the
    similarities of a batch may differ from ``most_similar``'s in the last float32 digit.

    Examples
    --------
    >>> import numpy as np
    >>> from w2v.models.keyedvectors import KeyedVectors
    >>> kv = KeyedVectors(["a", "b", "c"], np.array([[1, 0], [1, 0.1], [0, 1]], dtype=np.float32))
    >>> [w for w, _ in NeighbourBatcher(kv).most_similar("a", topn=2)]
    ['b', 'c']
    """

    def __init__(self, kv, max_batch=MAX_BATCH):
        self.kv = kv
        self.max_batch = max_batch
        self._queue = queue.Queue()
        self._worker = None
        self._start_lock = threading.Lock()

    def most_similar(self, word, topn):
        """``kv.most_similar(word, topn=topn)``, batched with the queries of other threads."""
        job = {"word": word, "topn": topn, "done": threading.Event()}
        with self._start_lock:
            if self._worker is None:
                self._worker = threading.Thread(target=self._run, name="w2v-neighbours", daemon=True)
                self._worker.start()
        self._queue.put(job)
        job["done"].wait()
        if "error" in job:
            raise job["error"]
        return job["result"]

    def _run(self):
        while True:
            jobs = [self._queue.get()]
            while len(jobs) < self.max_batch:
                try:
                    jobs.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            try:
                if len(jobs) == 1:
                    raise _AnswerOneByOne
                topn = max(j["topn"] for j in jobs)
                answers = self.kv.most_similar_batch([j["word"] for j in jobs], topn=topn)
                for job, answer in zip(jobs, answers):
                    job["result"] = answer[:job["topn"]]
            except Exception:                # one bad query must not fail the others
                for job in jobs:
                    try:
                        job["result"] = self.kv.most_similar(job["word"], topn=job["topn"])
                    except Exception as e:   # handed to the waiting request, which raises it
                        job["error"] = e
            for job in jobs:
                job["done"].set()


class ServedModel:
    """One set of vectors as the server sees it.

    Parameters
    ----------
    name : str
        Shown on the page (a file's name without its folder).
    kv : KeyedVectors
        The vectors, most frequent word first.
    indexer : object, optional
        An approximate-neighbour index passed to ``kv.most_similar(..., indexer=...)``; None: exact search.
    documents : Doc2Vec, optional
        The model whose word vectors ``kv`` is (``model.wv``): its document vectors ``dv``, ``infer_vector``
        and the documents' first words ``doc_previews`` (saved by ``w2v doc2vec train``) answer for documents.

    Examples
    --------
    >>> import numpy as np
    >>> from w2v.models.keyedvectors import KeyedVectors
    >>> m = ServedModel("toy", KeyedVectors(["the", "then", "cat", "The"], np.eye(4, dtype=np.float32)))
    >>> m.complete("th", 5), m.describe()  # doctest: +NORMALIZE_WHITESPACE
    (['the', 'then', 'The'], {'name': 'toy', 'words': 4, 'dimensions': 4, 'index': None, 'analogy': None,
                              'subwords': False, 'documents': None})
    """

    def __init__(self, name, kv, indexer=None, documents=None):
        self.name = name
        self.kv = kv
        self.indexer = indexer
        self.documents = documents
        self._inferred = BoundedCache(INFERRED_KEPT, INFERRED_BYTES)
        self._prefix_lock = threading.Lock()
        self._probe_lock = threading.Lock()
        self._prefix = None          # (case-folded words sorted, their rows)
        self._probe = None
        self._batcher = NeighbourBatcher(kv)
        self._maps = BoundedCache(MAPS_KEPT, MAPS_BYTES)
        self._example_lock = threading.Lock()
        self._example = ()           # () not looked for yet; None: none found

    def describe(self):
        """What ``/api/models`` lists: the name, the shape, the index's method (None: exact search),
        an analogy the model answers right (:meth:`example_analogy`), for the page's placeholders, whether
        it builds vectors for words outside its vocabulary from their n-grams (``subwords``), and its number
        of documents (None: no document vectors)."""
        index = None if self.indexer is None else getattr(self.indexer, "method", type(self.indexer).__name__)
        return {"name": self.name, "words": len(self.kv), "dimensions": self.kv.vector_size, "index": index,
                "analogy": self.example_analogy(), "subwords": self.subwords,
                "documents": None if self.documents is None else len(self.documents.dv)}

    @property
    def subwords(self):
        """True when the vectors answer for words outside the vocabulary (FastText's n-grams)."""
        return isinstance(self.kv, FastTextKeyedVectors) and self.kv.bucket > 0 and self.kv.max_n > 0

    def builds(self, word):
        """True when ``word`` is outside the vocabulary and its n-grams give it a vector (it is OOV)."""
        return self.subwords and not self.kv.has_index_for(word) and word in self.kv

    def example_analogy(self):
        """``[a, b, c, d]``: an analogy ``a : b :: c : d`` that ``kv.analogy(a, b, c)`` answers with ``d``
        first, or None when none of those tried is (found once, then kept).

        Tried in order: :data:`EXAMPLE_ANALOGIES`, then the questions of the bundled sets
        (:data:`EXAMPLE_DATASETS`) whose four words are among the model's :data:`EXAMPLE_VOCAB` most frequent,
        at most :data:`EXAMPLE_TRIES` in all.
        """
        with self._example_lock:
            if self._example == ():
                self._example = self._find_example()
            return self._example

    def _find_example(self):
        known = self.kv.key_to_index
        tried = 0
        for a, b, c, d in self._example_candidates():
            if not all(known.get(w, EXAMPLE_VOCAB) < EXAMPLE_VOCAB for w in (a, b, c, d)):
                continue
            answer = self.kv.analogy(a, b, c, topn=1, restrict_vocab=EXAMPLE_VOCAB)
            if answer and answer[0][0] == d:
                return [a, b, c, d]
            tried += 1
            if tried >= EXAMPLE_TRIES:
                break
        return None

    @staticmethod
    def _example_candidates():
        yield from EXAMPLE_ANALOGIES
        for name in EXAMPLE_DATASETS:
            sources = resolve_dataset(name)
            for source in sources if isinstance(sources, tuple) else (sources,):
                for line in source.read_text(encoding="utf-8").splitlines():
                    words = line.split()
                    if len(words) == 4 and not line.startswith(":"):
                        yield tuple(words)

    def neighbours(self, word, topn):
        """``kv.most_similar(word, topn=topn)``: through this model's index when it has one, else
        exact and batched with concurrent queries (:class:`NeighbourBatcher`).

        Through an index, the word itself is left out as on the exact path. An indexed query does not go
        through the batcher: a batch exists to share one exact pass over all the vectors, and an index
        search reads only a few of its lists, so there is nothing to share. Nor does a word outside the
        vocabulary (:meth:`builds`): its vector is built first, and a batch takes vocabulary words.
        """
        if not self.kv.has_index_for(word):       # never among the answers: nothing to leave out
            return self.kv.most_similar(word, topn=topn, indexer=self.indexer)
        if self.indexer is not None:
            # An indexer does not leave the query's own word out (gensim's protocol): ask for one more.
            found = self.kv.most_similar(word, topn=topn + 1, indexer=self.indexer)
            return [(w, s) for w, s in found if w != word][:topn]
        return self._batcher.most_similar(word, topn)

    def complete(self, prefix, limit):
        """Up to ``limit`` words starting with ``prefix`` (case-insensitive), most frequent first."""
        folded, rows = self._prefix_index()
        key = prefix.casefold()
        lo = bisect.bisect_left(folded, key)
        hi = bisect.bisect_left(folded, key + "\U0010ffff", lo)
        found = rows[lo:hi]
        if len(found) > limit:
            found = np.partition(found, limit - 1)[:limit]
        return [self.kv.index_to_key[i] for i in np.sort(found)]

    def word_vectors(self, words):
        """The vectors of ``words``: rows of ``kv.vectors``, and for a word outside the vocabulary the
        vector its n-grams build (``kv.get_vector``)."""
        index = self.kv.key_to_index
        rows = np.fromiter((index.get(w, -1) for w in words), dtype=np.int64, count=len(words))
        vectors = self.kv.vectors[np.maximum(rows, 0)]          # a copy
        for i in np.flatnonzero(rows < 0):
            vectors[i] = self.kv.get_vector(words[i])
        return vectors

    def projection(self, words, method="pca"):
        """The 2-D layout of ``words`` as ``w2v plot`` draws it (:func:`~w2v.evaluation.plot.project_unit`), kept
        for the :data:`MAPS_KEPT` maps asked most recently (a t-SNE map takes seconds)."""
        return self._layout(("words", tuple(words), method), lambda: self.word_vectors(words), method)

    def kept_projection(self, words, method="pca"):
        """The layout :meth:`projection` keeps for these words, or None (nothing is computed)."""
        return self._maps.get(("words", tuple(words), method))

    def document_projection(self, tags, method="pca"):
        """The 2-D layout of the documents ``tags``, as :meth:`projection` lays out words (and kept with them)."""
        return self._layout(("documents", tuple(tags), method),
                            lambda: self.documents.dv.vectors[self.document_rows(tags)], method)

    def kept_document_projection(self, tags, method="pca"):
        """The layout :meth:`document_projection` keeps for these documents, or None."""
        return self._maps.get(("documents", tuple(tags), method))

    def _layout(self, key, vectors, method):
        xy = self._maps.get(key)
        if xy is None:
            xy = project_unit(vectors(), method=method)
            self._maps.put(key, xy)
        return xy

    # ---- documents (a Doc2Vec model) --------------------------------------------------------------

    def document_rows(self, tags):
        """The rows of ``tags`` (as the model stores them) in the document vectors."""
        dv = self.documents.dv
        return np.fromiter((dv.get_index(t) for t in tags), dtype=np.int64, count=len(tags))

    def document_text(self, rows):
        """The first words of the documents at ``rows`` (what ``w2v doc2vec search`` prints, from the
        model's ``doc_previews``); None for each when the model was saved without them."""
        shown = self.documents.doc_previews
        return [None] * len(rows) if shown is None else [shown[r] for r in rows]

    def similar_documents(self, tag, topn):
        """``dv.most_similar(tag, topn=topn)``: the documents nearest a document, itself left out."""
        return self.documents.dv.most_similar(tag, topn=topn)

    def documents_near(self, vector, topn):
        """``dv.most_similar([vector], topn=topn)``: the documents nearest a vector."""
        return self.documents.dv.most_similar([vector], topn=topn)

    def inferred(self, words):
        """``infer_vector(words)`` (deterministic for the model's seed), kept for the
        :data:`INFERRED_KEPT` texts asked most recently."""
        vector = self.kept_inference(words)
        if vector is None:
            vector = self.documents.infer_vector(list(words))
            self._inferred.put(tuple(words), vector)
        return vector

    def kept_inference(self, words):
        """The vector :meth:`inferred` keeps for these words, or None (nothing is computed)."""
        return self._inferred.get(tuple(words))

    def prepare(self):
        """Build now what the page's first load asks for: the completion index, the first map and the
        placeholder analogy."""
        self._prefix_index()
        if len(self.kv) >= 2:
            self.projection(self.kv.index_to_key[:FIRST_MAP_WORDS], "pca")
        self.example_analogy()

    def _prefix_index(self):
        with self._prefix_lock:      # built once, by the first request that needs it
            if self._prefix is None:
                folded = [w.casefold() for w in self.kv.index_to_key]
                order = sorted(range(len(folded)), key=folded.__getitem__)
                self._prefix = ([folded[i] for i in order], np.asarray(order, dtype=np.int64))
            return self._prefix

    def probe_report(self):
        """What ``w2v probe --json`` prints for this model (computed once)."""
        with self._probe_lock:
            if self._probe is None:
                self._probe = probe(self.kv)
            return self._probe

    def kept_probe(self):
        """The probe's report if :meth:`probe_report` has computed it, else None (nothing is computed)."""
        return self._probe


def load_models(paths, indexers=None):
    """Load each file as a :class:`ServedModel`: a Doc2Vec model with its documents (memory-mapped),
    anything else with :func:`~w2v.models.fasttext.load_any_vectors` (a FastText model or fastText
    ``.bin`` answers for words outside its vocabulary too).

    Names are the file names; a name that repeats gets its folder in front until names differ.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from w2v.models.keyedvectors import KeyedVectors
    >>> folder = tempfile.mkdtemp()
    >>> for sub in ("a", "b"):
    ...     os.mkdir(os.path.join(folder, sub))
    ...     KeyedVectors(["x", "y"], np.eye(2, dtype=np.float32)).save_word2vec_format(os.path.join(folder, sub, "v.txt"))
    >>> [m.name for m in load_models([os.path.join(folder, "a", "v.txt"), os.path.join(folder, "b", "v.txt")])]
    ['a/v.txt', 'b/v.txt']
    """
    paths = [os.fspath(p) for p in paths]
    if not paths:
        raise ValueError("give at least one model file")
    indexers = list(indexers) if indexers is not None else [None] * len(paths)
    served = []
    for name, path, indexer in zip(_names(paths), paths, indexers):
        kv, documents = _load(path)
        served.append(ServedModel(name, kv, indexer, documents))
    return served


def _load(path):
    """``(word vectors, Doc2Vec model or None)`` of a file."""
    from ..models.doc2vec import Doc2Vec

    if native.stored_kind(path) == Doc2Vec.archive_kind:
        model = Doc2Vec.load(path, mmap="r")
        return model.wv, model
    return load_any_vectors(path), None


def _names(paths):
    parts = [os.path.normpath(os.path.abspath(p)).split(os.sep) for p in paths]
    for depth in range(1, max(len(p) for p in parts) + 1):
        names = ["/".join(p[-depth:]) for p in parts]
        if len(set(names)) == len(names):
            return names
    return [f"{i}:{p}" for i, p in enumerate(paths)]     # the same file twice

"""The JSON API, one function per endpoint; :data:`ROUTES` is the table the application is built from.

A handler reads and checks its parameters (:mod:`w2v.serve.params`), then hands the query to the library in
a thread. Three kinds of work, so that no kind waits for another's threads (see :mod:`w2v.serve.limits`):
quick answers (the model list, completion), queries (neighbours, analogies, comparison of one word, axes,
a document's nearest documents), and expensive computations (maps not yet kept, the probe, the words that
differ most, the vector of a typed text) through the app's
:class:`~w2v.serve.limits.WorkGate`, which refuses with 503 when saturated. A new endpoint is a function
here and a line in :data:`ROUTES`.
"""
import json

import numpy as np
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..evaluation.compare import most_changed, neighbour_overlap, shared_vocabulary
from ..evaluation.plot import METHODS
from ..evaluation.probe import OCCUPATIONS, axis_projections, parse_axis_words, read_word_list
from . import params
from .params import MAX_POINTS, ApiError

__all__ = ["ROUTES", "MAX_TOPN", "MAX_COMPLETIONS", "MAX_TSNE_POINTS", "MAX_DIFFER_WORDS", "MAX_DIFFER_LIMIT",
           "DIFFER_POOL", "DIFFER_SKIP", "MAX_TEXT_CHARS", "MAX_TEXT_WORDS"]

MAX_TOPN = 1000            # neighbours or analogy answers per request
MAX_COMPLETIONS = 100
MAX_TSNE_POINTS = 2000     # t-SNE takes minutes beyond this
MAX_DIFFER_WORDS = 5000    # frequent shared words compared by /api/differ
MAX_DIFFER_LIMIT = 500     # ... of which this many, most changed first, are answered and kept
DIFFER_POOL = 20000        # neighbours searched among this many shared words
DIFFER_SKIP = 100          # the most frequent words (the, a, of) left out by default
MAX_TEXT_CHARS = 5000      # characters of a text whose vector /api/documents/search infers
MAX_TEXT_WORDS = 500       # ... and its words: inference costs epochs x words


async def list_models(request):
    """``GET /api/models``: each model's name, shape, index and placeholder analogy."""
    models = request.app.state.models
    return JSONResponse(await request.app.state.quick.run(lambda: [m.describe() for m in models]))


async def neighbors(request):
    """``GET /api/neighbors?word=W&topn=N[&model=I]``: ``kv.most_similar(W, topn=N)``; ``oov`` lists W when it
    is outside the vocabulary and its vector was built from its n-grams (FastText)."""
    served = params.model(request)
    word = params.text(request, "word")
    topn = params.integer(request, "topn", 10, 1, MAX_TOPN)
    oov = [] if params.known(served, word) else [word]
    results = await run_in_threadpool(served.neighbours, word, topn)
    return JSONResponse({"word": word, "model": served.name, "neighbors": params.pairs(results), "oov": oov})


async def analogy(request):
    """``GET /api/analogy?a=A&b=B&c=C[&topn=N][&method=add|mul][&model=I]``: ``kv.analogy(A, B, C)``; ``oov``
    lists those of A, B, C outside the vocabulary, built from their n-grams."""
    served = params.model(request)
    a, b, c = (params.text(request, name) for name in ("a", "b", "c"))
    topn = params.integer(request, "topn", 10, 1, MAX_TOPN)
    method = params.choice(request, "method", ("add", "mul"), "add")
    oov = [w for w in dict.fromkeys((a, b, c)) if not params.known(served, w)]
    results = await run_in_threadpool(served.kv.analogy, a, b, c, topn, method)
    return JSONResponse({"a": a, "b": b, "c": c, "method": method, "answers": params.pairs(results), "oov": oov})


async def complete(request):
    """``GET /api/complete?prefix=P[&limit=N][&model=I]``: words starting with P, most frequent first."""
    served = params.model(request)
    prefix = params.text(request, "prefix")
    limit = params.integer(request, "limit", 10, 1, MAX_COMPLETIONS)
    return JSONResponse({"words": await request.app.state.quick.run(served.complete, prefix, limit)})


async def _map_words(request, served, required, oov=True):
    """The words of a map: ``words=a,b,c`` (each known; or built from n-grams when ``oov``), the ``top=N``
    most frequent, or ``around=W`` with ``top=N``: W and its N - 1 nearest neighbours."""
    words = params.word_list(request, "words", MAX_POINTS)
    around = params.text(request, "around", required=False)
    has_top = request.query_params.get("top", "") != ""
    if words is not None and (has_top or around is not None):
        raise ApiError(400, "give words, or top (with around), not both")
    if words is not None:
        for w in words:
            params.known(served, w, oov)
        return words
    if around is not None:
        params.known(served, around, oov)
        top = params.integer(request, "top", 100, 2, MAX_TOPN + 1)
        return [around] + [w for w, _ in await run_in_threadpool(served.neighbours, around, top - 1)]
    if has_top:
        return served.kv.index_to_key[:params.integer(request, "top", None, 2, MAX_POINTS)]
    if required:
        raise ApiError(400, "missing parameter 'top', 'around' or 'words'")
    return None


async def map_(request):
    """``GET /api/map?top=N|words=a,b|around=W[&method=pca|tsne][&model=I]``: a 2-D layout, kept per model;
    ``oov`` lists the words outside the vocabulary (built from n-grams, count 0)."""
    served = params.model(request)
    method = params.choice(request, "method", METHODS, "pca")
    words = await _map_words(request, served, required=True)
    _check_map_size(len(words), method, "words")
    xy = served.kept_projection(words, method)
    if xy is None:
        xy = await request.app.state.gate.run(served.projection, words, method)
    index = served.kv.key_to_index
    rows = np.fromiter((index.get(w, -1) for w in words), dtype=np.int64, count=len(words))
    counts = np.where(rows >= 0, served.kv.counts[np.maximum(rows, 0)], 0)      # 0: built from n-grams
    points = [{"word": w, "x": params.num(x), "y": params.num(y), "count": n}
              for w, (x, y), n in zip(words, xy.round(5).tolist(), counts.tolist())]
    oov = [words[i] for i in np.flatnonzero(rows < 0).tolist()]
    return JSONResponse({"method": method, "points": points, "oov": oov})


def _check_map_size(n, method, what):
    if n < 2 or (method == "tsne" and n < 3):
        raise ApiError(400, f"a map needs at least {3 if method == 'tsne' else 2} {what}, got {n}")
    if method == "tsne" and n > MAX_TSNE_POINTS:
        raise ApiError(400, f"t-SNE maps at most {MAX_TSNE_POINTS} {what}; use pca for more")
    if method == "tsne" and not _has_sklearn():
        raise ApiError(400, "t-SNE needs scikit-learn (pip install scikit-learn); use pca")


def _has_sklearn():
    try:
        import sklearn.manifold  # noqa: F401
    except ImportError:
        return False
    return True


def _axis(request, name, required):
    value = params.text(request, name, required=required)
    if value is None:
        return None
    try:
        return parse_axis_words(value)
    except ValueError as e:
        raise ApiError(400, str(e)) from None


async def axes(request):
    """``GET /api/axes?x=he,she[&y=good,bad][&words=...|top=N|around=W][&model=I]``: words on semantic axes
    (vocabulary words only)."""
    served = params.model(request)
    x, y = _axis(request, "x", True), _axis(request, "y", False)
    for w in x + (y or ()):
        params.known(served, w, oov=False)
    words = await _map_words(request, served, required=False, oov=False)
    own = set(x + (y or ()))
    if words is None:                                  # the probe's occupation list
        words = read_word_list(OCCUPATIONS)
        if not any(w in served.kv.key_to_index and w not in own for w in words):
            raise ApiError(400, "the model knows none of the bundled occupation words; give words or top")
    elif all(w in own for w in words):
        raise ApiError(400, f"no words to place: {', '.join(words)} are the axes' own words, which are left out")
    result = await run_in_threadpool(axis_projections, served.kv, x, y, words)
    return JSONResponse(result)


async def probe(request):
    """``GET /api/probe[?model=I]``: what ``w2v probe --json`` prints, computed once per model."""
    served = params.model(request)
    report = served.kept_probe()
    if report is None:
        report = await request.app.state.gate.run(served.probe_report)
    return JSONResponse(report)


async def compare(request):
    """``GET /api/compare?word=W[&a=I&b=J][&topn=N]``: a word's neighbours in two models, side by side."""
    models = request.app.state.models
    a, b = params.model(request, "a", 0), params.model(request, "b", min(1, len(models) - 1))
    word = params.text(request, "word")
    topn = params.integer(request, "topn", 10, 1, MAX_TOPN)
    params.known(a, word)
    params.known(b, word)
    result = await run_in_threadpool(neighbour_overlap, a.kv, b.kv, word, topn)
    result["models"] = [a.name, b.name]
    for side in result["neighbors"]:
        for entry in side:
            entry["similarity"] = params.num(entry["similarity"])
    return JSONResponse(result)


async def differ(request):
    """``GET /api/differ[?a=I&b=J][&words=N][&topn=N][&limit=N][&skip=N]``: the words whose neighbourhoods
    differ most, ties the best known first (``most_changed(..., ties="known")``); each setting computed once
    through the gate and kept in the app's bounded cache."""
    models = request.app.state.models
    ia = params.integer(request, "a", 0, 0, len(models) - 1)
    ib = params.integer(request, "b", min(1, len(models) - 1), 0, len(models) - 1)
    words = params.integer(request, "words", 1000, 1, MAX_DIFFER_WORDS)
    topn = params.integer(request, "topn", 10, 1, 100)
    limit = params.integer(request, "limit", 50, 1, MAX_DIFFER_LIMIT)
    skip = params.integer(request, "skip", DIFFER_SKIP, 0, DIFFER_POOL)
    kv_a, kv_b = models[ia].kv, models[ib].kv
    cache = request.app.state.differ_cache
    key = (ia, ib, words, topn, skip)
    kept = cache.get(key)
    if kept is None:
        if len(shared_vocabulary(kv_a, kv_b, limit=2)) < 2:
            raise ApiError(400, f"{models[ia].name} and {models[ib].name} share fewer than 2 words")

        def compute():
            found = cache.get(key)                 # computed by a request that waited beside this one
            if found is None:
                found = _encoded(most_changed(kv_a, kv_b, words=words, topn=topn, limit=MAX_DIFFER_LIMIT,
                                              pool=max(DIFFER_POOL, words + skip), skip=skip, ties="known"))
                cache.put(key, found)
            return found

        kept = await request.app.state.gate.run(compute)
    blob, ends = kept
    rows = blob[:ends[min(limit, len(ends)) - 1]] if len(ends) else b""
    names = json.dumps([models[ia].name, models[ib].name], ensure_ascii=False).encode()
    return Response(b'{"models":' + names + b',"words":[' + rows + b"]}", media_type="application/json")


# ---- documents (a Doc2Vec model) ------------------------------------------------------------------


def _documents(served, results):
    """``[(tag, similarity)]`` as ``[{"tag", "similarity", "text"}]``, ``text`` the document's first words
    (None when the model was saved without them)."""
    texts = served.document_text(served.document_rows([t for t, _ in results]))
    return [{"tag": t, "similarity": params.num(s), "text": text} for (t, s), text in zip(results, texts)]


async def similar_documents(request):
    """``GET /api/documents/similar?tag=T[&topn=N][&model=I]``: ``dv.most_similar(T, topn=N)``, each document
    with its first words (``w2v doc2vec similar``)."""
    served = params.model(request)
    tag = params.document(served, params.text(request, "tag"))
    topn = params.integer(request, "topn", 10, 1, MAX_TOPN)
    results = await run_in_threadpool(served.similar_documents, tag, topn)
    text = served.document_text(served.document_rows([tag]))[0]
    return JSONResponse({"tag": tag, "model": served.name, "text": text, "documents": _documents(served, results)})


async def search_documents(request):
    """``GET /api/documents/search?text=T[&topn=N][&model=I]``: the documents nearest the vector inferred for
    T (``w2v doc2vec search``); inference goes through the gate, each text's vector kept. ``unknown``: T's
    words outside the vocabulary, which inference skips."""
    served = params.model(request)
    params.documents(served)
    text = params.text(request, "text")
    topn = params.integer(request, "topn", 10, 1, MAX_TOPN)
    if len(text) > MAX_TEXT_CHARS:
        raise ApiError(400, f"text longer than {MAX_TEXT_CHARS} characters")
    words = text.split()
    if len(words) > MAX_TEXT_WORDS:
        raise ApiError(400, f"text of {len(words)} words; at most {MAX_TEXT_WORDS}")
    unknown = [w for w in dict.fromkeys(words) if not served.kv.has_index_for(w)]
    if len(unknown) == len(set(words)):
        raise ApiError(400, f"none of the text's words is in the vocabulary of model {served.name}")
    vector = served.kept_inference(words)
    if vector is None:
        vector = await request.app.state.gate.run(served.inferred, words)
    results = await run_in_threadpool(served.documents_near, vector, topn)
    return JSONResponse({"text": text, "model": served.name, "words": len(words), "unknown": unknown,
                         "documents": _documents(served, results)})


async def _map_documents(request, served):
    """The documents of a map: ``tags=a,b,c``, the first ``top=N``, or ``around=T`` with ``top=N``: T and
    its N - 1 nearest documents."""
    tags = params.word_list(request, "tags", MAX_POINTS)
    around = params.text(request, "around", required=False)
    has_top = request.query_params.get("top", "") != ""
    if tags is not None and (has_top or around is not None):
        raise ApiError(400, "give tags, or top (with around), not both")
    if tags is not None:
        return list(dict.fromkeys(params.document(served, t) for t in tags))
    if around is not None:
        tag = params.document(served, around)
        top = params.integer(request, "top", 100, 2, MAX_TOPN + 1)
        return [tag] + [t for t, _ in await run_in_threadpool(served.similar_documents, tag, top - 1)]
    if has_top:
        return served.documents.dv.index_to_key[:params.integer(request, "top", None, 2, MAX_POINTS)]
    raise ApiError(400, "missing parameter 'top', 'around' or 'tags'")


async def document_map(request):
    """``GET /api/documents/map?top=N|tags=a,b|around=T[&method=pca|tsne][&model=I]``: a 2-D layout of
    documents, each with its first words; kept per model like the maps of words."""
    served = params.model(request)
    params.documents(served)
    method = params.choice(request, "method", METHODS, "pca")
    tags = await _map_documents(request, served)
    _check_map_size(len(tags), method, "documents")
    xy = served.kept_document_projection(tags, method)
    if xy is None:
        xy = await request.app.state.gate.run(served.document_projection, tags, method)
    texts = served.document_text(served.document_rows(tags))
    points = [{"tag": t, "x": params.num(x), "y": params.num(y), "text": text}
              for t, (x, y), text in zip(tags, xy.round(5).tolist(), texts)]
    return JSONResponse({"method": method, "points": points})


def _encoded(rows):
    """``rows`` as one JSON bytes string (``row,row,...``) and the end of each row in it: what /api/differ keeps.

    Kept as bytes rather than as the lists and dicts themselves, a result costs exactly its length, and the
    millions of small objects made while computing it can all be freed (they would otherwise stay pinned in
    the memory pools among the few that survive).
    """
    encoded = [json.dumps(r, ensure_ascii=False, separators=(",", ":")).encode() for r in rows]
    ends = np.cumsum([len(e) + 1 for e in encoded], dtype=np.int64) - 1
    return b",".join(encoded), ends


#: The API: path -> handler. The page and its files are added by :func:`w2v.serve.app.create_app`.
ROUTES = [
    Route("/api/models", list_models), Route("/api/neighbors", neighbors), Route("/api/analogy", analogy),
    Route("/api/complete", complete), Route("/api/map", map_), Route("/api/axes", axes),
    Route("/api/probe", probe), Route("/api/compare", compare), Route("/api/differ", differ),
    Route("/api/documents/similar", similar_documents), Route("/api/documents/search", search_documents),
    Route("/api/documents/map", document_map),
]

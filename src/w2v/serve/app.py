"""The web server's routes: the page and its JSON API, each query delegated to KeyedVectors, probe, plot or compare.

Every answer is JSON; bad input is a 4xx with ``{"error": ...}``, never a traceback. Queries run in worker
threads (``run_in_threadpool``), so a slow one (a t-SNE map, a probe) does not hold up the others.
"""
import importlib.resources
import logging
import math
import threading

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..evaluation.compare import most_changed, neighbour_overlap
from ..evaluation.plot import METHODS
from ..evaluation.probe import axis_projections, parse_axis_words

__all__ = ["create_app", "MAX_TOPN", "MAX_POINTS", "MAX_TSNE_POINTS"]

logger = logging.getLogger(__name__)

MAX_TOPN = 1000            # neighbours or analogy answers per request
MAX_COMPLETIONS = 100
MAX_POINTS = 10000         # words on a map
MAX_TSNE_POINTS = 2000     # t-SNE takes minutes beyond this
MAX_WORD_CHARS = 500
MAX_DIFFER_WORDS = 5000    # frequent shared words compared by /api/differ
DIFFER_POOL = 20000        # ... among this many shared words

#: The page and its assets, the only files the server sends.
ASSETS = {"index.html": "text/html; charset=utf-8", "app.js": "text/javascript; charset=utf-8",
          "app.css": "text/css; charset=utf-8"}

SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'none'; script-src 'self'; style-src 'self'; "
                                 b"img-src 'self' data: blob:; connect-src 'self'; base-uri 'none'; "
                                 b"form-action 'none'; frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


class ApiError(Exception):
    """An answer other than 200: its status code and a one-line message for ``{"error": ...}``."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


class SecurityHeaders:
    """ASGI middleware adding :data:`SECURITY_HEADERS` (the Content-Security-Policy among them) to every answer."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + SECURITY_HEADERS
            await send(message)

        await self.app(scope, receive, send_with_headers)


# ---- parameters ----------------------------------------------------------------------------


def _text(request, name, required=True):
    value = request.query_params.get(name)
    if value is None or not value.strip():
        if required:
            raise ApiError(400, f"missing parameter {name!r}")
        return None
    if len(value) > MAX_WORD_CHARS * MAX_POINTS:
        raise ApiError(400, f"parameter {name!r} is too long")
    return value


def _int(request, name, default, low, high):
    text = request.query_params.get(name)
    if text is None or text == "":
        if default is None:
            raise ApiError(400, f"missing parameter {name!r}")
        return default
    try:
        value = int(text)
    except ValueError:
        raise ApiError(400, f"{name} must be a whole number, not {text[:40]!r}") from None
    if not low <= value <= high:
        raise ApiError(400, f"{name} must be between {low} and {high}, not {value}")
    return value


def _choice(request, name, choices, default):
    value = request.query_params.get(name) or default
    if value not in choices:
        raise ApiError(400, f"{name} must be one of {', '.join(choices)}, not {value[:40]!r}")
    return value


def _word_list(request, name, limit):
    text = _text(request, name, required=False)
    if text is None:
        return None
    words = list(dict.fromkeys(w.strip() for w in text.split(",") if w.strip()))
    if not words:
        raise ApiError(400, f"no words in {name!r}")
    if len(words) > limit:
        raise ApiError(400, f"{name} holds {len(words)} words; at most {limit}")
    return words


def _model(request, models, name="model", default=0):
    return models[_int(request, name, default, 0, len(models) - 1)]


def _known(model, word):
    """The word's row; 404 naming it (with close spellings) when the model lacks it."""
    if len(word) > MAX_WORD_CHARS:
        raise ApiError(400, f"word longer than {MAX_WORD_CHARS} characters")
    try:
        return model.kv.get_index(word)
    except KeyError as e:
        raise ApiError(404, f"{e.args[0] if e.args else e} (model {model.name})") from None


def _num(x):
    """A float for JSON: NaN and inf become null."""
    x = float(x)
    return x if math.isfinite(x) else None


def _pairs(results):
    return [{"word": w, "similarity": _num(s)} for w, s in results]


# ---- routes --------------------------------------------------------------------------------


def _routes(models):
    differ_cache, differ_lock = {}, threading.Lock()

    async def list_models(request):
        return JSONResponse([m.describe() for m in models])

    async def neighbors(request):
        model = _model(request, models)
        word = _text(request, "word")
        topn = _int(request, "topn", 10, 1, MAX_TOPN)
        _known(model, word)
        results = await run_in_threadpool(model.neighbours, word, topn)
        return JSONResponse({"word": word, "model": model.name, "neighbors": _pairs(results)})

    async def analogy(request):
        model = _model(request, models)
        a, b, c = (_text(request, name) for name in ("a", "b", "c"))
        topn = _int(request, "topn", 10, 1, MAX_TOPN)
        method = _choice(request, "method", ("add", "mul"), "add")
        for w in (a, b, c):
            _known(model, w)
        results = await run_in_threadpool(model.kv.analogy, a, b, c, topn=topn, method=method)
        return JSONResponse({"a": a, "b": b, "c": c, "method": method, "answers": _pairs(results)})

    async def complete(request):
        model = _model(request, models)
        prefix = _text(request, "prefix")
        limit = _int(request, "limit", 10, 1, MAX_COMPLETIONS)
        return JSONResponse({"words": await run_in_threadpool(model.complete, prefix, limit)})

    async def _map_words(request, model, required):
        """The words of a map: ``words=a,b,c`` (each known), the ``top=N`` most frequent, or
        ``around=W`` with ``top=N``: W and its N - 1 nearest neighbours."""
        words = _word_list(request, "words", MAX_POINTS)
        around = _text(request, "around", required=False)
        has_top = request.query_params.get("top", "") != ""
        if words is not None and (has_top or around is not None):
            raise ApiError(400, "give words, or top (with around), not both")
        if words is not None:
            for w in words:
                _known(model, w)
            return words
        if around is not None:
            _known(model, around)
            top = _int(request, "top", 100, 2, MAX_TOPN + 1)
            return [around] + [w for w, _ in await run_in_threadpool(model.neighbours, around, top - 1)]
        if has_top:
            return model.kv.index_to_key[:_int(request, "top", None, 2, MAX_POINTS)]
        if required:
            raise ApiError(400, "missing parameter 'top', 'around' or 'words'")
        return None

    async def map_(request):
        model = _model(request, models)
        method = _choice(request, "method", METHODS, "pca")
        words = await _map_words(request, model, required=True)
        if len(words) < 2 or (method == "tsne" and len(words) < 3):
            raise ApiError(400, f"a map needs at least {3 if method == 'tsne' else 2} words, got {len(words)}")
        if method == "tsne" and len(words) > MAX_TSNE_POINTS:
            raise ApiError(400, f"t-SNE maps at most {MAX_TSNE_POINTS} words; use pca for more")
        try:
            xy = await run_in_threadpool(model.projection, words, method)
        except ImportError as e:                       # t-SNE without scikit-learn
            raise ApiError(400, str(e)) from None
        counts = model.kv.counts[[model.kv.key_to_index[w] for w in words]]
        points = [{"word": w, "x": _num(x), "y": _num(y), "count": int(n)}
                  for w, (x, y), n in zip(words, xy.round(5).tolist(), counts.tolist())]
        return JSONResponse({"method": method, "points": points})

    async def axes(request):
        model = _model(request, models)
        x = parse_axis_words(_text(request, "x"))
        y = _text(request, "y", required=False)
        y = parse_axis_words(y) if y is not None else None
        for w in x + (y or ()):
            _known(model, w)
        words = await _map_words(request, model, required=False)     # None: the probe's occupation list
        result = await run_in_threadpool(axis_projections, model.kv, x, y, words)
        return JSONResponse(result)

    async def probe(request):
        model = _model(request, models)
        return JSONResponse(await run_in_threadpool(model.probe_report))

    async def compare(request):
        a, b = _model(request, models, "a", 0), _model(request, models, "b", min(1, len(models) - 1))
        word = _text(request, "word")
        topn = _int(request, "topn", 10, 1, MAX_TOPN)
        _known(a, word)
        _known(b, word)
        result = await run_in_threadpool(neighbour_overlap, a.kv, b.kv, word, topn)
        result["models"] = [a.name, b.name]
        for side in result["neighbors"]:
            for entry in side:
                entry["similarity"] = _num(entry["similarity"])
        return JSONResponse(result)

    async def differ(request):
        ia = _int(request, "a", 0, 0, len(models) - 1)
        ib = _int(request, "b", min(1, len(models) - 1), 0, len(models) - 1)
        words = _int(request, "words", 1000, 1, MAX_DIFFER_WORDS)
        topn = _int(request, "topn", 10, 1, 100)
        limit = _int(request, "limit", 50, 1, MAX_DIFFER_WORDS)
        key = (ia, ib, words, topn)

        def compute():
            with differ_lock:        # one computation at a time; repeated views come from the cache
                if key not in differ_cache:
                    differ_cache[key] = most_changed(models[ia].kv, models[ib].kv, words=words, topn=topn,
                                                     pool=max(DIFFER_POOL, words), limit=MAX_DIFFER_WORDS)
                return differ_cache[key]

        result = await run_in_threadpool(compute)
        return JSONResponse({"models": [models[ia].name, models[ib].name], "words": result[:limit]})

    return [
        Route("/api/models", list_models), Route("/api/neighbors", neighbors), Route("/api/analogy", analogy),
        Route("/api/complete", complete), Route("/api/map", map_), Route("/api/axes", axes),
        Route("/api/probe", probe), Route("/api/compare", compare), Route("/api/differ", differ),
    ]


def _asset_routes():
    folder = importlib.resources.files(__package__) / "static"
    assets = {name: (folder / name).read_bytes() for name in ASSETS}

    async def index(request):
        return Response(assets["index.html"], media_type=ASSETS["index.html"])

    async def static(request):
        name = request.path_params["name"]
        if name not in assets:        # only the page's own files: no path reaches the file system
            raise ApiError(404, "not found")
        return Response(assets[name], media_type=ASSETS[name], headers={"cache-control": "no-cache"})

    return [Route("/", index), Route("/static/{name:path}", static)]


async def _api_error(request, exc):
    return JSONResponse({"error": exc.message}, status_code=exc.status)


async def _value_error(request, exc):
    # The library's convention: ValueError is bad input, naming the argument.
    return JSONResponse({"error": str(exc)}, status_code=400)


async def _http_error(request, exc):
    message = {404: "not found", 405: "method not allowed"}.get(exc.status_code, exc.detail)
    return JSONResponse({"error": message}, status_code=exc.status_code)


async def _internal_error(request, exc):
    logger.error("internal error answering %s", request.url.path, exc_info=exc)
    return JSONResponse({"error": "internal error (the server's log has the details)"}, status_code=500)


def create_app(models, allowed_hosts=None):
    """The ASGI application serving ``models``.

    Parameters
    ----------
    models : list of ServedModel
        From :func:`w2v.serve.models.load_models`; the API's ``model=I`` is a position in this list.
    allowed_hosts : list of str, optional
        Host header values accepted (e.g. ``["127.0.0.1", "localhost"]``); None: any.

    Examples
    --------
    >>> import numpy as np
    >>> from w2v.models.keyedvectors import KeyedVectors
    >>> from w2v.serve import ServedModel, create_app
    >>> kv = KeyedVectors(["cat", "dog", "car"], np.array([[1, 0], [1, 0.1], [0, 1]], dtype=np.float32))
    >>> app = create_app([ServedModel("toy", kv)])
    >>> sorted(r.path for r in app.routes if r.path.startswith("/api/m"))
    ['/api/map', '/api/models']

    Serve it with any ASGI server, e.g. ``uvicorn.run(app, host="127.0.0.1", port=8000)``.
    """
    if not models:
        raise ValueError("create_app needs at least one model")
    middleware = [Middleware(SecurityHeaders)]
    if allowed_hosts:
        middleware.append(Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts)))
    return Starlette(routes=_routes(models) + _asset_routes(), middleware=middleware,
                     exception_handlers={ApiError: _api_error, ValueError: _value_error,
                                         HTTPException: _http_error, Exception: _internal_error})

"""The web server's application: the page, the JSON API's routes (:mod:`w2v.serve.routes`), and what wraps them.

Every answer is JSON; bad input is a 4xx with ``{"error": ...}``, a bug a 500 with its traceback in the server's
log, never in the answer. Around the routes: security headers on every answer, the Host check (DNS rebinding),
and the limits of :mod:`w2v.serve.limits` (expensive work through one gate, results in bounded caches).
"""
import importlib.resources
import ipaddress
import logging

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from ..evaluation.fonts import packaged_cjk_font
from .limits import BoundedCache, Limits, WorkGate
from .params import MAX_POINTS, ApiError
from .routes import MAX_TOPN, MAX_TSNE_POINTS, ROUTES

__all__ = ["create_app", "LOOPBACK_HOSTS", "MAX_TOPN", "MAX_POINTS", "MAX_TSNE_POINTS"]

logger = logging.getLogger(__name__)

#: The Host headers a server on a loopback address accepts: this machine's names and addresses, never a name
#: that some DNS server could point here (DNS rebinding).
LOOPBACK_HOSTS = ("localhost", "127.0.0.0/8", "::1")

#: Threads for the quick answers (the model list, completion), apart from the queries' and the gate's.
QUICK_THREADS = 4

#: Settings of /api/differ kept at most (and at most ``Limits.cache_mb`` megabytes of them).
DIFFER_KEPT = 64

#: The page and its assets, the only files the server sends.
ASSETS = {"index.html": "text/html; charset=utf-8", "app.js": "text/javascript; charset=utf-8",
          "app.css": "text/css; charset=utf-8"}

SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'none'; script-src 'self'; style-src 'self'; "
                                 b"img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; base-uri 'none'; "
                                 b"form-action 'none'; frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


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


def _host_name(value):
    """The name or address of a Host header's value, without port, brackets, trailing dot or case."""
    value = value.strip().lower()
    if value.startswith("["):                       # [::1]:8000
        return value[1:value.find("]")] if "]" in value else value
    if value.count(":") == 1:                       # 127.0.0.1:8000, localhost:8000
        value = value.split(":")[0]
    return value.rstrip(".")


class HostCheck:
    """ASGI middleware answering 400 ``{"error": ...}`` to a request whose Host header is not allowed.

    ``allowed_hosts`` holds names (``localhost``) and addresses or networks (``127.0.0.0/8``, ``::1``); the
    Host header must name one of them (any port). A request with no Host, or with two, is refused too.
    """

    def __init__(self, app, allowed_hosts):
        self.app = app
        self.names, self.networks = set(), []
        for entry in allowed_hosts:
            try:
                self.networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                self.names.add(_host_name(entry))

    def allows(self, host):
        if host in self.names:
            return True
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return False
        return any(address in network for network in self.networks)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        hosts = [value for name, value in scope["headers"] if name == b"host"]
        if len(hosts) != 1:
            message = "missing Host header" if not hosts else "more than one Host header"
        else:
            host = _host_name(hosts[0].decode("latin-1"))
            if self.allows(host):
                return await self.app(scope, receive, send)
            message = (f"Host {host[:100]!r} is not served here: this server answers only to "
                       f"{', '.join(sorted(self.names) + [str(n) for n in self.networks])} (DNS rebinding defence)")
        await JSONResponse({"error": message}, status_code=400)(scope, receive, send)


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

    async def cjk_font(request):
        # the zh extra's font, for labels in Chinese on a system without a CJK font (app.css)
        path = packaged_cjk_font()
        if path is None:
            raise ApiError(404, "no CJK font installed: python3 -m pip install '.[zh]'")
        return FileResponse(path, media_type="font/otf", headers={"cache-control": "max-age=86400"})

    return [Route("/", index), Route("/static/cjk.otf", cjk_font), Route("/static/{name:path}", static)]


async def _api_error(request, exc):
    headers = {"retry-after": "2"} if exc.status == 503 else None     # busy: try again soon
    return JSONResponse({"error": exc.message}, status_code=exc.status, headers=headers)


async def _http_error(request, exc):
    message = {404: "not found", 405: "method not allowed"}.get(exc.status_code, exc.detail)
    return JSONResponse({"error": message}, status_code=exc.status_code)


async def _internal_error(request, exc):
    logger.error("internal error answering %s", request.url.path, exc_info=exc)
    return JSONResponse({"error": "internal error (the server's log has the details)"}, status_code=500)


def create_app(models, allowed_hosts=None, limits=None):
    """The ASGI application serving ``models``.

    Parameters
    ----------
    models : list of ServedModel
        From :func:`w2v.serve.models.load_models`; the API's ``model=I`` is a position in this list.
    allowed_hosts : list of str, optional
        Host header values accepted: names and addresses or networks (``LOOPBACK_HOSTS``: ``localhost``,
        ``127.0.0.0/8``, ``::1``); None: any.
    limits : Limits, optional
        What expensive requests may cost (:class:`w2v.serve.limits.Limits`; its defaults when None).

    Examples
    --------
    >>> import numpy as np
    >>> from w2v.models.keyedvectors import KeyedVectors
    >>> from w2v.serve import ServedModel, create_app
    >>> kv = KeyedVectors(["cat", "dog", "car"], np.array([[1, 0], [1, 0.1], [0, 1]], dtype=np.float32))
    >>> app = create_app([ServedModel("toy", kv)])
    >>> sorted(r.path for r in app.routes if r.path.startswith("/api/m"))
    ['/api/map', '/api/models']

    Serve it with any ASGI server, e.g. ``uvicorn.run(app, host="127.0.0.1", port=8000)``, or as ``w2v serve``
    does, with its time limits on incomplete requests: :func:`w2v.serve.server.serve`.
    """
    if not models:
        raise ValueError("create_app needs at least one model")
    limits = limits or Limits()
    middleware = [Middleware(SecurityHeaders)]
    if allowed_hosts:
        middleware.append(Middleware(HostCheck, allowed_hosts=list(allowed_hosts)))
    app = Starlette(routes=ROUTES + _asset_routes(), middleware=middleware,
                    exception_handlers={ApiError: _api_error, HTTPException: _http_error,
                                        Exception: _internal_error})
    app.router.redirect_slashes = False          # /api/models/ is a 404, not a redirect built from Host
    app.state.models = list(models)
    app.state.limits = limits
    app.state.gate = WorkGate(limits.workers, limits.queue)
    app.state.quick = WorkGate(QUICK_THREADS, None)
    app.state.differ_cache = BoundedCache(DIFFER_KEPT, int(limits.cache_mb * (1 << 20)))
    return app

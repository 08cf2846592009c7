"""``w2v serve``: explore one or more models in the browser (the page and JSON API of :mod:`w2v.serve`)."""
import ipaddress
import socket
import sys
import threading

from .inputs import open_index
from .options import non_negative_int

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


def register(subparsers):
    """Add ``w2v serve`` to the ``w2v`` parser's sub-commands."""
    p = subparsers.add_parser(
        "serve", help="explore models in the browser: neighbours, analogies, maps, axes, comparison",
        description="Start a local web server with a page (and JSON API, see docs/serve.md) to explore "
                    "the models: neighbours, analogies, 2-D maps, semantic axes, the probe's report, and "
                    "two models side by side. Stop it with Ctrl+C.")
    p.add_argument("models", metavar="MODEL", nargs="+",
                   help="native model/vectors or word2vec text/binary file; give two or more to compare")
    p.add_argument("--index", metavar="FILE", action="append",
                   help="answer neighbour queries through this index (w2v index; needs w2v[ann]); give one "
                        "--index per MODEL, in the same order, and '-' for a model to search exactly")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (127.0.0.1: this machine only; anything else lets the "
                        "network query the models)")
    p.add_argument("--port", type=non_negative_int, default=8000, help="port (8000; 0: any free port)")
    p.add_argument("--open", action="store_true", help="open the page in the web browser")
    p.set_defaults(func=run_serve)


def is_loopback(host):
    """True when ``host`` names this machine only (localhost, 127.0.0.0/8, ::1)."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def listen(host, port):
    """A listening TCP socket for uvicorn; a port in use is one line of error before anything loads."""
    if port > 65535:
        raise ValueError(f"--port must be at most 65535, not {port}")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as e:
        raise ValueError(f"--host {host!r}: {e.strerror}") from None
    family, kind, proto, _, address = infos[0]
    # proto must be IPPROTO_TCP (not 0): asyncio sets TCP_NODELAY on accepted connections only then,
    # and without it each keep-alive answer waits ~40 ms for a delayed ACK (Nagle).
    sock = socket.socket(family, kind, proto or socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as e:
        sock.close()
        raise OSError(f"cannot listen on {host}:{port}: {e.strerror or e}") from None
    return sock


def run_serve(args):
    import uvicorn

    from ..serve import create_app, load_models

    if args.index is not None and len(args.index) != len(args.models):
        raise ValueError(f"give one --index per MODEL, in order ('-' for none): {len(args.models)} model(s), "
                         f"{len(args.index)} --index")
    sock = listen(args.host, args.port)          # before loading: a busy port fails fast
    models = load_models(args.models)
    for model, path in zip(models, args.index or ()):
        if path != "-":
            model.indexer = open_index(path, model.kv)    # checks the index was built for these vectors
    local = is_loopback(args.host)
    # On this machine only, refuse Host headers that are not local names (DNS rebinding). Starlette's
    # check cuts the port at the first ':', so an IPv6 address cannot be listed: no check there.
    allowed = list(LOOPBACK_NAMES[:2]) + [args.host] if local and ":" not in args.host else None
    app = create_app(models, allowed_hosts=allowed)
    for m in models:                  # the completion index and first map, built while the page loads
        threading.Thread(target=m.prepare, daemon=True).start()
    host, port = sock.getsockname()[:2]
    url = f"http://{'[' + host + ']' if ':' in host else host}:{port}/"
    if not local:
        print(f"w2v: warning: listening on {args.host}: anyone who can reach this machine on the "
              f"network can query these models", file=sys.stderr)
    names = ", ".join(f"{m.name} ({len(m.kv):,} words x {m.kv.vector_size}"
                      f"{', ' + m.indexer.method + ' index' if m.indexer is not None else ''})" for m in models)
    print(f"serving {names} at {url} (Ctrl+C to stop)", flush=True)
    if args.open:
        import webbrowser

        webbrowser.open(url)
    config = uvicorn.Config(app, log_level="warning", lifespan="off")
    uvicorn.Server(config).run(sockets=[sock])
    return 0

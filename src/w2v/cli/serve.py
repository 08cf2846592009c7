"""``w2v serve``: explore one or more models in the browser (the page and JSON API of :mod:`w2v.serve`)."""
import argparse
import ipaddress
import socket
import sys
import threading

from .options import non_negative_int, positive_int
from .inputs import open_index

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


def positive_seconds(text):
    """argparse type: seconds above 0, with a one-line message otherwise."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be above 0 seconds, not {text}")
    return value


def register(subparsers):
    """Add ``w2v serve`` to the ``w2v`` parser's sub-commands."""
    p = subparsers.add_parser(
        "serve", help="explore models in the browser: neighbours, analogies, maps, axes, comparison",
        description="Start a local web server with a page (and JSON API, see docs/serve.md) to explore "
                    "the models: neighbours, analogies, 2-D maps, semantic axes, the probe's report, and "
                    "two models side by side; a FastText model's words outside its vocabulary (from their "
                    "n-grams), a Doc2Vec model's documents. Stop it with Ctrl+C.")
    p.add_argument("models", metavar="MODEL", nargs="+",
                   help="native model/vectors (Word2Vec, FastText, Doc2Vec), fastText .bin, or word2vec "
                        "text/binary file; give two or more to compare")
    p.add_argument("--index", metavar="FILE", action="append",
                   help="answer neighbour queries through this index (w2v index; needs w2v[ann]); give one "
                        "--index per MODEL, in the same order, and '-' for a model to search exactly")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (127.0.0.1: this machine only; anything else lets the "
                        "network query the models)")
    p.add_argument("--port", type=non_negative_int, default=8000, help="port (8000; 0: any free port)")
    p.add_argument("--open", action="store_true", help="open the page in the web browser")
    limits = p.add_argument_group("limits", "what clients may cost the server (docs/serve.md, Limits)")
    limits.add_argument("--workers", type=positive_int, default=2, metavar="N",
                        help="expensive computations at once: maps, the probe, the words that differ most (2)")
    limits.add_argument("--queue", type=non_negative_int, default=16, metavar="N",
                        help="expensive requests waiting for a worker; more are answered 503 (16)")
    limits.add_argument("--cache-mb", type=non_negative_int, default=64, metavar="MB",
                        help="megabytes of /api/differ results kept (64)")
    limits.add_argument("--max-connections", type=positive_int, default=100, metavar="N",
                        help="connections at once; a request beyond is answered 503 (100)")
    limits.add_argument("--request-timeout", type=positive_seconds, default=10.0, metavar="S",
                        help="seconds a client has to send a request's line and headers (10)")
    p.set_defaults(func=run_serve)


def is_loopback(host):
    """True when ``host`` names this machine only (localhost, 127.0.0.0/8, ::1)."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def allowed_hosts(host):
    """The Host headers a server listening on ``host`` accepts: on a loopback address, only this machine's
    names and addresses (a defence against DNS rebinding); elsewhere None, any."""
    from ..serve.app import LOOPBACK_HOSTS

    return list(LOOPBACK_HOSTS) + [host] if is_loopback(host) else None


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
    from ..serve import create_app, load_models
    from ..serve.limits import Limits
    from ..serve.server import serve

    if args.index is not None and len(args.index) != len(args.models):
        raise ValueError(f"give one --index per MODEL, in order ('-' for none): {len(args.models)} model(s), "
                         f"{len(args.index)} --index")
    sock = listen(args.host, args.port)          # before loading: a busy port fails fast
    models = load_models(args.models)
    for model, path in zip(models, args.index or ()):
        if path != "-":
            model.indexer = open_index(path, model.kv)    # checks the index was built for these vectors
    local = is_loopback(args.host)
    limits = Limits(workers=args.workers, queue=args.queue, cache_mb=args.cache_mb,
                    max_connections=args.max_connections, request_timeout=args.request_timeout)
    app = create_app(models, allowed_hosts=allowed_hosts(args.host), limits=limits)
    for m in models:                  # the completion index and first map, built while the page loads
        threading.Thread(target=m.prepare, daemon=True).start()
    host, port = sock.getsockname()[:2]
    url = f"http://{'[' + host + ']' if ':' in host else host}:{port}/"
    if not local:
        print(f"w2v: warning: listening on {args.host}: anyone who can reach this machine on the "
              f"network can query these models", file=sys.stderr)
    names = ", ".join(f"{m.name} ({len(m.kv):,} words"
                      f"{f', {len(m.documents.dv):,} documents' if m.documents is not None else ''} x {m.kv.vector_size}"
                      f"{', subwords' if m.subwords else ''}"
                      f"{', ' + m.indexer.method + ' index' if m.indexer is not None else ''})" for m in models)
    print(f"serving {names} at {url} (Ctrl+C to stop)", flush=True)
    if args.open:
        import webbrowser

        webbrowser.open(url)
    stopped_by = serve(app, [sock], limits)
    if stopped_by is None:
        return 0
    print(f"w2v: stopped by {stopped_by.name}, after finishing the requests in flight", file=sys.stderr)
    return 128 + stopped_by.value          # the shell's status for a process ended by that signal

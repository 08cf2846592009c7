"""What the serve tests share: a uvicorn server (the app on a free port of 127.0.0.1, in a thread) and
the checks of a JSON answer."""
import contextlib
import json
import socket
import threading
import time

import uvicorn

from w2v.serve import create_app
from w2v.serve.server import uvicorn_config


@contextlib.contextmanager
def running(models, limits=None, allowed_hosts=None, host="127.0.0.1"):
    """Serve ``models`` until the block ends, as ``w2v serve`` does (:func:`w2v.serve.server.uvicorn_config`);
    yields the port. The socket is made with IPPROTO_TCP, as ``w2v serve`` makes it, so asyncio sets
    TCP_NODELAY on connections."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind((host, 0))
    sock.listen(64)
    app = create_app(models, allowed_hosts=allowed_hosts, limits=limits)
    server = uvicorn.Server(uvicorn_config(app, limits))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield sock.getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def ok(client, url, **params):
    """GET ``url`` with ``params``; assert a 200 JSON answer and return its body."""
    r = client.get(url, params=params)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/json")
    return r.json()


def exact(obj):
    """What JSON makes of a Python answer (floats as JSON writes them)."""
    return json.loads(json.dumps(obj))

"""A uvicorn server for the serve tests: the app on a free port of 127.0.0.1, in a thread."""
import contextlib
import socket
import threading
import time

import uvicorn

from w2v.serve import create_app


@contextlib.contextmanager
def running(models):
    """Serve ``models`` until the block ends; yields the port. The socket is made with
    IPPROTO_TCP, as ``w2v serve`` makes it, so asyncio sets TCP_NODELAY on connections."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    server = uvicorn.Server(uvicorn.Config(create_app(models), log_level="warning", lifespan="off"))
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

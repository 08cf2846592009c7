"""How ``w2v serve`` runs the application on uvicorn: time limits on incomplete requests, JSON refusals, SIGTERM.

uvicorn (0.55, h11) closes an idle keep-alive connection after ``timeout_keep_alive`` but never times out a
request whose line and headers have not all arrived: a client that sends ``GET / HTTP/1.1`` and nothing
more holds its connection forever. :class:`Protocol` adds that deadline, answers malformed requests and the
connection limit with JSON ``{"error": ...}`` rather than uvicorn's plain text, and :func:`serve` runs it.
"""
import http
import json
import logging
import signal
import threading

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from .app import SECURITY_HEADERS
from .limits import Limits

__all__ = ["Protocol", "serve", "uvicorn_config"]

logger = logging.getLogger(__name__)


class _Connection(h11.Connection):
    """h11's connection, keeping the protocol error it raised so that the answer can say what was wrong."""

    error = None

    def next_event(self):
        try:
            return super().next_event()
        except h11.RemoteProtocolError as e:
            self.error = e
            raise


def _json_response(status, message):
    """The bytes of a whole HTTP/1.1 answer ``{"error": message}`` that closes the connection, with the
    application's security headers."""
    body = json.dumps({"error": message}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
               (b"connection", b"close")] + SECURITY_HEADERS
    head = f"HTTP/1.1 {status} {http.HTTPStatus(status).phrase}\r\n".encode()
    return head + b"".join(name + b": " + value + b"\r\n" for name, value in headers) + b"\r\n" + body


class Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline on each request's line and headers, and JSON refusals.

    The deadline (``Limits.request_timeout``) runs from the connection, or from the end of the previous
    answer, until the request's headers are complete; data trickling in does not extend it. A malformed
    request is answered 400 (431 for headers over ``Limits.max_header_kb``), and a request beyond
    ``Limits.max_connections`` connections or requests 503, each with a JSON body.
    """

    limits = Limits()            # set per server by uvicorn_config

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conn = _Connection(h11.SERVER, self.config.h11_max_incomplete_event_size
                                or self.limits.max_header_kb * 1024)
        self.header_deadline = None
        # The connection limit is checked here, where the answer can be JSON (uvicorn's is plain text).
        self.limit_concurrency = None
        app, limit = self.app, self.limits.max_connections

        async def limited(scope, receive, send):
            if len(self.connections) > limit or len(self.tasks) > limit:
                logger.warning("refused a request: %d connections open, at most %d", len(self.connections), limit)
                body = json.dumps({"error": f"busy: {limit} connections at most; try again"}).encode()
                await send({"type": "http.response.start", "status": 503,
                            "headers": [(b"content-type", b"application/json"), (b"connection", b"close"),
                                        (b"content-length", str(len(body)).encode()), (b"retry-after", b"2")]
                            + SECURITY_HEADERS})
                await send({"type": "http.response.body", "body": body})
                return
            await app(scope, receive, send)

        self.app = limited

    def connection_made(self, transport):
        super().connection_made(transport)
        self._arm_deadline()

    def data_received(self, data):
        super().data_received(data)
        if self.cycle is None or self.cycle.response_complete:
            self._arm_deadline()          # (the rest of) a request's headers, or a body no one reads
        else:
            self._disarm_deadline()       # a request is being answered

    def on_response_complete(self):
        super().on_response_complete()
        self._disarm_deadline()           # the keep-alive timeout runs until the next request begins

    def connection_lost(self, exc):
        self._disarm_deadline()
        super().connection_lost(exc)

    def _arm_deadline(self):
        if self.header_deadline is None and not self.transport.is_closing():
            self.header_deadline = self.loop.call_later(self.limits.request_timeout, self._deadline_passed)

    def _disarm_deadline(self):
        if self.header_deadline is not None:
            self.header_deadline.cancel()
            self.header_deadline = None

    def _deadline_passed(self):
        self.header_deadline = None
        if self.transport.is_closing():
            return
        if self.conn.their_state is h11.IDLE:        # no request begun: say why before closing
            self.transport.write(_json_response(
                408, f"the request's line and headers did not arrive within {self.limits.request_timeout:g} s"))
        self.transport.close()

    def send_400_response(self, msg):
        error = self.conn.error
        status = getattr(error, "error_status_hint", 400) if error is not None else 400
        detail = str(error) if error is not None else msg
        if status == 431:
            detail = f"request line and headers over {self.limits.max_header_kb} KB"
        self.transport.write(_json_response(status, f"bad HTTP request: {detail}"))
        self.transport.close()


def uvicorn_config(app, limits=None):
    """uvicorn's configuration for ``app`` under ``limits`` (:class:`~w2v.serve.limits.Limits`)."""
    limits = limits or Limits()
    protocol = type("Protocol", (Protocol,), {"limits": limits})
    return uvicorn.Config(app, http=protocol, log_level="warning", lifespan="off",
                          timeout_keep_alive=limits.keep_alive, timeout_graceful_shutdown=30,
                          h11_max_incomplete_event_size=limits.max_header_kb * 1024,
                          server_header=False)


class _Stopped(BaseException):
    """Raised by the SIGTERM handler that uvicorn calls again once it has shut down."""


def _stopped(signum, frame):
    raise _Stopped(signum)


def serve(app, sockets, limits=None):
    """Serve ``app`` on the listening ``sockets`` until SIGINT or SIGTERM, finishing the requests in flight.

    Returns
    -------
    signal.Signals or None
        The signal that stopped the server (None when it stopped otherwise).
    """
    server = uvicorn.Server(uvicorn_config(app, limits))
    if threading.current_thread() is not threading.main_thread():
        server.run(sockets=sockets)                 # no signals here: uvicorn handles none either
        return None
    # uvicorn shuts down on either signal, then raises it again with the handlers it found installed:
    # SIGINT's raises KeyboardInterrupt, SIGTERM's default would end the process with status -15 and no word.
    previous = signal.signal(signal.SIGTERM, _stopped)
    try:
        server.run(sockets=sockets)
    except KeyboardInterrupt:
        return signal.SIGINT
    except _Stopped as e:
        return signal.Signals(e.args[0])
    finally:
        signal.signal(signal.SIGTERM, previous)
    return None

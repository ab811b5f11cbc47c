# SimpleClick as a CVAT interactor: the nuclio function's handler (Python runtime, the runtime CVAT's own
# functions use; standard library only).
#
# init_context starts the SimpleClick service (Node.js, `simpleclick-cvat --socket PATH`, installed in this
# folder by install.sh) inside the same container and waits until it answers GET /health; a service that cannot
# start (bad SIMPLECLICK_* setting, unreadable model) fails init_context, so nuclio reports the function as failed
# instead of answering every click with an error. handler forwards each event, unchanged, to the service over a
# Unix socket (no TCP port to collide with anything) and returns the service's status and JSON body.
#
# Why not nuclio's Node.js runtime: its wrapper, before nuclio's July 2025 fix, JSON-parses each 64 KiB socket chunk
# and fails on any larger event, i.e. on every real frame. The Python wrapper reads each event by its length prefix.
#
# Settings (function.yaml spec.env): the SIMPLECLICK_* variables of the service (SIMPLECLICK_MODEL,
# SIMPLECLICK_THREADS, ...) pass through; SIMPLECLICK_NODE (node executable), SIMPLECLICK_SERVICE_SCRIPT (the
# service's cli.mjs), SIMPLECLICK_START_TIMEOUT_S (model load, default 180), SIMPLECLICK_REQUEST_TIMEOUT_S (one
# answer, default 110: below CVAT's 120 s lambda timeout so the reason reaches CVAT).
import atexit
import http.client
import json
import os
import signal
import socket
import subprocess
import tempfile
import time

FUNCTION_DIR = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SERVICE_SCRIPT = os.path.join(FUNCTION_DIR, "node_modules", "@simpleclick", "adapters-cvat", "dist", "cli.mjs")


def _setting(name, default):
    value = os.environ.get(name, "").strip()
    return value if value else default


def _seconds(name, default):
    text = _setting(name, str(default))
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise ValueError("%s must be a number of seconds > 0, got %r" % (name, text))
    return value


class _UnixHTTPConnection(http.client.HTTPConnection):
    """HTTP over a Unix socket (http.client speaks HTTP/1.1 over whatever socket connect() makes)."""

    def __init__(self, socket_path, timeout):
        super().__init__("localhost", timeout=timeout)
        self._socket_path = socket_path

    def connect(self):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self._socket_path)
        self.sock = sock


class ServiceUnavailable(Exception):
    """The SimpleClick service is not running (it exited, or never started)."""


class Service(object):
    """One SimpleClick service process per worker process (nuclio runs init_context once per worker)."""

    def __init__(self, logger):
        self._logger = logger
        self.socket_path = os.path.join(tempfile.gettempdir(), "simpleclick-cvat-%d.sock" % os.getpid())
        self.process = None
        # Read once, at start: a bad value stops the function's start, like the service's own settings.
        self.start_timeout_s = _seconds("SIMPLECLICK_START_TIMEOUT_S", 180)
        self.request_timeout_s = _seconds("SIMPLECLICK_REQUEST_TIMEOUT_S", 110)

    def start(self):
        node = _setting("SIMPLECLICK_NODE", "node")
        script = _setting("SIMPLECLICK_SERVICE_SCRIPT", DEFAULT_SERVICE_SCRIPT)
        deadline = time.monotonic() + self.start_timeout_s
        if os.path.exists(self.socket_path):
            os.unlink(self.socket_path)
        # stderr is inherited: the service's start-up errors and its one line per request reach the container log.
        self.process = subprocess.Popen(
            # --stop-with-stdin: the service stops when this process dies, however it dies (the pipe closes).
            [node, script, "--socket", self.socket_path, "--stop-with-stdin"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            cwd=FUNCTION_DIR,
        )
        while True:
            status = self.process.poll()
            if status is not None:
                raise RuntimeError(
                    "the SimpleClick service exited with status %s while starting (its error is in the log above)" % status
                )
            try:
                if self.request("GET", "/health", None, timeout=5)[0] == 200:
                    self._logger.info("SimpleClick service ready on unix:%s (pid %d)" % (self.socket_path, self.process.pid))
                    return
            except (OSError, http.client.HTTPException):
                pass  # not listening yet
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the SimpleClick service did not answer /health in time")
            time.sleep(0.1)

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def request(self, method, path, body, timeout):
        connection = _UnixHTTPConnection(self.socket_path, timeout)
        try:
            headers = {"Content-Type": "application/json"} if body is not None else {}
            connection.request(method, path, body=body, headers=headers)
            reply = connection.getresponse()
            return reply.status, reply.read()
        finally:
            connection.close()

    def stop(self):
        # SIGTERM: the service stops accepting, finishes the click in flight, and exits (10 s grace at most).
        if self.alive():
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()


_service = None


def init_context(context):
    global _service
    _service = Service(context.logger)
    _service.start()
    atexit.register(_service.stop)
    # nuclio calls the platform's termination callback when it stops the worker (where the SDK offers it).
    set_termination_callback = getattr(getattr(context, "platform", None), "set_termination_callback", None)
    if callable(set_termination_callback):
        set_termination_callback(_service.stop)
    # SIGTERM (docker stop): let the service finish the click in flight, then exit.
    signal.signal(signal.SIGTERM, _on_sigterm)


def _on_sigterm(signum, frame):
    if _service is not None:
        _service.stop()
    raise SystemExit(0)


def _body_bytes(body):
    # nuclio's SDK hands an application/json body over already parsed (dict); other bodies as bytes or str.
    if isinstance(body, (dict, list)):
        return json.dumps(body).encode("utf-8")
    if isinstance(body, str):
        return body.encode("utf-8")
    return bytes(body or b"")


def _error(status, code, message):
    return status, json.dumps({"error": {"code": code, "message": message}}).encode("utf-8")


def _answer(context, event):
    if _service is None:
        return _error(503, "SERVICE_UNAVAILABLE", "init_context did not run")
    if not _service.alive():
        restarted = _restart(context)
        if restarted is not None:
            return restarted
    method = (getattr(event, "method", None) or "POST").upper()
    timeout = _service.request_timeout_s

    def send():
        if method in ("GET", "HEAD"):
            return _service.request("GET", "/health", None, timeout)
        return _service.request("POST", "/", _body_bytes(event.body), timeout)

    try:
        try:
            return send()
        except (ConnectionRefusedError, FileNotFoundError):
            # Nothing listens on the socket: the service died after the liveness check (its exit may not be
            # visible to poll() yet), or it hangs without its socket. Either way it cannot answer: start it
            # again once and resend; the request depends on nothing the old process held.
            restarted = _restart(context)
            if restarted is not None:
                return restarted
            return send()
    except socket.timeout:
        message = "no answer within %g s (SIMPLECLICK_REQUEST_TIMEOUT_S): a large frame or many points" % timeout
        return _error(504, "TIMEOUT", message)
    except (OSError, http.client.HTTPException) as error:
        return _error(502, "UPSTREAM_UNREACHABLE", "the SimpleClick service did not answer: %s" % error)


def _restart(context):
    """Stops what is left of the service and starts it again; None, or the error answer when it cannot start."""
    context.logger.error("the SimpleClick service is not running: restarting it")
    try:
        _service.stop()
        _service.start()
    except Exception as error:  # noqa: BLE001 - reported to the caller
        return _error(503, "SERVICE_UNAVAILABLE", "the SimpleClick service cannot start: %s" % error)
    return None


def handler(context, event):
    status, body = _answer(context, event)
    if status >= 500:
        context.logger.error("simpleclick: %d %s" % (status, body[:300].decode("utf-8", "replace")))
    return context.Response(
        body=body.decode("utf-8"), headers={}, content_type="application/json", status_code=status
    )

# Test-only stand-in for nuclio's Python wrapper (_nuclio_wrapper.py), standard library only, for machines without
# nuclio-sdk and msgpack. Written from nuclio's processor <-> wrapper protocol as nuclio's Python runtime speaks it:
# - the wrapper connects to the processor's event socket, then its control socket (Unix sockets, paths as args);
# - it imports the handler ("module:function"), calls init_context(context), then writes "s\n" (started) on the
#   event socket and {"kind": "wrapperInitialized", ...} on the control socket;
# - per event: 4 bytes big-endian length, then that many bytes of a MessagePack map (body as bytes, content_type,
#   headers, method, path, ...); an application/json body is handed to the handler parsed, as nuclio's SDK does;
# - the answer is one line "r" + JSON {body, body_encoding, content_type, status_code, headers}, after a metric line
#   "m" + JSON {duration}; log lines are "l" + JSON. A handler exception answers 500 text/plain.
# Run the real wrapper instead where it is available (see nuclio-wrapper.test.ts).
import argparse
import base64
import json
import socket
import struct
import sys
import time


def decode_msgpack(data):
    value, offset = _decode(data, 0)
    if offset != len(data):
        raise ValueError("trailing bytes after the MessagePack value")
    return value


def _decode(data, i):
    tag = data[i]
    i += 1
    if tag <= 0x7F:
        return tag, i
    if tag >= 0xE0:
        return tag - 0x100, i
    if 0x80 <= tag <= 0x8F:
        return _map(data, i, tag & 0x0F)
    if 0x90 <= tag <= 0x9F:
        return _array(data, i, tag & 0x0F)
    if 0xA0 <= tag <= 0xBF:
        n = tag & 0x1F
        return data[i:i + n].decode("utf-8"), i + n
    simple = {0xC0: None, 0xC2: False, 0xC3: True}
    if tag in simple:
        return simple[tag], i
    sized = {0xC4: (">B", "bin"), 0xC5: (">H", "bin"), 0xC6: (">I", "bin"),
             0xD9: (">B", "str"), 0xDA: (">H", "str"), 0xDB: (">I", "str"),
             0xDC: (">H", "array"), 0xDD: (">I", "array"), 0xDE: (">H", "map"), 0xDF: (">I", "map")}
    if tag in sized:
        fmt, kind = sized[tag]
        (n,) = struct.unpack_from(fmt, data, i)
        i += struct.calcsize(fmt)
        if kind == "bin":
            return bytes(data[i:i + n]), i + n
        if kind == "str":
            return data[i:i + n].decode("utf-8"), i + n
        return (_array if kind == "array" else _map)(data, i, n)
    numbers = {0xCC: ">B", 0xCD: ">H", 0xCE: ">I", 0xCF: ">Q", 0xD0: ">b", 0xD1: ">h", 0xD2: ">i", 0xD3: ">q",
               0xCA: ">f", 0xCB: ">d"}
    if tag in numbers:
        (value,) = struct.unpack_from(numbers[tag], data, i)
        return value, i + struct.calcsize(numbers[tag])
    raise ValueError("unsupported MessagePack tag 0x%02x" % tag)


def _array(data, i, n):
    items = []
    for _ in range(n):
        item, i = _decode(data, i)
        items.append(item)
    return items, i


def _map(data, i, n):
    result = {}
    for _ in range(n):
        key, i = _decode(data, i)
        result[key], i = _decode(data, i)
    return result, i


class Response(object):
    def __init__(self, headers=None, body=None, content_type=None, status_code=200, body_encoding=None):
        self.headers, self.body, self.content_type = headers or {}, body, content_type
        self.status_code = status_code


class Logger(object):
    def __init__(self, out):
        self._out = out

    def _log(self, level, message, extra):
        self._out("l" + json.dumps({"level": level, "message": str(message), "with": extra}, default=str))

    def debug(self, message, *args): self._log("debug", message, {})
    def info(self, message, *args): self._log("info", message, {})
    def warn(self, message, *args): self._log("warning", message, {})
    def error(self, message, *args): self._log("error", message, {})
    def debug_with(self, message, **kw): self._log("debug", message, kw)
    def info_with(self, message, **kw): self._log("info", message, kw)
    def warn_with(self, message, **kw): self._log("warning", message, kw)
    def error_with(self, message, **kw): self._log("error", message, kw)


class Context(object):
    def __init__(self, logger):
        self.logger, self.user_data, self.platform = logger, type("UserData", (), {})(), None
        self.Response = Response


class Event(object):
    def __init__(self, fields):
        self.__dict__.update({k.replace("-", "_"): v for k, v in fields.items() if isinstance(k, str)})
        body = fields.get("body")
        if fields.get("content_type") == "application/json" and isinstance(body, bytes):
            try:
                body = json.loads(body.decode("utf-8"))
            except ValueError:
                pass
        self.body = body


def _response_fields(output):
    if isinstance(output, Response):
        status, body, content_type, headers = output.status_code, output.body, output.content_type, output.headers
    elif isinstance(output, tuple):
        status, body, content_type, headers = output[0], output[1], None, {}
    else:
        status, body, content_type, headers = 200, output, None, {}
    if isinstance(body, (dict, list)):
        body, content_type = json.dumps(body), content_type or "application/json"
    if isinstance(body, bytes):
        return {"body": base64.b64encode(body).decode("ascii"), "body_encoding": "base64",
                "content_type": content_type or "text/plain", "status_code": status, "headers": headers}
    return {"body": body if body is not None else "", "body_encoding": "text",
            "content_type": content_type or "text/plain", "status_code": status, "headers": headers}


def _read_exactly(sock, n):
    chunks, received = [], 0
    while received < n:
        chunk = sock.recv(min(n - received, 1 << 20))
        if not chunk:
            raise EOFError("processor closed the event socket")
        chunks.append(chunk)
        received += len(chunk)
    return b"".join(chunks)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--handler", required=True)
    parser.add_argument("--event-socket-path", required=True)
    parser.add_argument("--control-socket-path", required=True)
    args, _ = parser.parse_known_args()

    event_sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    event_sock.connect(args.event_socket_path)
    control_sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    control_sock.connect(args.control_socket_path)
    send = lambda line: event_sock.sendall((line + "\n").encode("utf-8"))  # noqa: E731

    module_name, function_name = args.handler.split(":")
    module = __import__(module_name)
    entrypoint = getattr(module, function_name)
    context = Context(Logger(send))
    if hasattr(module, "init_context"):
        module.init_context(context)
    send("s")
    control_sock.sendall((json.dumps({"kind": "wrapperInitialized", "attributes": {"ready": "true"}}) + "\n").encode())

    while True:
        try:
            (length,) = struct.unpack(">I", _read_exactly(event_sock, 4))
            fields = decode_msgpack(_read_exactly(event_sock, length))
        except EOFError:
            return
        start = time.time()
        try:
            answer = _response_fields(entrypoint(context, Event(fields)))
        except Exception as error:  # noqa: BLE001 - the wrapper answers 500, as nuclio's does
            answer = _response_fields(Response(body="Exception caught in handler - %s" % error, status_code=500))
        send("m" + json.dumps({"duration": time.time() - start}))
        send("r" + json.dumps(answer))


if __name__ == "__main__":
    sys.exit(main())

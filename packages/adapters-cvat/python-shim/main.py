# Thin nuclio function (Python runtime) for CVAT: forwards each interactor request unchanged to the SimpleClick
# HTTP service (`simpleclick-cvat --model ... --host 0.0.0.0`) and returns its answer. Standard library only.
# Settings (function.yaml spec.env): SIMPLECLICK_CVAT_URL (the service's POST / address),
# SIMPLECLICK_CVAT_TIMEOUT_S (seconds to wait for an answer, default 60).
import json
import os
import urllib.error
import urllib.request

SERVICE_URL = os.environ.get("SIMPLECLICK_CVAT_URL", "http://simpleclick-cvat:8571/")
TIMEOUT_S = float(os.environ.get("SIMPLECLICK_CVAT_TIMEOUT_S", "60"))


def init_context(context):
    context.logger.info("forwarding CVAT interactor requests to %s" % SERVICE_URL)


def _request_bytes(body):
    # nuclio hands a JSON body over already parsed (dict) when the content type says JSON, else bytes or str.
    if isinstance(body, (dict, list)):
        return json.dumps(body).encode("utf-8")
    if isinstance(body, str):
        return body.encode("utf-8")
    return bytes(body or b"")


def handler(context, event):
    request = urllib.request.Request(
        SERVICE_URL,
        data=_request_bytes(event.body),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as reply:
            status, text = reply.status, reply.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        # The service's own error answer ({"error": {"code", "message"}}) with its status.
        status, text = error.code, error.read().decode("utf-8")
    except (urllib.error.URLError, OSError) as error:
        status = 502
        message = "SimpleClick service unreachable at %s: %s" % (SERVICE_URL, error)
        text = json.dumps({"error": {"code": "UPSTREAM_UNREACHABLE", "message": message}})
        context.logger.error(message)
    return context.Response(body=text, headers={}, content_type="application/json", status_code=status)

import { InvalidFormatError } from '@simpleclick/core';
import { describeError, errorAnswer } from '../error-response';
import { healthBody } from '../health';
import type { CvatInteractor } from '../interactor/cvat-interactor';

/** The `context.Response` constructor of nuclio's Node.js wrapper: `(body, headers, contentType, statusCode, bodyEncoding)`. */
export type NuclioResponseConstructor = new (
  body?: unknown,
  headers?: Record<string, string> | null,
  contentType?: string,
  statusCode?: number,
  bodyEncoding?: string,
) => unknown;

/**
 * The parts of nuclio's Node.js `context` used here: `callback` must be called exactly once per event with the
 * answer (a string, a Buffer, `[status, body]` or a `context.Response`); the handler's return value is ignored.
 */
export interface NuclioContext {
  callback(response: unknown): unknown;
  Response?: NuclioResponseConstructor;
  logger?: {
    info?(message: string, withData?: unknown): void;
    error?(message: string, withData?: unknown): void;
  };
}

/** The parts of a nuclio event used here: the wrapper hands the HTTP body over as a Buffer. */
export interface NuclioEvent {
  body?: unknown;
  method?: string;
  path?: string;
}

/** A nuclio Node.js handler: `exports.handler = handler` in handler.js. */
export type NuclioHandler = (context: NuclioContext, event: NuclioEvent) => void;

/**
 * The nuclio handler over an interactor (or a promise of one, so the model can load while the function starts).
 * A POST event is a CVAT interactor request: the answer is the JSON `{mask, bounds, points}` with status 200, or
 * `{error: {code, message}}` with the status the HTTP service would give (400, 413, 500, 503). A GET answers the
 * health body. The callback is called exactly once per event, also when the model failed to load (500).
 */
export function createNuclioHandler(interactor: CvatInteractor | PromiseLike<CvatInteractor>): NuclioHandler {
  const ready = Promise.resolve(interactor);
  // A load failure is answered per event; do not let it surface as an unhandled rejection meanwhile.
  ready.catch(() => undefined);
  return (context, event) => {
    const startMs = performance.now();
    const answered = ready
      .then(async (loaded) => {
        if ((event.method ?? 'POST').toUpperCase() === 'GET')
          return { status: 200, body: healthBody(loaded), note: 'health' };
        const interaction = await loaded.handle(parseEventBody(event.body));
        return {
          status: 200,
          body: interaction.result,
          note: `${interaction.kind} runs=${interaction.modelRuns} clicks=${interaction.clicks.length}`,
        };
      })
      .catch((error: unknown) => ({ ...errorAnswer(error), note: describeError(error) }));
    void answered.then(({ status, body, note }) => {
      const line = `simpleclick-cvat: ${status} ${note} ${(performance.now() - startMs).toFixed(0)}ms`;
      if (status >= 500) context.logger?.error?.(line);
      else context.logger?.info?.(line);
      respond(context, status, body);
    });
  };
}

/** The event body as a parsed JSON value: a Buffer or string is parsed; an object (already parsed) is taken as is. */
function parseEventBody(body: unknown): unknown {
  let text: string;
  if (body instanceof Uint8Array) text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  else if (typeof body === 'string') text = body;
  else if (body !== null && typeof body === 'object') return body;
  else throw new InvalidFormatError('the event has no body: POST a CVAT interactor request');
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new InvalidFormatError(`the request body is not JSON: ${(cause as Error).message}`, { cause });
  }
}

function respond(context: NuclioContext, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  if (typeof context.Response === 'function') {
    context.callback(new context.Response(text, {}, 'application/json', status));
  } else {
    // The wrapper's other accepted form: [status, object] (it serialises the object as JSON).
    context.callback([status, body]);
  }
}

'use strict';
// nuclio entry point of the SimpleClick CVAT interactor (Node.js runtime, `handler: handler:handler`).
//
// nuclio's Node.js wrapper require()s this file, calls exports.initContext(context) once (without waiting for
// it), then exports.handler(context, event) per event; the answer goes through context.callback. The SDK is ESM,
// so it is loaded with import(); every event waits for that one load (model included), and a load failure is
// answered per event by the handler the package returns.
//
// Settings come from the environment (function.yaml `spec.env`): SIMPLECLICK_MODEL (default
// /opt/nuclio/model.onnx), SIMPLECLICK_PRESET, SIMPLECLICK_THREADS, SIMPLECLICK_REPLAY_ORDER,
// SIMPLECLICK_MAX_PIXELS, SIMPLECLICK_IMAGE_CACHE_MB, SIMPLECLICK_STATE_CACHE_MB.

let handlerPromise;

function loadHandler() {
  if (handlerPromise === undefined) {
    handlerPromise = import('@simpleclick/adapters-cvat').then((module) => module.createNuclioHandlerFromEnv(process.env));
  }
  return handlerPromise;
}

function answerLoadFailure(context, error) {
  const body = JSON.stringify({
    error: { code: 'MODEL_LOAD', message: `cannot load @simpleclick/adapters-cvat: ${error && error.message ? error.message : String(error)}` },
  });
  if (typeof context.Response === 'function') context.callback(new context.Response(body, {}, 'application/json', 500));
  else context.callback([500, JSON.parse(body)]);
}

exports.initContext = (context) => {
  // Start loading now so the first click does not wait for the model.
  loadHandler().then(
    () => context.logger.info('simpleclick-cvat: handler loaded'),
    (error) => context.logger.error(`simpleclick-cvat: cannot load the package: ${error && error.stack ? error.stack : error}`),
  );
};

exports.handler = (context, event) => {
  loadHandler().then(
    (handle) => handle(context, event),
    (error) => answerLoadFailure(context, error),
  );
};

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickPredictor } from '@simpleclick/core';
import { ClickEchoModel, frameBase64, REPO_ROOT, syntheticFrame } from '../test-support/fixtures';
import { CvatInteractor } from '../interactor/cvat-interactor';
import { startCvatHttpService, type RunningCvatHttpService } from '../http/http-service';

const PYTHON = '/usr/bin/python3';
const SHIM_DIR = `${REPO_ROOT}packages/adapters-cvat/python-shim`;
if (!existsSync(PYTHON)) console.warn(`python shim test skipped: ${PYTHON} is absent`);

// Calls python-shim/main.py's handler the way nuclio's Python runtime would (context.Response, event.body parsed
// from JSON) and prints what it answered.
const DRIVER = `
import json, sys
sys.path.insert(0, sys.argv[1])
import main

class Logger:
    def info(self, message): pass
    def error(self, message): print("LOG " + message, file=sys.stderr)

class Context:
    logger = Logger()
    class Response:
        def __init__(self, body=None, headers=None, content_type="text/plain", status_code=200):
            self.body, self.content_type, self.status_code = body, content_type, status_code

class Event:
    body = json.load(sys.stdin)

main.init_context(Context)
answer = main.handler(Context, Event)
print(json.dumps({"status": answer.status_code, "content_type": answer.content_type, "body": json.loads(answer.body)}))
`;

function callShim(url: string, body: unknown): Promise<{ status: number; content_type: string; body: any }> {
  return new Promise((resolve, reject) => {
    const env = { SIMPLECLICK_CVAT_URL: url, SIMPLECLICK_CVAT_TIMEOUT_S: '20' };
    const child = execFile(PYTHON, ['-c', DRIVER, SHIM_DIR], { env }, (error, stdout, stderr) => {
      if (error) reject(new Error(`python failed: ${stderr}`));
      else resolve(JSON.parse(stdout));
    });
    child.stdin?.end(JSON.stringify(body));
  });
}

describe.skipIf(!existsSync(PYTHON))('python-shim/main.py (nuclio Python runtime shim)', () => {
  let service: RunningCvatHttpService;

  beforeAll(async () => {
    const interactor = await CvatInteractor.create(await ClickPredictor.create(new ClickEchoModel()), {
      ownsPredictor: true,
    });
    service = await startCvatHttpService(interactor, { port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await service?.close();
  });

  it('forwards the request to the HTTP service and returns its answer, errors included', async () => {
    const frame = frameBase64(syntheticFrame(96, 64));
    const answer = await callShim(`${service.url}/`, {
      image: frame,
      pos_points: [[20, 20]],
      neg_points: [],
      obj_bbox: null,
    });
    expect(answer.status).toBe(200);
    expect(answer.content_type).toBe('application/json');
    expect(answer.body.mask).toHaveLength(answer.body.bounds[3] - answer.body.bounds[1] + 1);
    const refused = await callShim(`${service.url}/`, { image: frame, pos_points: [[20, 99]], neg_points: [] });
    expect([refused.status, refused.body.error.code]).toEqual([400, 'INVALID_CLICK']);
  });

  it('answers 502 when the service cannot be reached', async () => {
    const unreachable = await callShim('http://127.0.0.1:9/', { image: 'AAAA', pos_points: [[1, 1]], neg_points: [] });
    expect([unreachable.status, unreachable.body.error.code]).toEqual([502, 'UPSTREAM_UNREACHABLE']);
  });
});

import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ClickPredictor } from '@simpleclick/core';
import { ClickEchoModel, frameBase64, syntheticFrame } from '../test-support/fixtures';
import { CvatInteractor } from '../interactor/cvat-interactor';
import { startCvatHttpService, type CvatHttpServiceOptions } from './http-service';

// Lifecycle and misuse: wrong method on /health, clients that vanish or stall, graceful stop.

const frame = frameBase64(syntheticFrame(96, 64));
const requestBody = JSON.stringify({ image: frame, pos_points: [[20, 20]], neg_points: [] });

async function startService(options: Partial<CvatHttpServiceOptions> = {}) {
  const log: string[] = [];
  const interactor = await CvatInteractor.create(await ClickPredictor.create(new ClickEchoModel()), {
    ownsPredictor: true,
  });
  const service = await startCvatHttpService(
    interactor,
    { port: 0, host: '127.0.0.1' },
    { log: (line) => log.push(line), ...options },
  );
  const { port } = service.server.address() as { port: number };
  return { service, log, port, interactor };
}

/** Opens a raw connection and sends `text`; resolves with the socket once connected and written. */
function openRaw(port: number, text: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text, () => resolve(socket)));
    socket.on('error', reject);
  });
}

const closed = (socket: Socket) =>
  new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));

describe('HTTP service lifecycle', () => {
  it('answers 405 with Allow to a POST on /health (the route exists), and 404 elsewhere', async () => {
    const { service } = await startService();
    try {
      const post = await fetch(`${service.url}/health`, { method: 'POST', body: '{}' });
      expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
      expect(((await post.json()) as { error: { code: string } }).error.code).toBe('METHOD_NOT_ALLOWED');
      expect((await fetch(`${service.url}/nope`)).status).toBe(404);
    } finally {
      await service.close();
    }
  });

  it('sets request, header and keep-alive timeouts on the server', async () => {
    const { service } = await startService({
      requestTimeoutMs: 50_000,
      headersTimeoutMs: 7_000,
      keepAliveTimeoutMs: 3_000,
    });
    try {
      const { requestTimeout, headersTimeout, keepAliveTimeout } = service.server;
      expect({ requestTimeout, headersTimeout, keepAliveTimeout }).toEqual({
        requestTimeout: 50_000,
        headersTimeout: 7_000,
        keepAliveTimeout: 3_000,
      });
    } finally {
      await service.close();
    }
    await expect(startService({ shutdownGraceMs: -1 })).rejects.toThrow(/shutdownGraceMs/);
  });

  it('logs one line, without a stack, when a client disconnects mid-upload, and keeps serving', async () => {
    const { service, log, port } = await startService();
    try {
      const socket = await openRaw(
        port,
        `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n${requestBody.slice(0, 500)}`,
      );
      socket.destroy();
      await closed(socket);
      await expect.poll(() => log.length).toBeGreaterThan(0);
      expect(log).toHaveLength(1);
      expect(log[0]).toMatch(/^POST \/ 0 client disconnected: .* 500 bytes/);
      expect(log[0]).not.toMatch(/\n|at /);
      const next = await fetch(`${service.url}/`, { method: 'POST', body: requestBody });
      expect(next.status).toBe(200);
    } finally {
      await service.close();
    }
  });

  it('on close: refuses new connections, finishes the request in flight, and cuts a stalled upload after the grace period', async () => {
    let releaseModel: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (releaseModel = resolve));
    let modelStarted = false;
    class GatedModel extends ClickEchoModel {
      override async run(input: Parameters<ClickEchoModel['run']>[0]) {
        modelStarted = true;
        await gate;
        return super.run(input);
      }
    }
    const interactor = await CvatInteractor.create(await ClickPredictor.create(new GatedModel()), {
      ownsPredictor: true,
    });
    const log: string[] = [];
    const service = await startCvatHttpService(
      interactor,
      { port: 0, host: '127.0.0.1' },
      { shutdownGraceMs: 300, log: (l) => log.push(l) },
    );
    const { port } = service.server.address() as { port: number };

    const inFlight = fetch(`${service.url}/`, { method: 'POST', body: requestBody });
    await expect.poll(() => modelStarted).toBe(true); // the request is in flight
    // A client that sent headers and part of a body, then stalled.
    const stalled = await openRaw(port, `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{"image": "`);
    const idle = await fetch(`${service.url}/health`); // leaves an idle keep-alive connection
    expect(idle.status).toBe(200);

    const closing = service.close();
    await expect(fetch(`${service.url}/health`)).rejects.toThrow(); // no longer accepting
    releaseModel();
    const answer = await inFlight;
    expect(answer.status).toBe(200); // the request in flight was finished
    await closed(stalled); // cut at the deadline
    await closing;
    expect(service.server.listening).toBe(false);
    await expect(interactor.handle({})).rejects.toThrow(/closed/);
  });
});

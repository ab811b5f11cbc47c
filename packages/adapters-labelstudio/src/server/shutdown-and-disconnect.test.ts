import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { SegmentationModel } from '@simpleclick/core';
import { createFakeModel, keypointRegion, makeTestImage, pngDataUrl, predictBody } from '../test-support/fake-model';
import { serve, type RunningBackend } from './serve';

// Issue 10 items 3, 8 and 12 on the real HTTP server (127.0.0.1 only). No wall-clock assertions: waits are on
// events (a log line, a socket closing, a promise settling), and the shutdown deadline is only required to end.

type LogLine = { level: string; message: string };

function collectingLog() {
  const lines: LogLine[] = [];
  const waiters: (() => void)[] = [];
  return {
    lines,
    log: (level: 'info' | 'warn' | 'error', message: string) => {
      lines.push({ level, message });
      waiters.splice(0).forEach((wake) => wake());
    },
    /** Resolves once a line matching `pattern` was logged. */
    async waitFor(pattern: RegExp): Promise<LogLine> {
      for (;;) {
        const found = lines.find((line) => pattern.test(line.message));
        if (found !== undefined) return found;
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
  };
}

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

const socketClosed = (socket: Socket) =>
  new Promise<void>((resolve) => (socket.closed ? resolve() : socket.once('close', () => resolve())));

/** A fake model whose runs wait until `release()` (to hold a request in flight). */
function gatedModel() {
  const model = createFakeModel();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let entered!: () => void;
  const started = new Promise<void>((resolve) => (entered = resolve));
  const gated: SegmentationModel = {
    metadata: model.metadata,
    run: async (input) => {
      entered();
      await gate;
      return model.run(input);
    },
    close: () => model.close(),
  };
  return { model: gated, release, started };
}

let running: RunningBackend | undefined;
afterEach(async () => {
  await running?.close(0);
  running = undefined;
});

describe('listening address (issue 10 item 3)', () => {
  it('defaults to 127.0.0.1 and reports the address really bound, without a warning', async () => {
    const output = collectingLog();
    running = await serve({ model: async () => createFakeModel(), port: 0, log: output.log, preloadModel: false });
    expect(running.boundAddress).toBe(`127.0.0.1:${running.port}`);
    expect(running.beyondLoopback).toBe(false);
    expect(output.lines.filter((line) => line.level === 'warn')).toEqual([]);
  });

  it('0.0.0.0 given explicitly is reported as such, with a warning when there is no auth', async () => {
    const output = collectingLog();
    running = await serve({
      model: async () => createFakeModel(),
      host: '0.0.0.0',
      port: 0,
      log: output.log,
      preloadModel: false,
    });
    expect(running.boundAddress).toBe(`0.0.0.0:${running.port}`);
    expect(running.url).toBe(`http://127.0.0.1:${running.port}`);
    expect((await output.waitFor(/without authentication/)).level).toBe('warn');
    await running.close(0);

    const quiet = collectingLog();
    running = await serve({
      model: async () => createFakeModel(),
      host: '0.0.0.0',
      port: 0,
      log: quiet.log,
      preloadModel: false,
      basicAuth: { username: 'u', password: 'p' },
    });
    expect(quiet.lines.some((line) => /without authentication/.test(line.message))).toBe(false);
  });
});

describe('shutdown (issue 10 item 8)', () => {
  it('sets request, header and keep-alive timeouts', async () => {
    running = await serve({ model: async () => createFakeModel(), port: 0, preloadModel: false });
    expect(running.server.requestTimeout).toBe(120_000);
    expect(running.server.headersTimeout).toBe(30_000);
    expect(running.server.keepAliveTimeout).toBe(65_000);
  });

  it('finishes the request in flight, refuses new connections, and cuts a stalled upload at the deadline', async () => {
    const { model, release, started } = gatedModel();
    running = await serve({ model: async () => model, port: 0, shutdownGraceMs: 60_000 });
    const image = makeTestImage(32, 24);
    const body = predictBody(pngDataUrl(image), [keypointRegion(50, 50, true, 32, 24)]);
    const inFlight = fetch(`${running.url}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    await started;
    // A client that sent half of its body and stalls.
    const stalled = await openSocket(running.port);
    stalled.write(
      'POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"tasks":',
    );
    // An idle keep-alive connection.
    const idle = await openSocket(running.port);
    idle.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise<void>((resolve) => idle.once('data', () => resolve()));

    const port = running.port;
    const closing = running.close(60_000);
    await socketClosed(idle); // idle connections go at once
    await expect(openSocket(port)).rejects.toThrow(); // no new connections
    release();
    const answer = await inFlight; // the open request is answered
    expect(answer.status).toBe(200);
    expect((await answer.json()).results[0].result.length).toBeGreaterThan(0);
    expect(stalled.closed).toBe(false); // still within the grace period
    // Only the stalled upload keeps the server open now; the next test waits for the deadline itself, here the
    // connection is cut by hand instead of waiting 60 s.
    running.server.closeAllConnections();
    await socketClosed(stalled);
    await closing;
    running = undefined;
  });

  it('a shutdown with a stalled upload ends once the grace period is over', async () => {
    running = await serve({ model: async () => createFakeModel(), port: 0, preloadModel: false, shutdownGraceMs: 50 });
    const stalled = await openSocket(running.port);
    stalled.write('POST /predict HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{');
    await new Promise((resolve) => setImmediate(resolve));
    await running.close();
    await socketClosed(stalled);
    running = undefined;
  });
});

describe('refused image downloads in the log (issue 10 item 4)', () => {
  it('the client gets one answer; the log gets one line with the reason', async () => {
    const output = collectingLog();
    running = await serve({ model: async () => createFakeModel(), port: 0, log: output.log, preloadModel: false });
    const response = await fetch(`${running.url}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        predictBody('http://169.254.169.254/latest/meta-data/x.png', [keypointRegion(50, 50, true, 32, 24)]),
      ),
    });
    expect(response.status).toBe(502);
    const answer = (await response.json()) as { code: string; error: string };
    expect(answer.code).toBe('IMAGE_FETCH');
    expect(answer.error).not.toMatch(/link-local|metadata|169\.254\.169\.254 is/);
    const line = await output.waitFor(/predict/);
    expect(line.message).toMatch(/169\.254\.169\.254 is link-local \(cloud metadata\)/);
    expect(line.message).not.toMatch(/\n/);
  });
});

describe('client disconnecting mid-upload (issue 10 item 12)', () => {
  it('logs one line, no stack trace, and the server goes on', async () => {
    const output = collectingLog();
    running = await serve({ model: async () => createFakeModel(), port: 0, log: output.log, preloadModel: false });
    const socket = await openSocket(running.port);
    socket.write(
      'POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"tasks": [',
    );
    await new Promise((resolve) => setImmediate(resolve));
    socket.destroy();
    const line = await output.waitFor(/predict/);
    expect(line.message).not.toMatch(/\n/);
    expect(line.message).toMatch(/client closed the connection/);
    expect(output.lines.filter((entry) => /predict/.test(entry.message))).toHaveLength(1);
    expect((await fetch(`${running.url}/health`)).status).toBe(200);
  });
});

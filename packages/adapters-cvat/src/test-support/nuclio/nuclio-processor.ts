// Test-only: the processor side of nuclio's Python runtime, i.e. what nuclio's Go processor does with the
// wrapper process (pkg/processor/runtime/rpc in nuclio 1.13): it listens on an event socket and a control socket
// (Unix), starts `python3 -u WRAPPER --handler ... --event-socket-path ... --control-socket-path ...`, waits for
// the "s" (started) line, then writes each event as a 4-byte big-endian length followed by a MessagePack map with
// the fields nuclio's eventAsMap sends, and reads the wrapper's newline-terminated answers ("r" + JSON response;
// "l" log and "m" metric lines are collected).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeMsgpack } from './msgpack-encode';

/** What the wrapper answered for one event (nuclio's response JSON). */
export interface WrapperResponse {
  readonly status_code: number;
  readonly content_type: string;
  readonly body: string;
  readonly body_encoding: string;
  readonly headers: Record<string, unknown>;
}

/** One HTTP event as nuclio's HTTP trigger hands it to the runtime. */
export interface ProcessorEvent {
  readonly body: Uint8Array;
  readonly method?: string;
  readonly path?: string;
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
}

/** How to start the wrapper. */
export interface WrapperLaunch {
  readonly python: string;
  /** The wrapper script (nuclio's _nuclio_wrapper.py, or the stand-in). */
  readonly wrapperPath: string;
  /** The function folder (on PYTHONPATH first, as nuclio's /opt/nuclio) and the handler "module:function". */
  readonly functionDir: string;
  readonly handler: string;
  /** Extra PYTHONPATH entries (where nuclio_sdk and msgpack live for the real wrapper). */
  readonly pythonPath?: readonly string[];
  readonly env?: Record<string, string>;
}

/** A running wrapper behind our processor side. */
export class NuclioProcessorHarness {
  readonly logs: string[] = [];
  readonly metrics: string[] = [];
  readonly #child: ChildProcess;
  readonly #servers: Server[];
  readonly #dir: string;
  readonly #events: Socket;
  #buffer = '';
  #waiters: ((line: string) => void)[] = [];
  #lines: string[] = [];
  #exited: Promise<number | null>;

  private constructor(
    child: ChildProcess,
    servers: Server[],
    dir: string,
    events: Socket,
    exited: Promise<number | null>,
  ) {
    this.#child = child;
    this.#servers = servers;
    this.#dir = dir;
    this.#events = events;
    this.#exited = exited;
    events.setEncoding('utf8');
    events.on('data', (text: string) => this.#onData(text));
  }

  /** Starts the wrapper and resolves once it wrote "s" (init_context done); rejects if it exits first. */
  static async start(launch: WrapperLaunch, stderr: string[] = []): Promise<NuclioProcessorHarness> {
    const dir = mkdtempSync(join(tmpdir(), 'nuclio-processor-'));
    const eventPath = join(dir, 'event.sock');
    const controlPath = join(dir, 'control.sock');
    const accept = (path: string) =>
      new Promise<{ server: Server; socket: Promise<Socket> }>((resolve, reject) => {
        let gotSocket: (socket: Socket) => void = () => undefined;
        const socket = new Promise<Socket>((done) => (gotSocket = done));
        const server = createServer((connection) => gotSocket(connection));
        server.once('error', reject);
        server.listen(path, () => resolve({ server, socket }));
      });
    const event = await accept(eventPath);
    const control = await accept(controlPath);
    const child = spawn(
      launch.python,
      [
        '-u',
        launch.wrapperPath,
        '--handler',
        launch.handler,
        '--event-socket-path',
        eventPath,
        '--control-socket-path',
        controlPath,
        '--platform-kind',
        'local',
        '--namespace',
        'nuclio',
        '--worker-id',
        '0',
        '--trigger-kind',
        'http',
        '--trigger-name',
        'myHttpTrigger',
        '--decode-event-strings',
      ],
      {
        cwd: launch.functionDir,
        env: {
          PATH: process.env.PATH ?? '',
          ...launch.env,
          PYTHONPATH: [launch.functionDir, ...(launch.pythonPath ?? [])].join(':'),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout?.setEncoding('utf8').on('data', (text: string) => stderr.push(text));
    child.stderr?.setEncoding('utf8').on('data', (text: string) => stderr.push(text));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const cleanUp = () => {
      event.server.close();
      control.server.close();
      rmSync(dir, { recursive: true, force: true });
    };
    try {
      const events = await Promise.race([
        event.socket,
        exited.then((code) =>
          Promise.reject(new Error(`wrapper exited with ${code} before connecting: ${stderr.join('')}`)),
        ),
      ]);
      void control.socket.then((socket) => socket.resume()); // control messages are not needed here
      const harness = new NuclioProcessorHarness(child, [event.server, control.server], dir, events, exited);
      const failed = exited.then((code) =>
        Promise.reject(new Error(`wrapper exited with ${code} during init_context: ${stderr.join('')}`)),
      );
      for (;;) {
        const line = await Promise.race([harness.#nextLine(), failed]);
        if (line === 's') return harness;
        if (line.startsWith('l')) harness.logs.push(line.slice(1));
        else throw new Error(`expected the "s" line, got ${line.slice(0, 200)}`);
      }
    } catch (error) {
      child.kill('SIGKILL');
      cleanUp();
      throw error;
    }
  }

  /**
   * Sends one event the way nuclio's processor encodes it (4-byte big-endian length, MessagePack map) and
   * resolves with the wrapper's response.
   */
  async send(event: ProcessorEvent): Promise<WrapperResponse> {
    const contentType = event.contentType ?? 'application/json';
    const fields = {
      content_type: contentType,
      'content-type': contentType,
      trigger: { kind: 'http', name: 'myHttpTrigger' },
      fields: {},
      headers: { 'Content-Type': contentType, ...event.headers },
      id: `event-${Math.random().toString(16).slice(2)}`,
      method: event.method ?? 'POST',
      path: event.path ?? '/',
      size: event.body.length,
      timestamp: 1_700_000_000,
      url: '',
      shard_id: 0,
      num_shards: 0,
      type: '',
      type_version: '',
      version: '',
      offset: 0,
      topic: '',
      body: event.body,
    };
    const message = encodeMsgpack(fields);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(message.length);
    this.#events.write(Buffer.concat([length, message]));
    for (;;) {
      const line = await Promise.race([
        this.#nextLine(),
        this.#exited.then((code) => Promise.reject(new Error(`wrapper exited with ${code} while handling an event`))),
      ]);
      if (line.startsWith('r')) return JSON.parse(line.slice(1)) as WrapperResponse;
      if (line.startsWith('l')) this.logs.push(line.slice(1));
      else if (line.startsWith('m')) this.metrics.push(line.slice(1));
    }
  }

  /** The wrapper process id (its children, such as the SimpleClick service, are its descendants). */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  /**
   * Stops the wrapper (SIGTERM, as on `docker stop`, then SIGKILL after 20 s; `kill: true` sends SIGKILL at once,
   * as when the container is killed) and removes the sockets.
   */
  async stop(options: { kill?: boolean } = {}): Promise<void> {
    this.#child.kill(options.kill === true ? 'SIGKILL' : 'SIGTERM');
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 20_000);
    await this.#exited;
    clearTimeout(timer);
    this.#events.destroy();
    for (const server of this.#servers) server.close();
    rmSync(this.#dir, { recursive: true, force: true });
  }

  #onData(text: string): void {
    this.#buffer += text;
    let newline = this.#buffer.indexOf('\n');
    while (newline >= 0) {
      const line = this.#buffer.slice(0, newline);
      this.#buffer = this.#buffer.slice(newline + 1);
      const waiter = this.#waiters.shift();
      if (waiter) waiter(line);
      else this.#lines.push(line);
      newline = this.#buffer.indexOf('\n');
    }
  }

  #nextLine(): Promise<string> {
    const line = this.#lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
}

/**
 * The script of the SDK's Web Worker, built as dist/web-worker.mjs (a module worker). The page never imports
 * it: `createWorkerPredictor` starts it with `new Worker(new URL('./web-worker.mjs', import.meta.url), {type:
 * 'module'})`, the form bundlers recognise and emit as a worker chunk.
 */
import { WorkerHost } from './worker-host';
import type { MessageEndpointLike } from './worker-like';

new WorkerHost(globalThis as unknown as MessageEndpointLike);

/**
 * Test support: a full garbage collection on demand, to check that something is no longer referenced (a WeakRef
 * to it is cleared). WeakRef targets stay alive until the current job ends, so the collection runs in a later
 * macrotask.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export async function collectGarbage(): Promise<void> {
  for (let round = 0; round < 2; round++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
}

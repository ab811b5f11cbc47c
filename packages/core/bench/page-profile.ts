/**
 * A CPU profile of a page's thread (chromium's DevTools protocol), summarised as where the time went: self time
 * by script (Label Studio's main.js, the example's app.mjs, the SDK's web.mjs, native code as '-') and the top
 * functions. For the browser benchmarks of this folder: it tells whose work the page's long tasks are.
 */
import type { Page } from 'playwright-core';

/** The parts of a CDP CPU profile read here. */
interface CpuProfile {
  readonly nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  readonly samples: number[];
  readonly timeDeltas: number[];
}

/** The page thread's self time by function over a CPU profile (idle left out), largest first. */
export function topSelfTime(profile: CpuProfile, count = 12): string {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const totals = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, index) => {
    const frame = byNode.get(id)!;
    if (frame.functionName === '(idle)') return;
    const deltaMs = (profile.timeDeltas[index + 1] ?? 0) / 1000;
    busy += deltaMs;
    const file = frame.url.slice(frame.url.lastIndexOf('/') + 1) || '-';
    const key = `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`;
    totals.set(key, (totals.get(key) ?? 0) + deltaMs);
  });
  const top = [...totals].sort((a, b) => b[1] - a[1]).slice(0, count);
  // By script: main.js is Label Studio's bundle, app.mjs the example with the plugin, web.mjs the SDK, '-' native.
  const byScript = new Map<string, number>();
  for (const [key, total] of totals) {
    const script = key.slice(key.lastIndexOf(' ') + 1).replace(/:\d+$/, '');
    byScript.set(script, (byScript.get(script) ?? 0) + total);
  }
  const scripts = [...byScript]
    .sort((a, b) => b[1] - a[1])
    .map(([script, total]) => `${script} ${total.toFixed(0)} ms`);
  return [
    `busy ${busy.toFixed(0)} ms (by script: ${scripts.join(', ')})`,
    ...top.map(([key, total]) => `${total.toFixed(0)} ms ${key}`),
  ].join('; ');
}

/** Starts sampling the page's thread every millisecond; `stop()` ends it and returns the summary. */
export async function startPageProfile(page: Page): Promise<{ stop(): Promise<string> }> {
  const session = await page.context().newCDPSession(page);
  await session.send('Profiler.enable');
  await session.send('Profiler.setSamplingInterval', { interval: 1000 });
  await session.send('Profiler.start');
  return {
    async stop() {
      const { profile } = (await session.send('Profiler.stop')) as unknown as { profile: CpuProfile };
      await session.detach();
      return topSelfTime(profile);
    },
  };
}

import { describe, expect, it } from 'vitest';
import { formatDuration } from './format-duration';
import { formatProgressLine, ProgressBar } from './progress-bar';

function sink() {
  const chunks: string[] = [];
  return { chunks, write: (chunk: string | Uint8Array) => chunks.push(String(chunk)) };
}

describe('progress bar', () => {
  it('formats counts, the running detail, elapsed time and ETA', () => {
    const line = formatProgressLine(
      { done: 10, total: 40, detail: 'mean NoC@90 2.50', elapsedSeconds: 20 },
      8,
      'GrabCut',
    );
    expect(line).toBe('GrabCut [##------]  10/40  mean NoC@90 2.50  0:00:20 elapsed  ETA 0:01:00');
    expect(formatProgressLine({ done: 3, total: 3, elapsedSeconds: 3725 }, 4)).toBe(
      '[####]  3/3  1:02:05 elapsed  done',
    );
    expect(formatProgressLine({ done: 0, total: 5, elapsedSeconds: 0 }, 4)).toContain('ETA ?');
  });

  it('redraws one line on a terminal and ends it with a newline', () => {
    const out = sink();
    const bar = new ProgressBar(out, { interactive: true, barWidth: 4 });
    bar.update({ done: 1, total: 2, elapsedSeconds: 1 });
    bar.update({ done: 2, total: 2, elapsedSeconds: 2 });
    bar.finish();
    expect(out.chunks).toHaveLength(3);
    expect(out.chunks[0].startsWith('\r\x1b[2K[##--]')).toBe(true);
    expect(out.chunks[2]).toBe('\n');
  });

  it('prints occasional whole lines without a terminal, and always the last one', () => {
    const out = sink();
    const bar = new ProgressBar(out, { interactive: false, minSecondsBetweenLines: 10 });
    for (let done = 1; done <= 30; done++) bar.update({ done, total: 30, elapsedSeconds: done });
    bar.finish();
    // Lines at 1 s, 11 s, 21 s and the final one at 30 s; no carriage returns.
    expect(out.chunks).toHaveLength(4);
    expect(out.chunks.every((line) => line.endsWith('\n') && !line.includes('\r'))).toBe(true);
    expect(out.chunks[3]).toContain('30/30');
  });

  it('formats durations like Python timedelta', () => {
    expect(formatDuration(0)).toBe('0:00:00');
    expect(formatDuration(59.6)).toBe('0:01:00');
    expect(formatDuration(86399)).toBe('23:59:59');
    expect(formatDuration(NaN)).toBe('?');
  });
});

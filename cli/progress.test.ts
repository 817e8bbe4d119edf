import { describe, expect, it } from 'vitest';
import { Progress, formatDuration } from './progress';

function stream(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, isTTY, columns: 200, write: (s: string) => chunks.push(s) };
}

describe('Progress', () => {
  it('formats durations', () => {
    expect(formatDuration(5.4)).toBe('5s');
    expect(formatDuration(125)).toBe('2m05s');
    expect(formatDuration(3 * 3600 + 7 * 60)).toBe('3h07m');
    expect(formatDuration(NaN)).toBe('?');
  });

  it('not a terminal: one plain line per 10%, with rate and ETA', () => {
    let t = 0;
    const err = stream(false);
    const out = stream(false);
    const p = new Progress(100, err, out, true, () => t);
    for (let s = 1; s <= 100; s++) {
      t += 100; // 10 steps/s
      p.update(s);
    }
    expect(err.chunks).toHaveLength(10);
    expect(err.chunks[0]).toBe('step 10/100 (10%) 10.0 steps/s ETA 9s elapsed 1s\n');
    expect(err.chunks.every((c) => !c.includes('\r'))).toBe(true);
    p.log('hello');
    expect(out.chunks).toEqual(['hello\n']);
  });

  it('a terminal: redraws one line, clears it around logged lines, ends it on done', () => {
    let t = 0;
    const err = stream(true);
    const out = stream(true);
    const p = new Progress(10, err, out, true, () => t);
    t = 1000;
    p.update(5);
    expect(err.chunks[0]).toMatch(/^\r\[#{12}-{12}\] step 5\/10 \(50%\)/);
    p.update(6); // within 100 ms: not redrawn
    expect(err.chunks).toHaveLength(1);
    p.log('eval');
    expect(err.chunks.slice(1)).toEqual(['\r\x1b[K', expect.stringMatching(/^\r\[/)]);
    p.done();
    expect(err.chunks.at(-1)).toBe('\n');
  });

  it('disabled (--quiet): writes nothing', () => {
    const err = stream(true);
    const p = new Progress(10, err, stream(false), false);
    p.update(10);
    p.done();
    expect(err.chunks).toEqual([]);
  });
});

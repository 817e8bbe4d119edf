/**
 * Wall time of `npm run experiment` to the gap: runs the experiment CLI (node --import tsx cli/experiment.ts,
 * with the given arguments) and times its evaluation lines as they are printed: the gap (the first evaluation
 * where CoT ≥ 0.9 and direct ≤ 0.1 on the task's headline split, both arms' lines for that step printed) and the
 * informed gap (the same, with the direct arm knowing its prerequisites: src/data/gap.ts); it stops the run
 * (Ctrl-C) at the informed gap. The task is the experiment's, read from the `experiment ?<link>` line it prints. Reports the seconds to each from the start of the command and from its `model` line (both
 * arms built, training starting), each arm's steps/s there, and the machine's load average at the start and
 * at the end.
 *
 *   node --import tsx bench/gapTime.ts -- 'seed=0' [--jobs 1]
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { GAP, type GapPoint, gapPoint, gapStep } from '../src/data/gap';
import { queryToConfig } from '../src/experiment/link';
import { DEFAULT_CONFIG, type Config } from '../src/experiment/schema';

export interface EvalPoint extends GapPoint {
  stepsPerSec: number | null;
}

/**
 * An evaluation line of cli/report.ts evalLine (`… loss L  <split> <acc>  … (<headline> answer A) …`) read
 * with the experiment's config (its task's splits), or null.
 */
export function parseEvalLine(line: string, config: Config): EvalPoint | null {
  const m = /^step\s+(\d+)\s+(cot|direct)\s+loss +\S+(.*?)\(/.exec(line);
  if (!m) return null;
  const acc: Record<string, number> = {};
  for (const [, id, v] of m[3].matchAll(/([A-Za-z][\w-]*) (\d\.\d+| {2}- {2})/g)) acc[id] = v.trim() === '-' ? NaN : Number(v);
  const speed = /(\d+(?:\.\d+)?) steps\/s$/.exec(line);
  return { ...gapPoint(config, m[2] as EvalPoint['arm'], { step: Number(m[1]), acc }), stepsPerSec: speed ? Number(speed[1]) : null };
}

/** The experiment CLI: its TypeScript through tsx, or, bundled (bench/device/pack.ts), experiment.mjs beside this module. */
function experimentCommand(): string[] {
  if (import.meta.filename.endsWith('.mjs')) return [resolve(import.meta.dirname, 'experiment.mjs')];
  return ['--import', 'tsx', resolve(import.meta.dirname, '..', 'cli', 'experiment.ts')];
}

interface Found {
  step: number;
  seconds: number;
}

async function main(args: string[]): Promise<number> {
  const load0 = loadavg();
  const t0 = performance.now();
  const child = spawn(process.execPath, [...experimentCommand(), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const points: EvalPoint[] = [];
  let modelAt: number | null = null;
  const found: { gap: Found | null; informed: Found | null } = { gap: null, informed: null };
  const lines = createInterface({ input: child.stdout });
  let config: Config = DEFAULT_CONFIG;
  lines.on('line', (line) => {
    const t = (performance.now() - t0) / 1000;
    process.stdout.write(`[${t.toFixed(1).padStart(6)} s] ${line}\n`);
    if (line.startsWith('model ')) modelAt = t;
    if (line.startsWith('experiment ?')) config = queryToConfig(line.slice('experiment ?'.length)).config;
    const p = parseEvalLine(line, config);
    if (!p || found.informed) return;
    points.push(p);
    const gap = gapStep(points);
    if (gap !== null && !found.gap) found.gap = { step: gap, seconds: t };
    const informed = gapStep(points, true);
    if (informed !== null) {
      found.informed = { step: informed, seconds: t };
      child.kill('SIGINT');
    }
  });
  const code = await new Promise<number>((done) => child.on('exit', (c, signal) => done(c ?? (signal ? 130 : 1))));
  const load1 = loadavg();
  const la = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  const speed = (arm: EvalPoint['arm'], step: number) => points.find((p) => p.arm === arm && p.step === step)?.stepsPerSec ?? NaN;
  const say = (what: string, g: Found) =>
    process.stdout.write(
      `${what} at step ${g.step}: ${g.seconds.toFixed(1)} s from the start of the command, ` +
        `${modelAt === null ? '?' : (g.seconds - modelAt).toFixed(1)} s from its model line (training start); ` +
        `steps/s there cot ${speed('cot', g.step)}, direct ${speed('direct', g.step)}\n`,
    );
  process.stdout.write('\n');
  if (found.gap) say('gap', found.gap);
  else process.stdout.write(`no gap: the run ended (exit ${code}) before CoT ≥ ${GAP.cot} with direct ≤ ${GAP.direct} on the headline split\n`);
  if (found.informed) say(`informed gap (direct also knows its prerequisites: each ≥ ${GAP.knows})`, found.informed);
  else if (found.gap) process.stdout.write(`no informed gap: the run ended (exit ${code}) before the direct arm knew its prerequisites (≥ ${GAP.knows})\n`);
  process.stdout.write(`load average (1, 5, 15 min) ${la(load0)} at the start, ${la(load1)} at the end\n`);
  return found.gap ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const args = process.argv.slice(2);
  main(args[0] === '--' ? args.slice(1) : args).then((code) => {
    process.exitCode = code;
  });
}

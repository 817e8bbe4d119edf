/**
 * Wall time of `npm run experiment` to the gap: runs the experiment CLI (node --import tsx cli/experiment.ts,
 * with the given arguments), times its evaluation lines as they are printed, and stops it (Ctrl-C) at the first
 * evaluation where CoT OOD two-hop ≥ 0.9 and direct ≤ 0.1 — both arms' lines for that step printed. Reports the
 * seconds from the start of the command and from its `model` line (both arms built, training starting), each
 * arm's steps/s there, and the machine's load average at the start and at the end.
 *
 *   node --import tsx cli/gapTime.ts -- 'seed=0' [--jobs 1]
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const GAP = { cot: 0.9, direct: 0.1 };

export interface EvalPoint {
  step: number;
  arm: 'cot' | 'direct';
  oodTwoHop: number | null;
  stepsPerSec: number | null;
}

/** An evaluation line of cli/report.ts evalLine, or null. */
export function parseEvalLine(line: string): EvalPoint | null {
  const m = /^step\s+(\d+)\s+(cot|direct)\s+loss .*? oodTest (\d\.\d+| {2}- {2})/.exec(line);
  if (!m) return null;
  const speed = /(\d+(?:\.\d+)?) steps\/s$/.exec(line);
  return {
    step: Number(m[1]),
    arm: m[2] as EvalPoint['arm'],
    oodTwoHop: m[3].trim() === '-' ? null : Number(m[3]),
    stepsPerSec: speed ? Number(speed[1]) : null,
  };
}

/** The first step where both arms have been evaluated and CoT ≥ 0.9, direct ≤ 0.1 on the OOD test; null before. */
export function gapStep(points: readonly EvalPoint[]): number | null {
  const at = (arm: EvalPoint['arm'], step: number) => points.find((p) => p.arm === arm && p.step === step);
  for (const p of points) {
    if (p.arm !== 'cot' || p.oodTwoHop === null || p.oodTwoHop < GAP.cot) continue;
    const d = at('direct', p.step);
    if (d && d.oodTwoHop !== null && d.oodTwoHop <= GAP.direct) return p.step;
  }
  return null;
}

async function main(args: string[]): Promise<number> {
  const load0 = loadavg();
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(import.meta.dirname, 'experiment.ts'), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const points: EvalPoint[] = [];
  let modelAt: number | null = null;
  let found: { step: number; seconds: number } | null = null;
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    const t = (performance.now() - t0) / 1000;
    process.stdout.write(`[${t.toFixed(1).padStart(6)} s] ${line}\n`);
    if (line.startsWith('model ')) modelAt = t;
    const p = parseEvalLine(line);
    if (!p || found) return;
    points.push(p);
    const step = gapStep(points);
    if (step !== null) {
      found = { step, seconds: t };
      child.kill('SIGINT');
    }
  });
  const code = await new Promise<number>((done) => child.on('exit', (c, signal) => done(c ?? (signal ? 130 : 1))));
  const load1 = loadavg();
  const la = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  const g = found as { step: number; seconds: number } | null;
  if (!g) {
    process.stdout.write(`\nno gap: the run ended (exit ${code}) before CoT OOD ≥ ${GAP.cot} with direct ≤ ${GAP.direct}\n`);
    return 1;
  }
  const speed = (arm: EvalPoint['arm']) => points.find((p) => p.arm === arm && p.step === g.step)?.stepsPerSec ?? NaN;
  process.stdout.write(
    `\ngap at step ${g.step}: ${g.seconds.toFixed(1)} s from the start of the command, ` +
      `${modelAt === null ? '?' : (g.seconds - modelAt).toFixed(1)} s from its model line (training start); ` +
      `steps/s there cot ${speed('cot')}, direct ${speed('direct')}; load average (1, 5, 15 min) ${la(load0)} at the start, ${la(load1)} at the end\n`,
  );
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const args = process.argv.slice(2);
  main(args[0] === '--' ? args.slice(1) : args).then((code) => {
    process.exitCode = code;
  });
}

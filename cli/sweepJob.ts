/**
 * One run of a sweep, in a worker thread of `npm run sweep` (cli/sweep.ts): the experiment CLI's own code
 * (cli/run.ts runExperiment, as `npm run experiment -- … --json FILE --quiet --backend B --jobs 1` would run it), so the
 * report is exactly what that command writes. Its printed lines go to the parent, which keeps them in a log.
 */
import { parentPort } from 'node:worker_threads';
import type { Config } from '../src/experiment/schema';
import { checkConfig } from '../src/experiment/validate';
import { parseCliArgs } from './args';
import { workerInput } from './workerThreads';

export interface JobData {
  config: Config;
  /** Absolute path of the report to write. */
  json: string;
  backend: string;
  /** Threads of this run's matrix products (the cores shared among the runs that go at once). */
  gemmThreads: number;
}
export type JobMessage = { type: 'done'; code: number } | { type: 'error'; message: string };

async function main(): Promise<void> {
  const data = workerInput<JobData>();
  const send = (m: JobMessage) => parentPort?.postMessage(m);
  const { config, corrections } = checkConfig(data.config);
  if (corrections.length) return send({ type: 'error', message: corrections.map((c) => c.text).join(' ') });
  // one training thread per run: the sweep's --jobs sets how many run at once
  const parsed = parseCliArgs(['--json', data.json, '--quiet', '--backend', data.backend, '--jobs', '1', '--threads', String(data.gemmThreads)]);
  if (!parsed.ok) return send({ type: 'error', message: parsed.message });
  try {
    const { runExperiment } = await import('./run');
    send({ type: 'done', code: await runExperiment(parsed.options, config) });
  } catch (e) {
    send({ type: 'error', message: (e instanceof Error ? e.message : String(e)).split('\n')[0] });
  }
}

void main();

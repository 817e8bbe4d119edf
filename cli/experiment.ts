/**
 * Runs an experiment headless, from its link:
 *   npm run experiment -- 'entities=100&steps=500' [--steps N] [--backend wasm|cpu] [--json FILE] [--dump-data FILE] [--quiet] [--jobs N]
 *   npm run experiment -- 'task=file' --task-file my.jsonl (a task of your own: docs/own-task.md)
 * The link goes through the same schema as the playground (corrections are printed on stderr); both arms
 * train on the same data with the same runner as the browser. See cli/README.md.
 * Exit codes: 0 done, 2 bad arguments or an experiment too large to build (or, by the memory estimate of
 * src/data/memoryBudget.ts, to train on this machine), 1 a failure while running or an arm whose loss became NaN,
 * 130 interrupted (Ctrl-C; the JSON written so far is kept and completed).
 */
import { USAGE, parseCliArgs } from './args';
import { armThreadsOf, cliBackendOf, cliBudget } from './memoryCheck';
import { readLink } from './readLink';
import { paramsTable } from './paramsTable';
import { applyTaskFile } from './taskFileArg';

async function main(argv: string[]): Promise<number> {
  const parsed = parseCliArgs(argv);
  if (!parsed.ok) {
    process.stderr.write(`error: ${parsed.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (parsed.options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (parsed.options.params) {
    process.stdout.write(`${paramsTable()}\n`);
    return 0;
  }
  const reading = readLink(parsed.options.link, parsed.options.lenient);
  if (!reading.ok) {
    for (const p of reading.problems) process.stderr.write(`error: ${p}\n`);
    process.stderr.write('the link was refused; nothing was trained (--lenient corrects it instead, as the browser does)\n');
    return 2;
  }
  for (const w of reading.warnings) process.stderr.write(`link: ${w}\n`);
  const withFile = applyTaskFile(reading.config, parsed.options.taskFile);
  if (!withFile.ok) {
    for (const p of withFile.problems) process.stderr.write(`error: ${p}\n`);
    process.stderr.write('nothing was trained\n');
    return 2;
  }
  const config = withFile.config;
  // a model too big for this machine is refused before anything is built (--steps 0 builds the data only)
  if (parsed.options.steps !== 0) {
    const budget = cliBudget(config, cliBackendOf(config, parsed.options.backend), undefined, armThreadsOf(config, parsed.options.jobs));
    if (!budget.ok) {
      process.stderr.write(`error: ${budget.message}\nnothing was trained\n`);
      return 2;
    }
  }
  try {
    // loaded only now: tfjs takes a while to load, and bad arguments should not wait for it
    const { runExperiment } = await import('./run');
    return await runExperiment(parsed.options, config);
  } catch (e) {
    const message = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    if (e instanceof Error && e.name === 'UsageError') {
      process.stderr.write(`error: ${message}\n\n${USAGE}\n`);
      return 2;
    }
    process.stderr.write(`error: ${message}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});

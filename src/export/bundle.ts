/**
 * The PyTorch export of an experiment: what `npm run export -- LINK --out DIR` writes and what the playground's
 * "Export for PyTorch" button zips. tfjs-free (src/data, src/experiment and src/tasks only), so the page's
 * export worker and the CLI share it. Task-neutral: train.py trains whatever task data.json holds.
 *
 * - data.json: the dataset in the `--dump-data` format (src/data/dump.ts): both sides train on identical data
 *   by construction;
 * - config.json: the experiment (every parameter, the task's defaults, the canonical link), which of its
 *   parameters made the data, and the dataset's hash and counts, which train.py copies into its report;
 * - train.py: python/train.py as it is in the repository (the caller passes its text: the CLI reads the file,
 *   the page bundles it);
 * - README.md: the commands.
 */
import type { Dataset } from '../data/dataset';
import { buildDump, splitCounts } from '../data/dump';
import { datasetHash } from '../data/hash';
import { configToQuery } from '../experiment/link';
import { type Config, type Param, PARAMS, paramApplies, taskDefaults } from '../experiment/schema';
import { taskOf } from '../tasks/registry';

export const EXPORT_FORMAT = 'cot-playground-export';
/** 2: the task-neutral data.json (task, vocabulary, context, splits as a list); 1 held the knowledge graph's. */
export const EXPORT_VERSION = 2;

/**
 * The link keys python/train.py implements beyond the data (its IMPLEMENTED_KEYS; a test checks that the two
 * lists agree): the model, the training and the run. The data's parameters (the schema's `data` group, the task
 * included) need no implementation there: data.json holds what they generated. Any other parameter (one the
 * playground gained later, the RL stage's) can only be exported at its default.
 */
export const PYTORCH_KEYS: readonly string[] = [
  'layers',
  'heads',
  'dModel',
  'mlpRatio',
  'dropout',
  'lr',
  'warmup',
  'lrSchedule',
  'weightDecay',
  'batch',
  'steps',
  'evalEvery',
  'evalEarly',
  'clip',
  'arms',
  'backend',
];

/**
 * The parameters of the data (the schema's data group, of every task): data.json holds what the task's own
 * generated, and those of other tasks play no part in it.
 */
export const dataKeys = (params: readonly Param[] = PARAMS): string[] => params.filter((p) => p.group === 'data').map((p) => p.key);

/**
 * One line per parameter of the config's task set away from its default that train.py does not implement
 * (empty: exportable).
 */
export function unsupportedForPyTorch(config: Config, params: readonly Param[] = PARAMS): string[] {
  const values = config as unknown as Record<string, unknown>;
  const defaults = taskDefaults(config.task) as unknown as Record<string, unknown>;
  const data = new Set(dataKeys(params));
  return params
    .filter((p) => paramApplies(p, config.task) && !data.has(p.key) && !PYTORCH_KEYS.includes(p.key))
    .map((p) => ({ p, def: Object.hasOwn(defaults, p.key) ? defaults[p.key] : p.default }))
    .filter(({ p, def }) => values[p.key] !== undefined && values[p.key] !== def)
    .map(({ p, def }) => `${p.key}=${String(values[p.key])}: train.py does not implement this parameter (only its default ${String(def)} can be exported)`);
}

export interface ExportConfig {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  /** The canonical query of the experiment (`v=3&…`). */
  link: string;
  config: Config;
  /** The task's defaults, in the schema's order (train.py rebuilds the link with another --steps from them). */
  defaults: Config;
  /** The parameters of the data (`dataKeys`): train.py takes them as they are, data.json holds what they made. */
  dataKeys: string[];
  /** `counts`: the size of each split's set, by split id (src/data/dump.ts splitCounts). */
  dataset: { hash: string; counts: Record<string, number> };
}

export function exportConfig(config: Config, data: Dataset, hash = datasetHash(data)): ExportConfig {
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    link: configToQuery(config),
    config,
    defaults: taskDefaults(config.task),
    dataKeys: dataKeys(),
    dataset: { hash, counts: splitCounts(data) },
  };
}

const count = (n: number) => n.toLocaleString('en-US');

/** The README of an export: what it is and the commands, for one GPU and for several. */
export function exportReadme(meta: ExportConfig, data: Pick<Dataset, 'splits' | 'train'>, withWeights = false): string {
  const c = meta.config;
  const splits = data.splits.map((s) => `${s.label} (${count(meta.dataset.counts[s.id] ?? s.items.length)})`).join(', ');
  return `# CoT Playground experiment, exported for PyTorch

Experiment: \`?${meta.link}\` (open it in the playground to see it there).
Task: ${taskOf(c).label}. Dataset ${meta.dataset.hash}: ${count(data.train.cot.length)} training sequences per arm; splits: ${splits}.
Model: ${c.layers} layers × d_model ${c.dModel}, ${c.heads} heads; batch ${c.batch}, ${count(c.steps)} steps per arm (arms: ${c.arms}).

Needs Python 3 and PyTorch 1.13 or newer (\`pip install torch\`, or Debian's \`apt install python3-torch libopenblas0-pthread\`: without OpenBLAS Debian's torch is ~10× slower on a CPU); nothing else.

\`\`\`sh
python train.py                                   # one GPU if PyTorch sees one (bf16 autocast), else the CPU
python train.py --device cpu --steps 200          # a short look on the CPU
torchrun --nproc_per_node=8 train.py              # 8 GPUs of one machine (DistributedDataParallel)
torchrun --nproc_per_node=2 train.py --device cpu # two CPU processes (gloo), e.g. to try the distributed path
${withWeights ? "python train.py --init init.json                 # start from the playground's own initial weights\n" : ''}\`\`\`

\`train.py --help\` lists the options (\`--steps N\`, \`--device cpu|cuda\`, \`--precision fp32|bf16\`, \`--json FILE\`,
\`--init FILE\`). The report (\`report.json\` here unless \`--json\` says otherwise) is rewritten after every
evaluation, in the format of the playground's command line: import it in the playground's runs panel to see its
curves next to browser runs, or summarise it with \`npm run summarize -- report.json\`.

Files: \`data.json\` (the dataset, token ids: the \`--dump-data\` format), \`config.json\` (the experiment),
\`train.py\` (the training script)${withWeights ? ", `init.json` (the initial weights of the playground's engine, by parameter name)" : ''}, this README.
`;
}

export interface ExportFile {
  name: string;
  text: string;
}

/**
 * The files of an export, in the order they are written. `trainPy`: the text of python/train.py; `weights`:
 * the README mentions init.json (the CLI's --weights writes it beside).
 */
export function exportFiles(config: Config, data: Dataset, trainPy: string, opts: { hash?: string; weights?: boolean } = {}): ExportFile[] {
  const meta = exportConfig(config, data, opts.hash);
  return [
    { name: 'data.json', text: `${JSON.stringify(buildDump(data))}\n` },
    { name: 'config.json', text: `${JSON.stringify(meta, null, 2)}\n` },
    { name: 'train.py', text: trainPy },
    { name: 'README.md', text: exportReadme(meta, data, opts.weights ?? false) },
  ];
}

/**
 * The PyTorch export of an experiment: what `npm run export -- LINK --out DIR` writes and what the playground's
 * "Export for PyTorch" button zips. tfjs-free (src/data and src/experiment only), so the page's export worker
 * and the CLI share it.
 *
 * - data.json: the dataset in the `--dump-data` format (src/data/dump.ts): both sides train on identical data
 *   by construction;
 * - config.json: the experiment (every parameter, the schema's defaults, the canonical link) and the dataset's
 *   hash and counts, which train.py copies into its report;
 * - train.py: python/train.py as it is in the repository (the caller passes its text: the CLI reads the file,
 *   the page bundles it);
 * - README.md: the commands.
 */
import { buildDump } from '../data/dump';
import type { Dataset } from '../data/distribution';
import { datasetHash } from '../data/hash';
import type { SplitName } from '../experiment/domain';
import { configToQuery } from '../experiment/link';
import { DEFAULT_CONFIG, PARAMS, type Config, type Param } from '../experiment/schema';

export const EXPORT_FORMAT = 'cot-playground-export';
export const EXPORT_VERSION = 1;

/**
 * The link keys python/train.py implements (its IMPLEMENTED_KEYS; a test checks that the two lists agree).
 * A parameter outside this list (one the playground gained later) can only be exported at its default.
 */
export const PYTORCH_KEYS: readonly string[] = [
  'seed',
  'entities',
  'relations',
  'degree',
  'oodShare',
  'lambda',
  'hops',
  'noise',
  'noiseKind',
  'cotShare',
  'idTestShare',
  'evalSize',
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

/** One line per parameter set away from its default that train.py does not implement (empty: exportable). */
export function unsupportedForPyTorch(config: Config, params: readonly Param[] = PARAMS): string[] {
  const values = config as unknown as Record<string, unknown>;
  return params
    .filter((p) => !PYTORCH_KEYS.includes(p.key) && values[p.key] !== undefined && values[p.key] !== p.default)
    .map((p) => `${p.key}=${String(values[p.key])}: train.py does not implement this parameter (only its default ${String(p.default)} can be exported)`);
}

export interface ExportConfig {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  /** The canonical query of the experiment (`v=1&…`). */
  link: string;
  config: Config;
  /** The schema's defaults, in the schema's order (train.py rebuilds the link with another --steps from them). */
  defaults: Config;
  dataset: { hash: string; counts: Record<SplitName, number> };
}

export function exportConfig(config: Config, data: Dataset, hash = datasetHash(data)): ExportConfig {
  const s = data.stats;
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    link: configToQuery(config),
    config,
    defaults: DEFAULT_CONFIG,
    dataset: {
      hash,
      counts: { idAtomic: s.idAtomic, oodAtomic: s.oodAtomic, trainTwoHop: s.trainTwoHop, idTwoHop: s.idTwoHop, oodTwoHop: s.oodTwoHop },
    },
  };
}

/** The README of an export: what it is and the commands, for one GPU and for several. */
export function exportReadme(meta: ExportConfig, withWeights = false): string {
  const c = meta.config;
  const n = meta.dataset.counts;
  return `# CoT Playground experiment, exported for PyTorch

Experiment: \`?${meta.link}\` (open it in the playground to see it there).
Dataset ${meta.dataset.hash}: ${(n.idAtomic + n.oodAtomic).toLocaleString('en-US')} atomic facts, ${n.trainTwoHop.toLocaleString('en-US')} multi-hop training facts, ${n.idTwoHop} ID test and ${n.oodTwoHop} OOD test queries.
Model: ${c.layers} layers × d_model ${c.dModel}, ${c.heads} heads; batch ${c.batch}, ${c.steps.toLocaleString('en-US')} steps per arm (arms: ${c.arms}).

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
    { name: 'README.md', text: exportReadme(meta, opts.weights ?? false) },
  ];
}

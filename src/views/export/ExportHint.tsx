/**
 * Under the training bar, only when the browser refuses to train the experiment (src/data/memoryBudget.ts, the
 * check the training store makes before it starts a worker): what to do instead, with the export button.
 */
import { useMemo } from 'react';
import { checkBrowserBudget } from '../../data/memoryBudget';
import { useExperimentStore } from '../../store/experimentStore';
import { taskOf } from '../../tasks/registry';
import { ExportButton } from './ExportPyTorch';

export function ExportHint() {
  const config = useExperimentStore((s) => s.config);
  const budget = useMemo(() => checkBrowserBudget(config), [config]);
  // data that cannot be built here (a task file not loaded, a graph too large) cannot be exported either
  if (budget.ok || taskOf(config).tooLarge(config)) return null;
  return (
    <section className="export-hint" data-testid="export-pytorch-why" aria-label="Train it with PyTorch">
      <p>
        This experiment is too large for a browser tab ({budget.message}). Export it and train it with PyTorch: <code>python train.py</code> on one GPU,{' '}
        <code>torchrun --nproc_per_node=N train.py</code> on several; the report it writes imports into the runs panel below.
      </p>
      <ExportButton testId="export-pytorch-hint" primary />
    </section>
  );
}

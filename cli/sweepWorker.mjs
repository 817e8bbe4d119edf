// The entry of a sweep's worker thread: a worker does not inherit the parent's `--import tsx` loader in
// Node 20, so it registers tsx itself, then runs the TypeScript job (cli/sweepJob.ts).
import { register } from 'tsx/esm/api';

register();
await import('./sweepJob.ts');

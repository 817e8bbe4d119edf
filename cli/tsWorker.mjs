// The entry of the CLIs' worker threads (cli/workerThreads.ts): a worker does not inherit the parent's `--import tsx`
// loader in Node 20, so it registers tsx itself, then runs the TypeScript module it was started for.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.module);

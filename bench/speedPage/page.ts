// Page of `npm run bench -- --browser`: runs speed.worker.ts (the same measurements as the Node bench) in a Worker,
// as the playground trains, and leaves the result in window.benchResult.
const worker = new Worker(new URL('./speed.worker.ts', import.meta.url), { type: 'module' });
const done = (r: unknown) => {
  (window as unknown as { benchResult: unknown }).benchResult = r;
  document.getElementById('out')!.textContent = JSON.stringify(r, null, 1);
};
worker.onmessage = (e) => (e.data?.type === 'log' ? console.log(e.data.text) : done(e.data));
worker.onerror = (e) => done({ error: e.message });
worker.postMessage(new URLSearchParams(location.search).get('backends') ?? 'wasm');

/**
 * Your own task from a file, in the page: a link naming a file by its hash says which file to load; a bad file
 * is listed problem by problem (plain text) and nothing trains; the good file loads through the file input, the
 * preview shows its splits and samples, and both arms train a few steps on it with its test split as the headline.
 */
import { expect, test } from 'vitest';
import { taskFileHash } from '../../src/tasks/file/readTaskFile';
import { useBrowser } from './harness';

const app = useBrowser();
const STEPS = 20;
// three digits mod 3, the cot their running sums; every third string held out as "held-out"
const GOOD = Array.from({ length: 27 }, (_, i) => {
  const d = [Math.floor(i / 9), Math.floor(i / 3) % 3, i % 3];
  const s = [d[0], (d[0] + d[1]) % 3, (d[0] + d[1] + d[2]) % 3];
  return JSON.stringify({ prompt: [...d.map(String), '='], cot: [`s${s[0]}`, `s${s[1]}`], answer: [`a${s[2]}`], split: i % 3 ? 'train' : 'held-out' });
}).join('\n');
const BAD = `${GOOD.split('\n')[0]}\n{"prompt": ["<b>x</b>"], "cot": [], "answer": "no", "split": "test"}\n`;
const HASH = taskFileHash(GOOD);
const TINY = `task=file&taskFile=${HASH}&layers=1&heads=2&dModel=32&batch=16&steps=${STEPS}&evalEvery=10&evalSize=50&evalEarly=off&backend=wasm`;
const file = (name: string, text: string) => ({ name, mimeType: 'application/jsonl', buffer: Buffer.from(text) });

test('a task file: the link asks for it, a bad one is listed, the good one previews and trains', { timeout: 300_000 }, async () => {
  const p = await app.open(`/?${TINY}`, { width: 1280, height: 800 });
  const input = p.page.getByTestId('param-taskFile');
  await expect.poll(() => p.page.locator('.source-file-status').innerText(), { timeout: 60_000 }).toContain(`a file with sha-256 ${HASH}`);

  await input.setInputFiles(file('bad.jsonl', BAD));
  const problems = p.page.getByTestId('task-file-problems');
  await expect.poll(() => problems.innerText()).toContain('line 2, field "answer": must be a list of token strings');
  // the file's text is shown as text, never as HTML
  await expect(problems.locator('b').count()).resolves.toBe(0);
  await expect(p.page.getByTestId('train-toggle').isEnabled()).resolves.toBe(false);

  await input.setInputFiles(file('mod3.jsonl', GOOD));
  await expect.poll(() => p.page.locator('.source-file-status').innerText()).toContain(`Loaded mod3.jsonl: sha-256 ${HASH}`);
  await expect.poll(() => p.page.getByTestId('split-sizes').innerText(), { timeout: 60_000 }).toMatch(/Test: held-out\s*9/);
  await expect(p.page.getByText('s1', { exact: true }).count()).resolves.toBeGreaterThan(0);

  const toggle = p.page.getByTestId('train-toggle');
  await expect.poll(() => toggle.isEnabled(), { timeout: 60_000 }).toBe(true);
  await toggle.click();
  await expect.poll(() => p.page.getByTestId('step-count').innerText().then(Number), { timeout: 200_000 }).toBe(STEPS);
  await expect.poll(() => p.page.getByTestId('ood-headline').innerText(), { timeout: 60_000 }).toMatch(/^held-out:\s*CoT\s*\d\.\d\d\s*vs\s*direct\s*\d\.\d\d$/);
  expect(p.page.url()).toContain(`taskFile=${HASH}`);
  await p.screenshot('task-file-trained-1280x800');
  expect(p.errors()).toEqual([]);
  await p.close();
});

/**
 * The control of a parameter that names a file by its sha-256 prefix (the file task's `taskFile`): a file input.
 * The file is read here and checked (src/tasks/registry.ts loadTaskSource); a good one is kept in this page and
 * its hash becomes the value, a bad one is listed problem by problem, as plain text, and nothing of it is kept. A
 * link holds only the hash: opened without the file, the control says which file to load.
 * Test hooks: data-testid="param-<key>" on the input (data-value: the hash), "task-file-problems" on the list.
 */
import { useState } from 'react';
import type { HexParam } from '../../experiment/schema';
import { loadTaskSource, taskSourceOf } from '../../tasks/registry';

/** Largest file read at all (the reader's own limit on characters is checked after). */
const MAX_BYTES = 16_000_000;

export function SourceFileControl(props: { id: string; param: HexParam; value: string; disabled: boolean; onChange: (hash: string) => void }) {
  const { id, param, value, disabled, onChange } = props;
  const [problems, setProblems] = useState<string[]>([]);
  const [name, setName] = useState<string | null>(null);
  const loaded = value !== '' && taskSourceOf({ task: 'file', taskFile: value }) !== undefined;

  const read = async (file: File | undefined) => {
    if (!file) return;
    setName(file.name);
    if (file.size > MAX_BYTES) {
      setProblems([`the file has ${file.size.toLocaleString('en-US')} bytes; at most ${MAX_BYTES.toLocaleString('en-US')}`]);
      return;
    }
    const reading = loadTaskSource(await file.text());
    setProblems(reading.ok ? [] : reading.problems);
    if (reading.ok) onChange(reading.hash);
  };

  return (
    <>
      <div className="param-head source-file">
        <label htmlFor={id}>{param.label}</label>
        <input
          id={id}
          type="file"
          accept=".jsonl,.json,.txt,application/jsonl,application/json,text/plain"
          data-testid={`param-${param.key}`}
          data-value={value}
          disabled={disabled}
          onChange={(e) => void read(e.currentTarget.files?.[0])}
        />
      </div>
      <p className={`source-file-status${problems.length > 0 || (value && !loaded) ? ' inline-warning' : ''}`} role="status">
        {problems.length > 0
          ? `${name ?? 'The file'} was not loaded: ${problems.length === 1 ? 'one problem' : `${problems.length} problems`}; nothing of it is trained on.`
          : loaded
            ? `Loaded${name ? ` ${name}` : ''}: sha-256 ${value}…`
            : value
              ? `This link's task is a file with sha-256 ${value}…: load it (a link holds the file's hash, not the file).`
              : 'Load a JSON Lines file: one record a line, {"prompt": [...], "cot": [...], "answer": [...], "split": "train" or a test split}.'}
      </p>
      {problems.length > 0 && (
        <ul className="source-file-problems" data-testid="task-file-problems">
          {problems.map((p, i) => (
            <li key={i}>{p}</li>
          ))}
        </ul>
      )}
    </>
  );
}

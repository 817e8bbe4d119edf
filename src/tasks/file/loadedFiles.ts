/**
 * The task files this thread has read, by hash: the one runtime registry of the file task. A config names its
 * file by hash (`taskFile`); the file's text travels beside the config (a worker message's `taskFile`, the CLI's
 * --task-file), and each thread that generates data reads it here first. Kept small: the newest few files.
 */
import { readTaskFile, type TaskFile, type TaskFileReading } from './readTaskFile';

const KEPT = 4;
const FILES = new Map<string, { file: TaskFile; text: string }>();

/** Reads a task file and, when it is good, keeps it under its hash. */
export function loadTaskFile(text: unknown): TaskFileReading {
  const reading = readTaskFile(text);
  if (!reading.ok) return reading;
  FILES.delete(reading.file.hash);
  FILES.set(reading.file.hash, { file: reading.file, text: text as string });
  for (const hash of FILES.keys()) if (FILES.size > KEPT) FILES.delete(hash);
  return reading;
}

export const loadedTaskFile = (hash: string): TaskFile | null => FILES.get(hash)?.file ?? null;
/** The text of a loaded file (what a worker is sent beside the config). */
export const loadedTaskFileText = (hash: string): string | null => FILES.get(hash)?.text ?? null;
/** Forgets every file (tests). */
export const forgetTaskFiles = (): void => FILES.clear();

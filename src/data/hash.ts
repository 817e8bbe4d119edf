/** A stable fingerprint of a dataset: same config → same hash; any change to facts, splits or noise changes it. */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { Dataset } from './distribution';

export function datasetHash(d: Dataset): string {
  const body = JSON.stringify({
    vocab: d.vocab,
    atomic: d.atomic.map((f) => [f.h, f.r, f.t, f.ood ? 1 : 0]),
    train: d.train.map((p) => [p.h, ...p.rels, ...p.bridges, p.t]),
    idTest: d.idTest.map((p) => [p.h, ...p.rels, ...p.bridges, p.t]),
    oodTest: d.oodTest.map((p) => [p.h, ...p.rels, ...p.bridges, p.t]),
    splits: d.splits,
    // only when some CoT facts are answer-only, so that hashes of share-1 datasets stay as they were
    ...(d.cotBridge ? { cotBridge: d.cotBridge.map((b) => (b ? 1 : 0)).join('') } : {}),
  });
  return bytesToHex(sha256(utf8ToBytes(body))).slice(0, 16);
}

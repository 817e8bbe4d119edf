/** A stable fingerprint of a dataset: same config → same hash; any change to its data, splits or noise changes it. */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { Dataset } from './dataset';

export function datasetHash(d: Pick<Dataset, 'hashBody'>): string {
  return bytesToHex(sha256(utf8ToBytes(JSON.stringify(d.hashBody)))).slice(0, 16);
}

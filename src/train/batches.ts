/**
 * Training sequences packed as padded input/label arrays, and a seeded epoch shuffler.
 * Inputs are tokens[0..L-2], labels tokens[1..L-1] with −1 wherever no loss is taken (prompt and padding).
 */
import seedrandom from 'seedrandom';
import type { Sequence } from '../data/dataset';

export interface PackedSequences {
  count: number;
  width: number; // model input length = longest sequence − 1
  inputs: Int32Array; // [count, width]
  labels: Int32Array; // [count, width]
}

export function packSequences(seqs: Sequence[], pad: number, width: number): PackedSequences {
  const inputs = new Int32Array(seqs.length * width).fill(pad);
  const labels = new Int32Array(seqs.length * width).fill(-1);
  seqs.forEach((s, i) => {
    for (let j = 0; j < s.tokens.length - 1 && j < width; j++) {
      inputs[i * width + j] = s.tokens[j];
      if (j + 1 >= s.promptLength) labels[i * width + j] = s.tokens[j + 1];
    }
  });
  return { count: seqs.length, width, inputs, labels };
}

/** Draws batches by shuffling the whole set once per epoch; same seed → same order (for both arms). */
export class BatchSampler {
  private order: Int32Array;
  private pos = 0;
  private readonly rng: () => number;

  constructor(
    private readonly data: PackedSequences,
    private readonly batch: number,
    seed: number,
  ) {
    this.rng = seedrandom.alea(`cot-batches-${seed}`);
    this.order = this.shuffle();
  }

  private shuffle(): Int32Array {
    const a = Int32Array.from({ length: this.data.count }, (_, i) => i);
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.rng() * (i + 1));
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** Moves on `n` batches without copying them (to resume a stream at a step). */
  skip(n: number): void {
    const rows = Math.min(this.batch, this.data.count);
    for (let i = 0; i < n; i++) {
      if (this.pos + rows > this.data.count) {
        this.order = this.shuffle();
        this.pos = 0;
      }
      this.pos += rows;
    }
  }

  /** The next batch (at most `batch` rows; the last rows of an epoch are skipped, as in the reference). */
  next(): { inputs: Int32Array; labels: Int32Array; rows: number } {
    const n = Math.min(this.batch, this.data.count);
    if (this.pos + n > this.data.count) {
      this.order = this.shuffle();
      this.pos = 0;
    }
    const w = this.data.width;
    const inputs = new Int32Array(n * w);
    const labels = new Int32Array(n * w);
    for (let r = 0; r < n; r++) {
      const src = this.order[this.pos + r] * w;
      inputs.set(this.data.inputs.subarray(src, src + w), r * w);
      labels.set(this.data.labels.subarray(src, src + w), r * w);
    }
    this.pos += n;
    return { inputs, labels, rows: n };
  }
}

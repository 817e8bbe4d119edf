/**
 * A progress bar with ETA on stderr. On a terminal it redraws one line (at most 10 times a second);
 * elsewhere (a pipe, a CI log) it prints a plain line every 10% or every 30 seconds.
 * Lines printed through `log` go to stdout and never collide with the bar.
 */
export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export class Progress {
  private readonly t0: number;
  private lastDraw = 0;
  private lastPlain = 0;
  private lastTenth = 0;
  private shown = false;
  private step = 0;

  constructor(
    private readonly total: number,
    private readonly err: ProgressStream,
    private readonly out: ProgressStream,
    private readonly enabled = true,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.t0 = this.now();
    this.lastPlain = this.t0;
  }

  private get tty(): boolean {
    return Boolean(this.err.isTTY);
  }

  /** "step 120/2000 (6%) 3.2 steps/s ETA 9m47s" */
  status(): string {
    const elapsed = (this.now() - this.t0) / 1000;
    const rate = elapsed > 0 ? this.step / elapsed : 0;
    const eta = rate > 0 ? (this.total - this.step) / rate : NaN;
    const percent = this.total > 0 ? Math.floor((100 * this.step) / this.total) : 100;
    return `step ${this.step}/${this.total} (${percent}%) ${rate.toFixed(1)} steps/s ETA ${formatDuration(eta)} elapsed ${formatDuration(elapsed)}`;
  }

  private bar(): string {
    const width = 24;
    const filled = this.total > 0 ? Math.round((width * this.step) / this.total) : width;
    return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${this.status()}`;
  }

  private draw(): void {
    const cols = this.err.columns ?? 100;
    this.err.write(`\r${this.bar().slice(0, Math.max(10, cols - 1))}\x1b[K`);
    this.shown = true;
  }

  update(step: number): void {
    this.step = step;
    if (!this.enabled) return;
    const t = this.now();
    if (this.tty) {
      if (t - this.lastDraw < 100 && step < this.total) return;
      this.lastDraw = t;
      this.draw();
      return;
    }
    const tenth = this.total > 0 ? Math.floor((10 * step) / this.total) : 10;
    if (tenth > this.lastTenth || t - this.lastPlain >= 30_000) {
      this.lastTenth = tenth;
      this.lastPlain = t;
      this.err.write(`${this.status()}\n`);
    }
  }

  /** Prints a line to stdout, clearing and redrawing the bar around it on a terminal. */
  log(line: string): void {
    if (this.tty && this.shown) this.err.write('\r\x1b[K');
    this.out.write(`${line}\n`);
    if (this.tty && this.shown) this.draw();
  }

  /** Ends the bar's line. */
  done(): void {
    if (this.tty && this.shown) this.err.write('\n');
    this.shown = false;
  }
}

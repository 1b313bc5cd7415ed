/** A one-line terminal progress bar with rate and ETA (only drawn when stderr is a TTY). */
export class ProgressBar {
  readonly #total: number;
  readonly #label: string;
  readonly #started = performance.now();
  readonly #tty = Boolean(process.stderr.isTTY);
  #done = 0;
  #lastDraw = 0;

  constructor(total: number, label: string) {
    this.#total = total;
    this.#label = label;
  }

  /** Counts one finished item and redraws at most ten times a second. */
  tick(): void {
    this.#done++;
    const now = performance.now();
    if (this.#tty && (now - this.#lastDraw > 100 || this.#done === this.#total)) {
      this.#lastDraw = now;
      process.stderr.write(`\r${this.line()}`);
      if (this.#done === this.#total) process.stderr.write('\n');
    }
  }

  /** The current line, e.g. `grade [#####-----] 5/10 2.1/s ETA 3s`. */
  line(): string {
    const elapsedS = (performance.now() - this.#started) / 1000;
    const rate = elapsedS > 0 ? this.#done / elapsedS : 0;
    const left = this.#total - this.#done;
    const eta = rate > 0 ? Math.ceil(left / rate) : NaN;
    const width = 24;
    const filled = this.#total ? Math.round((this.#done / this.#total) * width) : width;
    const etaText = Number.isFinite(eta) ? (eta >= 60 ? `${Math.floor(eta / 60)}m${String(eta % 60).padStart(2, '0')}s` : `${eta}s`) : '?';
    return `${this.#label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${this.#done}/${this.#total} ${rate.toFixed(2)}/s ETA ${etaText}`;
  }
}

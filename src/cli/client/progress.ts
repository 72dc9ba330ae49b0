import type { Writable } from 'node:stream';

export type Outcome = 'uploaded' | 'skipped' | 'failed';

export interface FileReport {
  readonly name: string;
  readonly outcome: Outcome;
  /** Why it was skipped or failed, in a few words. */
  readonly note: string;
}

/** Progress on stderr, so that stdout holds only the summary (and stays parseable). */
export interface ProgressReporter {
  retrying(name: string, waitSeconds: number, attempt: number): void;
  fileDone(report: FileReport): void;
  finish(): void;
}

const BAR_WIDTH = 24;

/**
 * A bar redrawn in place on a terminal; one line per file otherwise (CI logs, pipes, files),
 * where carriage returns would pile up as noise.
 */
export function createProgress(stream: Writable & { isTTY?: boolean; columns?: number }, total: number): ProgressReporter {
  return stream.isTTY ? new TerminalBar(stream, total) : new LinePerFile(stream, total);
}

class LinePerFile implements ProgressReporter {
  private done = 0;
  constructor(
    private readonly stream: Writable,
    private readonly total: number,
  ) {}

  retrying(name: string, waitSeconds: number, attempt: number): void {
    this.stream.write(`busy      ${name}: the gateway is busy, retry ${attempt} in ${waitSeconds}s\n`);
  }

  fileDone(report: FileReport): void {
    this.done++;
    const width = String(this.total).length;
    this.stream.write(`[${String(this.done).padStart(width)}/${this.total}] ${report.outcome.padEnd(8)} ${report.name}${report.note ? ` (${report.note})` : ''}\n`);
  }

  finish(): void {}
}

class TerminalBar implements ProgressReporter {
  private readonly counts: Record<Outcome, number> = { uploaded: 0, skipped: 0, failed: 0 };
  private last = '';

  constructor(
    private readonly stream: Writable & { columns?: number },
    private readonly total: number,
  ) {
    this.draw();
  }

  retrying(name: string, waitSeconds: number, attempt: number): void {
    this.above(`busy: ${name}, retry ${attempt} in ${waitSeconds}s`);
  }

  fileDone(report: FileReport): void {
    this.counts[report.outcome]++;
    this.last = report.name;
    // Failures stay on screen above the bar; successes only move it.
    if (report.outcome === 'failed') this.above(`failed: ${report.name} (${report.note})`);
    else this.draw();
  }

  finish(): void {
    this.stream.write('\r\x1b[K');
  }

  private above(line: string): void {
    this.stream.write(`\r\x1b[K${line}\n`);
    this.draw();
  }

  private draw(): void {
    const done = this.counts.uploaded + this.counts.skipped + this.counts.failed;
    const filled = this.total === 0 ? BAR_WIDTH : Math.round((done / this.total) * BAR_WIDTH);
    const bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${done}/${this.total}`;
    const counts = `uploaded ${this.counts.uploaded}, skipped ${this.counts.skipped}, failed ${this.counts.failed}`;
    const line = `${bar} ${counts} ${this.last}`;
    // Wider than the terminal would wrap, and \r would then redraw only the last row.
    const columns = this.stream.columns ?? 80;
    this.stream.write(`\r\x1b[K${line.length >= columns ? line.slice(0, columns - 1) : line}`);
  }
}

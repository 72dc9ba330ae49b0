import type { Outcome } from './progress.js';

export interface FileResult {
  readonly name: string;
  readonly outcome: Outcome;
  /** Whether bytes went over the wire for this file. */
  readonly sent: boolean;
  readonly bytes: number;
  /** For failures: the gateway's internalCode (or a local one) and its details. */
  readonly code?: string;
  readonly details?: string;
}

export interface RunFacts {
  readonly skippedHidden: number;
  readonly skippedUnsupported: number;
}

const OUTCOMES: readonly Outcome[] = ['uploaded', 'skipped', 'failed'];

/** The summary on stdout: outcome → count, what went over the wire, then every failure. */
export function renderSummary(results: readonly FileResult[], facts: RunFacts): string {
  const count = (outcome: Outcome) => results.filter((r) => r.outcome === outcome).length;
  const rows: string[][] = [['outcome', 'files'], ...OUTCOMES.map((o) => [o, String(count(o))]), ['total', String(results.length)]];
  const lines = table(rows, [false, true]);
  const sent = results.filter((r) => r.sent);
  lines.push('', `sent ${sent.length} file${sent.length === 1 ? '' : 's'} (${formatBytes(sent.reduce((sum, r) => sum + r.bytes, 0))})`);
  if (facts.skippedHidden + facts.skippedUnsupported > 0) {
    lines.push(`not considered in directories: ${facts.skippedHidden} hidden, ${facts.skippedUnsupported} with an unsupported extension`);
  }
  const failed = results.filter((r) => r.outcome === 'failed');
  if (failed.length > 0) {
    lines.push('', 'failed:');
    lines.push(...table([['file', 'code', 'details'], ...failed.map((r) => [r.name, r.code ?? '', oneLine(r.details ?? '')])], [false, false, false]).map((l) => `  ${l}`));
  }
  return `${lines.join('\n')}\n`;
}

function table(rows: readonly string[][], alignRight: readonly boolean[]): string[] {
  const widths = alignRight.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 && !alignRight[column] ? cell : alignRight[column] ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join('  '),
  );
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

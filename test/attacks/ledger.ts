import type { Exchange } from './exchange.js';

/** What an attack is and what answer it may get. */
export interface Attack {
  /** The family it belongs to (the summary counts per kind): "jwt", "fuzzed-pdf", … */
  readonly kind: string;
  /** Enough to rebuild it: a file name with its seed, a claim, a route. */
  readonly name: string;
  /**
   * The statuses the gateway has promised for it (e.g. 401 for a malformed corpus_ids claim).
   * Without, any answer that is not a 5xx passes: a fuzzed file may still parse.
   */
  readonly expect?: readonly number[];
  /** The internalCode promised with it (or the codes), where the gateway documents one. */
  readonly code?: string | readonly string[];
}

/** 503s the gateway documents as "try again later"; the suite does not try to provoke them. */
const RETRYABLE_CODES = new Set(['EXTRACTION_BUSY', 'UNAVAILABLE']);

/**
 * Every hostile request and every innocent one sent beside them, checked as they come back. A
 * problem is: a 5xx (other than a documented 503), an error answer that is not a JSON error
 * body, no answer at all, an answer slower than the budget, a status the gateway promised
 * otherwise, an innocent upload that failed, a write that should not have happened.
 */
export class Ledger {
  readonly problems: string[] = [];
  readonly byKind = new Map<string, number>();
  tried = 0;
  innocents = 0;
  retryable = 0;
  slowest = { ms: 0, what: '' };

  /** `onAttack` sees every hostile request's answer as it is recorded (e.g. to trace it). */
  constructor(
    private readonly budgetMs: number,
    private readonly onAttack: (attack: Attack, ex: Exchange) => void = () => {},
  ) {}

  /** Records a hostile request's answer; returns it for further checks. */
  attack(attack: Attack, ex: Exchange): Exchange {
    this.tried++;
    this.onAttack(attack, ex);
    this.byKind.set(attack.kind, (this.byKind.get(attack.kind) ?? 0) + 1);
    const what = `${attack.kind} ${attack.name}`;
    if (ex.ms > this.slowest.ms) this.slowest = { ms: ex.ms, what };
    for (const why of this.#check(ex)) this.problem(what, why);
    if (ex.status === 0) return ex;
    if (attack.expect && !attack.expect.includes(ex.status)) {
      this.problem(what, `expected ${attack.expect.join(' or ')}, got ${ex.status} ${summary(ex)}`);
    } else if (attack.code !== undefined && ex.status < 500) {
      const codes: readonly string[] = typeof attack.code === 'string' ? [attack.code] : attack.code;
      const code = ex.json?.['internalCode'];
      if (typeof code !== 'string' || !codes.includes(code)) this.problem(what, `expected internalCode ${codes.join(' or ')}, got ${ex.status} ${summary(ex)}`);
    }
    return ex;
  }

  /** Records an upload a well-behaved client sent next to an attack: it must succeed. */
  innocent(name: string, during: string, ex: Exchange): void {
    this.innocents++;
    if (ex.status !== 200) {
      const why = ex.status === 0 ? `no answer (${ex.error})` : `${ex.status} ${summary(ex)}`;
      this.problem(`innocent upload ${name} (${during})`, `failed: ${why}`);
    } else if (ex.ms > this.budgetMs) {
      this.problem(`innocent upload ${name} (${during})`, `answered after ${Math.round(ex.ms)} ms (budget ${this.budgetMs} ms)`);
    }
  }

  problem(what: string, why: string): void {
    this.problems.push(`${what}: ${why}`);
  }

  *#check(ex: Exchange): Generator<string> {
    if (ex.status === 0) {
      yield `no answer (${ex.error}) after ${Math.round(ex.ms)} ms`;
      return;
    }
    if (ex.ms > this.budgetMs) yield `answered after ${Math.round(ex.ms)} ms (budget ${this.budgetMs} ms)`;
    const code = ex.json?.['internalCode'];
    if (ex.status === 503 && typeof code === 'string' && RETRYABLE_CODES.has(code)) this.retryable++;
    else if (ex.status >= 500) yield `${ex.status} ${summary(ex)}`;
    if (ex.status >= 400 && (ex.json === null || typeof code !== 'string' || !ex.contentType.startsWith('application/json'))) {
      yield `error answer ${ex.status} is not a JSON error body (${ex.contentType || 'no content-type'}): ${JSON.stringify(ex.text.slice(0, 120))}`;
    }
  }

  /** The one summary line. */
  summaryLine(): string {
    return `attacks: ${this.tried} tried, ${this.problems.length} problems`;
  }
}

/** internalCode and the start of details, for a report line. */
export function summary(ex: Exchange): string {
  if (ex.json) return `${String(ex.json['internalCode'] ?? '')} ${String(ex.json['details'] ?? '').replace(/\s+/g, ' ').slice(0, 160)}`.trim();
  return JSON.stringify(ex.text.slice(0, 160));
}

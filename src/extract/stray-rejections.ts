/**
 * Promise rejections an engine leaves unhandled, routed to the parse that is running in this
 * worker. An engine call that never settles because its internals failed (pdf.js's getOutline
 * when the outline nests past the stack) is raced against `failure` and so ends instead of
 * hanging until the time limit.
 */
export interface StrayRejections {
  /** Rejects with the first stray rejection seen while the watch is open. Never resolves. */
  readonly failure: Promise<never>;
  /** Races an engine call against `failure`. */
  guard<T>(call: Promise<T>): Promise<T>;
  close(): void;
}

const watchers = new Set<(reason: unknown) => void>();

/** The worker's `unhandledRejection` handler: to the open watches, or nowhere. */
export function dispatchStrayRejection(reason: unknown): void {
  for (const watcher of watchers) watcher(reason);
}

export function watchStrayRejections(): StrayRejections {
  let fail: (reason: unknown) => void = () => {};
  const failure = new Promise<never>((_, reject) => {
    fail = reject;
  });
  failure.catch(() => {}); // a watch nobody raced must not itself be unhandled
  const watcher = (reason: unknown) => fail(reason);
  watchers.add(watcher);
  return {
    failure,
    guard: (call) => Promise.race([call, failure]),
    close: () => watchers.delete(watcher),
  };
}

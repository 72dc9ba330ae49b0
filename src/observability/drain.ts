import type http from 'node:http';

export interface Drainer {
  /** Requests received and not yet answered. */
  readonly inFlight: number;
  /**
   * Stops accepting connections, lets in-flight requests finish for up to `graceMs`, then closes
   * the connections still open. Resolves with the number of requests that were cut off.
   */
  drain(graceMs: number): Promise<{ cut: number }>;
}

/**
 * Tracks the requests of `server` so that a shutdown can wait for them. Node's server.close()
 * alone would wait for every keep-alive connection to time out, and would let a connection that
 * answered during the drain carry yet another request: so every answer from then on says
 * `Connection: close`, and idle connections are closed as soon as they become idle.
 */
export function trackRequests(server: http.Server): Drainer {
  const open = new Set<http.ServerResponse>();
  let draining = false;
  let allAnswered: (() => void) | undefined;

  // Before the app's listener: a synchronous handler would have sent the headers already.
  server.prependListener('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
    open.add(res);
    if (draining && !res.headersSent) res.setHeader('Connection', 'close');
    res.once('close', () => {
      open.delete(res);
      if (!draining) return;
      server.closeIdleConnections();
      if (open.size === 0) allAnswered?.();
    });
  });

  return {
    get inFlight() {
      return open.size;
    },
    async drain(graceMs) {
      draining = true;
      for (const res of open) if (!res.headersSent) res.setHeader('Connection', 'close');
      let closed = false;
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve())).then(() => {
        closed = true;
      });
      server.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
      if (open.size > 0) await Promise.race([new Promise<void>((resolve) => (allAnswered = resolve)), graceOver]);
      const cut = open.size;
      // Answered connections close themselves (Connection: close); wait for them unless the grace
      // is over, so that no answer is cut short by a reset.
      if (cut === 0) await Promise.race([serverClosed, graceOver]);
      clearTimeout(timer);
      if (!closed) server.closeAllConnections();
      await serverClosed;
      return { cut };
    },
  };
}

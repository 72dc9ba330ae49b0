import http from 'node:http';

/**
 * The gateway's HTTP server around the app.
 *
 * `Expect: 100-continue` (curl sends it with bodies over 1 MB): "100 Continue" goes out when the
 * app starts reading the body, not on arrival as Node does by default. A request refused before
 * that (413 from its Content-Length, 401, 403) gets its final answer instead, and the client
 * never sends the body. With Node's default, curl sent a 12 MB upload straight after the 100 and
 * sometimes reported "Send failure: Broken pipe" (exit 55) instead of the 413 the gateway wrote.
 * Every body reader here (busboy through pipe, express's JSON parser, the error handler's drain)
 * starts with resume(), which emits 'resume'.
 */
export function createHttpServer(app: http.RequestListener): http.Server {
  const server = http.createServer(app);
  server.on('checkContinue', (req: http.IncomingMessage, res: http.ServerResponse) => {
    req.once('resume', () => {
      if (!res.headersSent && !res.writableEnded) res.writeContinue();
    });
    app(req, res);
  });
  // Slow-loris bounds: headers within 30 s, a whole request within 5 min.
  server.headersTimeout = 30_000;
  server.requestTimeout = 300_000;
  return server;
}

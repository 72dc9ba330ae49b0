/**
 * Every route of the gateway and its methods: the 404/405 answers and the OpenAPI document are
 * built from this one table.
 */
export const ROUTES: ReadonlyArray<{ readonly path: string; readonly methods: readonly string[] }> = [
  { path: '/v1/upload', methods: ['POST'] },
  { path: '/upload', methods: ['POST'] },
  { path: '/v1/list-documents', methods: ['POST'] },
  { path: '/v1/delete-doc', methods: ['POST'] },
  { path: '/v1/index', methods: ['POST'] },
  { path: '/v2/corpora', methods: ['GET', 'POST'] },
  { path: '/v2/corpora/:corpus', methods: ['GET'] },
  { path: '/v2/corpora/:corpus/quota', methods: ['GET', 'PUT'] },
  { path: '/v2/quota', methods: ['GET', 'PUT'] },
  { path: '/v2/corpora/:corpus/documents', methods: ['GET'] },
  { path: '/v2/corpora/:corpus/documents/:id', methods: ['GET', 'DELETE'] },
  { path: '/v2/corpora/:corpus/documents/:id/info', methods: ['GET'] },
  { path: '/openapi.json', methods: ['GET'] },
  { path: '/metrics', methods: ['GET'] },
  { path: '/healthz', methods: ['GET'] },
  { path: '/readyz', methods: ['GET'] },
  { path: '/console', methods: ['GET'] },
  { path: '/console/:file', methods: ['GET'] },
];

/** Each route's path pattern (a trailing slash names the same route), compiled once. */
const PATTERNS = ROUTES.map((route) => ({ route, pattern: new RegExp(`^${route.path.replace(/:[a-z]+/g, '[^/]+')}/?$`) }));

/** The allowed methods of the route template matching this path (GET implies HEAD), or null. */
export function methodsFor(path: string): readonly string[] | null {
  const match = PATTERNS.find(({ pattern }) => pattern.test(path));
  if (!match) return null;
  const { methods } = match.route;
  return methods.includes('GET') ? [...methods, 'HEAD'] : methods;
}

export { createLogger, silentLogger, type Logger } from './logger.js';
export { createMetrics, type GatewayMetrics } from './metrics.js';
export { instrumentExtractor } from './extractor-metrics.js';
export { registerStoreMetrics } from './store-metrics.js';
export { createRequestObserver, type FinishedRequest, type RequestObserver } from './request-observer.js';
export { requestIdFrom } from './request-id.js';
export { annotateRequest, markProbe, recordError, requestLogger, type RequestContext, type RequestFacts } from './request-context.js';
export { gatewayReadiness, Readiness, type ReadinessCheck, type ReadinessReport } from './readiness.js';
export { trackRequests, type Drainer } from './drain.js';

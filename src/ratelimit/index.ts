export { createUploadLimiter, DEFAULT_KEY_PREFIX, NO_UPLOAD_LIMIT, type LimitDecision, type LimiterHooks, type UploadLimiter } from './upload-limiter.js';

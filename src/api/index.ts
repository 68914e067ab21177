export { DEFAULT_REQUEST_TIMEOUT_MS, startApi, type RunningApi, type StartApiOptions } from './server.js';
export { buildOpenApi } from './openapi.js';
export { ROUTES, API_PREFIX } from './routes.js';

export { startApi, type RunningApi, type StartApiOptions } from './server.js';
export { apiDynamoClient } from './deadline.js';
export { buildOpenApi } from './openapi.js';
export { ROUTES, API_PREFIX } from './routes.js';

/** The renewal service API: schemas, inferred types and routes (described for others in `openapi.json`, generated from them: `npm run openapi`). */
export * from './primitives.js';
export * from './challenge.js';
export * from './certificate-line.js';
export * from './eligibility.js';
export * from './payment.js';
export * from './issuance.js';
export * from './renewal-status.js';
export * from './update-feed.js';
export * from './health.js';
export * from './service-error.js';
export * from './routes.js';

// Stands in for zod's `v4/locales/index.js` in our Node bundles (scripts/build.mjs): English only.
export { default as en } from 'zod/v4/locales/en.js';

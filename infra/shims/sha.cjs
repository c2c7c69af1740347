// Stands in for the sha.js package inside the function bundles (infra/bundling.ts: BUNDLE_ALIAS). Apollo Server hashes
// each operation with @apollo/utils.createhash, which takes node:crypto only when `module.require` exists; in an esbuild
// bundle it does not, so Apollo falls back to sha.js: SHA-256 in JavaScript, and six polyfill packages loaded by the
// first request. sha.js is called as `require('sha.js')(algorithm)`; node:crypto's Hash has the same update and digest.
const { createHash } = require('node:crypto');

module.exports = (algorithm) => createHash(algorithm);

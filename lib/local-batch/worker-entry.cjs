// From the sources only (the built package starts dist/lib/local-batch/scoring-worker.js directly, worker-pool.ts):
// a worker thread starts without its parent's TypeScript loader, so register tsx (as `npm run modelstack` and Jest
// run from source) and load the TypeScript.
require('tsx/cjs/api').register();
require('./scoring-worker.ts');

// A worker thread starts without its parent's TypeScript loader: run the compiled scorer when there is one,
// else register tsx (as `npm run modelstack` and Jest run from source) and load the TypeScript.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const compiled = join(__dirname, 'scoring-worker.js');
if (existsSync(compiled)) {
  require(compiled);
} else {
  require('tsx/cjs/api').register();
  require('./scoring-worker.ts');
}

#!/usr/bin/env node
/**
 * `npm start` (and `node scripts/compiled-cli.cjs <command>`): runs the compiled CLI (`dist/bin/modelstack.js`, what
 * `npm run build` and the published package run), compiling it first when it is missing or older than a source.
 * So a fresh clone needs no build step after `npm ci` (which stays as fast as it was), a start after an edit runs
 * the edit, and every other start loads plain JavaScript: no TypeScript compiler at run time. Offline: the compiler
 * is the project's own `typescript`.
 *
 * Plain CommonJS with no dependencies: it must run before anything is compiled.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'bin', 'modelstack.js');
/** What tsconfig.build.json compiles, and the settings it compiles with. */
const SOURCE_DIRS = ['bin', 'lib', 'lambda', 'config'];
const SETTINGS = ['tsconfig.json', 'tsconfig.build.json'];

/** The newest modification time of the TypeScript sources and settings, ms. */
function newestSource() {
  let newest = 0;
  const visit = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  };
  for (const dir of SOURCE_DIRS) visit(path.join(ROOT, dir));
  for (const file of SETTINGS) newest = Math.max(newest, fs.statSync(path.join(ROOT, file)).mtimeMs);
  return newest;
}

function builtAt() {
  try {
    return fs.statSync(CLI).mtimeMs;
  } catch {
    return -1;
  }
}

/**
 * Compiles the CLI into dist/ when it is missing or older than a source; returns its path.
 * @throws Error when the compilation fails (the compiler's output went to stderr)
 */
function ensureCompiled() {
  if (builtAt() >= newestSource()) return CLI;
  process.stderr.write('modelstack: compiling the CLI into dist/ (missing or older than the sources)...\n');
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: ['ignore', 2, 2] });
  if (result.status !== 0) {
    throw new Error('the compilation failed (above); fix it, or run the sources with "npm run modelstack"');
  }
  return CLI;
}

module.exports = { ensureCompiled, CLI };

if (require.main === module) {
  try {
    require(ensureCompiled()).run();
  } catch (error) {
    process.stderr.write(`modelstack: ${error.message}\n`);
    process.exit(1);
  }
}

/**
 * `npm test`'s static checks in one process: TypeScript's full type check of tsconfig.json (what `tsc --noEmit`
 * reports) and ESLint with its type-aware rules (what `eslint .` reports), both on one TypeScript program. Run apart,
 * each parsed, bound and type-checked the same 5,000 files (the project's and the declarations of its
 * dependencies); here ESLint's rules reuse the types the type check already computed (typescript-eslint's
 * `parserOptions.programs`). It exits 1 on any compiler diagnostic or ESLint error, printing them as tsc and ESLint do.
 */
import { join } from 'node:path';
import { ESLint } from 'eslint';
import * as ts from 'typescript';

const PROJECT_ROOT = join(__dirname, '..');

/** The program of tsconfig.json, as `tsc -p tsconfig.json` builds it. */
function createProgram(): ts.Program {
  const host: ts.ParseConfigFileHost = {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  };
  const config = ts.getParsedCommandLineOfConfigFile(join(PROJECT_ROOT, 'tsconfig.json'), undefined, host);
  if (config === undefined) throw new Error('tsconfig.json could not be read');
  return ts.createProgram({ rootNames: config.fileNames, options: config.options, projectReferences: config.projectReferences, configFileParsingDiagnostics: config.errors });
}

/** tsc's diagnostics (configuration, syntax, global, semantic), printed as `tsc --pretty` prints them; true when none. */
function typeCheck(program: ts.Program): boolean {
  const diagnostics = ts.getPreEmitDiagnostics(program);
  if (diagnostics.length === 0) return true;
  const formatHost: ts.FormatDiagnosticsHost = { getCanonicalFileName: (file) => file, getCurrentDirectory: () => PROJECT_ROOT, getNewLine: () => '\n' };
  process.stdout.write(`${ts.formatDiagnosticsWithColorAndContext(diagnostics, formatHost)}\nFound ${diagnostics.length} TypeScript error(s).\n`);
  return false;
}

/** `eslint .` on the same program; true when it finds no error. */
async function lint(program: ts.Program): Promise<boolean> {
  const eslint = new ESLint({ cwd: PROJECT_ROOT, overrideConfig: { languageOptions: { parserOptions: { programs: [program] } } } });
  const results = await eslint.lintFiles(['.']);
  const formatter = await eslint.loadFormatter('stylish');
  const report = await formatter.format(results);
  if (report !== '') process.stdout.write(`${report}\n`);
  return results.every((result) => result.errorCount === 0 && result.fatalErrorCount === 0);
}

async function main(): Promise<void> {
  const program = createProgram();
  const typed = typeCheck(program);
  const linted = await lint(program);
  if (typed && linted) process.stdout.write('tsc and ESLint: no findings\n');
  else process.exitCode = 1;
}

void main();

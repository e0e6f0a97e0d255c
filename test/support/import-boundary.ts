/**
 * An import boundary check: reads the import graph of every TypeScript file under a folder and reports each import
 * that crosses the boundary, i.e. a forbidden package (or one of its subpaths) or a file in a forbidden folder.
 *
 * Imports are read with the TypeScript parser, not with regular expressions: static `import` and `export ... from`,
 * `import x = require()`, `import()` (also in types), and `require()`. A specifier that is not a string literal
 * cannot be checked, so it is reported too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

export interface ImportBoundary {
  /** The project root; `folder` and `forbiddenFolders` are relative to it. */
  readonly root: string;
  /** Where the checked files are, e.g. `lambda`. */
  readonly folder: string;
  /** Packages that must not be imported, nor any subpath of them (`aws-cdk-lib` forbids `aws-cdk-lib/aws-s3`). */
  readonly forbiddenPackages: readonly string[];
  /** Scopes whose every package is forbidden, e.g. `@aws-cdk`. */
  readonly forbiddenScopes?: readonly string[];
  /** Folders that no import may resolve into, e.g. `lib`. */
  readonly forbiddenFolders: readonly string[];
}

/** One import of one file. */
export interface ImportEdge {
  /** Relative to the root, with `/`. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** As written; `undefined` when it is not a string literal. */
  readonly specifier: string | undefined;
}

export interface ImportViolation extends ImportEdge {
  /** Why the import crosses the boundary. */
  readonly reason: string;
}

export interface BoundaryReport {
  /** Every import read, so a test can tell the check saw something. */
  readonly edges: readonly ImportEdge[];
  readonly violations: readonly ImportViolation[];
  /** Files read, relative to the root. */
  readonly files: readonly string[];
}

/** The boundary of the runtime: it ships in the Lambda bundle and the container, never with the CDK app. */
export function runtimeBoundary(root: string): ImportBoundary {
  return {
    root,
    folder: 'lambda',
    forbiddenPackages: ['aws-cdk-lib', 'constructs', 'cdk-nag', 'aws-cdk'],
    forbiddenScopes: ['@aws-cdk'],
    forbiddenFolders: ['lib', 'config', 'bin'],
  };
}

const SOURCE_FILE = /\.(?:ts|mts|cts|tsx)$/;

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') files.push(...sourceFiles(path));
    } else if (SOURCE_FILE.test(entry.name)) {
      files.push(path);
    }
  }
  return files.sort();
}

function literalText(node: ts.Node | undefined): string | undefined {
  return node !== undefined && ts.isStringLiteralLike(node) ? node.text : undefined;
}

/** The imports of one file's source text: each specifier (`undefined` when computed) and its line. */
export function importsOf(fileName: string, text: string): Array<{ readonly specifier: string | undefined; readonly line: number }> {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: Array<{ specifier: string | undefined; line: number }> = [];
  const add = (specifier: string | undefined, node: ts.Node): void => {
    found.push({ specifier, line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1 });
  };
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier !== undefined) {
      add(literalText(node.moduleSpecifier), node);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(literalText(node.moduleReference.expression), node);
    } else if (ts.isImportTypeNode(node)) {
      const argument = node.argument;
      add(ts.isLiteralTypeNode(argument) ? literalText(argument.literal) : undefined, node);
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const isImport = callee.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      if (isImport || isRequire) add(literalText(node.arguments[0]), node);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function violationReason(boundary: ImportBoundary, file: string, specifier: string | undefined): string | undefined {
  if (specifier === undefined) return 'the specifier is not a string literal, so the import cannot be checked';
  if (specifier.startsWith('.') || isAbsolute(specifier)) {
    const target = resolve(dirname(file), specifier);
    for (const folder of boundary.forbiddenFolders) {
      const inside = relative(resolve(boundary.root, folder), target);
      if (inside === '' || (!inside.startsWith('..') && !isAbsolute(inside))) {
        return `resolves into ${folder}/ (${relative(boundary.root, target).split(sep).join('/')})`;
      }
    }
    return undefined;
  }
  const name = packageOf(specifier);
  if (boundary.forbiddenPackages.includes(name)) return `imports the package ${name}`;
  const scope = name.startsWith('@') ? name.split('/')[0] : undefined;
  if (scope !== undefined && (boundary.forbiddenScopes ?? []).includes(scope)) return `imports the package ${name} (scope ${scope})`;
  return undefined;
}

/** Reads every source file under the boundary's folder and checks each of its imports. */
export function checkImportBoundary(boundary: ImportBoundary): BoundaryReport {
  const edges: ImportEdge[] = [];
  const violations: ImportViolation[] = [];
  const files = sourceFiles(resolve(boundary.root, boundary.folder));
  for (const path of files) {
    const file = relative(boundary.root, path).split(sep).join('/');
    for (const { specifier, line } of importsOf(path, readFileSync(path, 'utf8'))) {
      const edge: ImportEdge = { file, line, specifier };
      edges.push(edge);
      const reason = violationReason(boundary, path, specifier);
      if (reason !== undefined) violations.push({ ...edge, reason });
    }
  }
  return { edges, violations, files: files.map((path) => relative(boundary.root, path).split(sep).join('/')) };
}

/** `lambda/core/x.ts:3 imports "aws-cdk-lib/aws-s3": imports the package aws-cdk-lib`, one line per violation. */
export function formatViolations(violations: readonly ImportViolation[]): string[] {
  return violations.map((v) => `${v.file}:${v.line} imports ${v.specifier === undefined ? '(computed)' : `"${v.specifier}"`}: ${v.reason}`);
}

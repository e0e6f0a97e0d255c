/** The documentation shows only commands that exist, and links only to files that exist. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { COMMANDS } from '../bin/modelstack';
import { PROJECT_ROOT } from './support/app';

const DOCS = ['README.md', ...readdirSync(join(PROJECT_ROOT, 'docs')).filter((file) => file.endsWith('.md')).map((file) => `docs/${file}`)];
const scripts = Object.keys((JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);
const commands = COMMANDS.map((command) => command.name);

function matches(text: string, pattern: RegExp): string[] {
  return [...text.matchAll(pattern)].map((match) => match[1]);
}

describe.each(DOCS)('Given %s', (doc) => {
  const text = readFileSync(join(PROJECT_ROOT, doc), 'utf8');

  test('When it shows `modelstack <command>`, then the CLI has that command', () => {
    const shown = matches(text, /(?:npx modelstack(?:@[\w.<>-]+)?|npm run modelstack --|`modelstack) ([a-z][a-z-]*)/g);
    expect(shown.filter((command) => !commands.includes(command))).toEqual([]);
  });

  test('When it shows `npm run <script>`, then package.json has that script', () => {
    expect(matches(text, /npm run ([a-z][\w:-]*)/g).filter((script) => !scripts.includes(script))).toEqual([]);
  });

  test('When it links to a relative path, then the file exists', () => {
    const links = matches(text, /\]\(([^)\s]+)\)/g).filter((target) => !/^(?:[a-z]+:|#)/.test(target));
    const missing = links.filter((target) => !existsSync(resolve(dirname(join(PROJECT_ROOT, doc)), decodeURI(target.split('#')[0]))));
    expect(missing).toEqual([]);
  });
});

test('Given the README, when its lines are counted, then a newcomer reads it in five minutes (under 250 lines)', () => {
  expect(readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8').split('\n').length).toBeLessThan(250);
});

test('Given the sources, when their comments are read, then none cites an issue number of this project (a package reader cannot look it up)', () => {
  const cited = (dir: string): string[] =>
    readdirSync(join(PROJECT_ROOT, dir), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .flatMap((file) => (/\bissues? \d+\b/.test(readFileSync(join(PROJECT_ROOT, dir, file), 'utf8').replace(/onnxruntime issue \d+/g, '')) ? [`${dir}/${file}`] : []));
  expect(['bin', 'lib', 'lambda', 'config', 'scripts'].flatMap(cited)).toEqual([]);
});

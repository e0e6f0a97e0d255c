import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { CsvError, parseCsv, prepareCsv } from '../../../lambda/core/csv';
import { parseManifest, readManifest, type Manifest, type ManifestInput } from '../../../lambda/core/manifest';
import { InvalidInputError } from '../../../lambda/core/invalid-input';
import { createPreparer } from '../../../lambda/core/prepare';

type FeatureInput = ManifestInput['input']['features'][number];

function manifestOf(features: FeatureInput[], input: Partial<ManifestInput['input']> = {}): Manifest {
  return parseManifest({
    name: 'csv-model',
    version: '1.0.0',
    task: 'regression',
    input: { tensor: 'input', features, ...input },
    output: { value: 'value' },
  });
}

function csvError(run: () => unknown): CsvError {
  try {
    run();
  } catch (error) {
    if (error instanceof CsvError) return error;
    throw error;
  }
  throw new Error('expected a CsvError');
}

const abc = manifestOf([{ name: 'a' }, { name: 'b' }, { name: 'c', missing: { constant: 7 } }]);

describe('parseCsv: header', () => {
  it('a first row of feature names is a header; rows become objects keyed by it', () => {
    expect(parseCsv('a,b,c\n1,2,3\n4,5,6\n', abc)).toEqual([
      { a: '1', b: '2', c: '3' },
      { a: '4', b: '5', c: '6' },
    ]);
  });

  it('the header may list the features in any order, with spaces around names', () => {
    expect(parseCsv(' c , a,b\n3,1,2', abc)).toEqual([{ c: '3', a: '1', b: '2' }]);
  });

  it('without a header, rows hold the features in manifest order', () => {
    expect(parseCsv('1,2,3\n4,5,6', abc)).toEqual([
      { a: '1', b: '2', c: '3' },
      { a: '4', b: '5', c: '6' },
    ]);
  });

  it('a header with extra columns (such as the target) is still a header; the extras are unknown fields', () => {
    expect(parseCsv('a,b,c,target\n1,2,3,yes', abc)).toEqual([{ a: '1', b: '2', c: '3', target: 'yes' }]);
    const preparer = createPreparer(abc);
    expect(() => prepareCsv('a,b,c,target\n1,2,3,yes', preparer)).toThrow(
      'instances[0].target: "yes" is not allowed; expected one of the features: a, b, c',
    );
    const lenient = createPreparer({ ...abc, input: { ...abc.input, unknownFields: 'ignore' } });
    expect(Array.from(prepareCsv('a,b,c,target\n1,2,3,yes', lenient).data)).toEqual([1, 2, 3]);
  });

  it('rejects duplicate and empty header cells', () => {
    const duplicate = csvError(() => parseCsv('a,b,a\n1,2,3', abc));
    expect(duplicate.message).toBe('Invalid CSV (1 problem):\n  - line 1: header column "a" appears twice (columns 1 and 3); name every column once');
    const empty = csvError(() => parseCsv('a,,c\n1,2,3', abc));
    expect(empty.message).toBe('Invalid CSV (1 problem):\n  - line 1: header column 2 is empty; name every column');
    expect(empty.problems[0]).toMatchObject({ instance: -1, field: '(header)' });
  });

  it('a header alone, or nothing at all, gives no instances (prepare then refuses the empty batch)', () => {
    expect(parseCsv('a,b,c\n', abc)).toEqual([]);
    expect(parseCsv('', abc)).toEqual([]);
    expect(parseCsv('\n\n', abc)).toEqual([]);
    expect(() => prepareCsv('a,b,c', createPreparer(abc))).toThrow('the batch is empty');
  });

  it('a feature named __proto__ is an ordinary key', () => {
    const proto = manifestOf([{ name: '__proto__' }, { name: 'x' }]);
    const [row] = parseCsv('__proto__,x\n1,2', proto);
    expect(Object.keys(row)).toEqual(['__proto__', 'x']);
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(Array.from(prepareCsv('__proto__,x\n1,2', createPreparer(proto)).data)).toEqual([1, 2]);
  });
});

describe('parseCsv: RFC 4180', () => {
  it('handles quoted cells with commas, doubled quotes and line breaks', () => {
    const lenient = manifestOf([{ name: 'a' }, { name: 'note' }], { unknownFields: 'ignore' });
    expect(parseCsv('a,note\n1,"x, ""y""\nz"\n"2",""\n', lenient)).toEqual([
      { a: '1', note: 'x, "y"\nz' },
      { a: '2', note: '' },
    ]);
  });

  it('handles CRLF, a lone CR, a byte order mark and trailing blank lines', () => {
    expect(parseCsv('\uFEFFa,b,c\r\n1,2,3\r\n4,5,6\r\n\r\n', abc)).toHaveLength(2);
    expect(parseCsv('a,b,c\r1,2,3\r', abc)).toEqual([{ a: '1', b: '2', c: '3' }]);
    expect(parseCsv('1,2,3', abc)).toEqual([{ a: '1', b: '2', c: '3' }]);
  });

  it('keeps empty cells as empty strings; prepare treats them as missing', () => {
    expect(parseCsv('a,b,c\n1,2,\n', abc)).toEqual([{ a: '1', b: '2', c: '' }]);
    expect(Array.from(prepareCsv('a,b,c\n1,2,\n', createPreparer(abc)).data)).toEqual([1, 2, 7]);
    expect(() => prepareCsv('a,b,c\n1,,3\n', createPreparer(abc))).toThrow(
      'instances[0].b: "" is not allowed; expected a finite number (the feature is required)',
    );
  });

  it('rejects an unclosed quote, naming the line it opened on', () => {
    const error = csvError(() => parseCsv('a,b,c\n1,2,3\n4,"5,6\n7,8,9\n', abc));
    expect(error.message).toBe('Invalid CSV (1 problem):\n  - line 3: a quoted cell is never closed; close it with "');
    expect(error).toBeInstanceOf(InvalidInputError);
  });

  it('rejects a quote inside an unquoted cell and text after a closing quote', () => {
    expect(csvError(() => parseCsv('a,b,c\n1,2"x,3', abc)).message).toBe(
      'Invalid CSV (1 problem):\n  - line 2: a quote inside an unquoted cell; quote the whole cell and double the quotes inside it ("")',
    );
    expect(csvError(() => parseCsv('a,b,c\n"a\nb"x,2,3', abc)).message).toBe(
      'Invalid CSV (1 problem):\n  - line 3: text follows a closing quote; end the quoted cell with " followed by a comma or a line break',
    );
  });

  it('rejects ragged rows, naming each line and instance', () => {
    const error = csvError(() => parseCsv('a,b,c\n1,2,3\n1,2\n\n1,2,3,4\n', abc));
    expect(error.message).toBe(
      [
        'Invalid CSV (3 problems):',
        '  - line 3 (instances[1]) has 2 cells; expected 3 cells, one per header column',
        '  - line 4 (instances[2]) has a blank line; expected 3 cells, one per header column',
        '  - line 5 (instances[3]) has 4 cells; expected 3 cells, one per header column',
      ].join('\n'),
    );
    expect(error.problems[0]).toEqual({
      instance: 1,
      field: '(instance)',
      value: '2 cells (line 3)',
      allowed: '3 cells, one per header column',
    });
    expect(error.problemCount).toBe(3);
  });

  it('without a header, the expected width is the feature count', () => {
    expect(csvError(() => parseCsv('1,2,3\n"multi\nline",2\n', abc)).message).toBe(
      'Invalid CSV (1 problem):\n  - line 2 (instances[1]) has 2 cells; expected 3 cells, one per feature in manifest order (or start with a header row of feature names)',
    );
  });

  it('lists 20 ragged rows, then "and N more"', () => {
    const text = 'a,b,c\n' + '1,2\n'.repeat(25);
    const error = csvError(() => parseCsv(text, abc));
    const lines = error.message.split('\n');
    expect(lines[0]).toBe('Invalid CSV (25 problems):');
    expect(lines).toHaveLength(22);
    expect(lines[21]).toBe('  - and 5 more');
  });
});

describe('prepareCsv: cells are text', () => {
  it('"3.5" is a number whatever coerceNumericStrings says; non-numbers are rejected', () => {
    expect(abc.input.coerceNumericStrings).toBe(false);
    expect(Array.from(prepareCsv('3.5,-1e2, 4 \n', createPreparer(abc)).data)).toEqual([3.5, -100, 4]);
    expect(() => prepareCsv('a,b,c\nabc,NaN,1e999\n', createPreparer(abc))).toThrow(
      [
        'Invalid input (3 problems):',
        '  - instances[0].a: "abc" is not allowed; expected a finite number',
        '  - instances[0].b: "NaN" is not allowed; expected a finite number',
        '  - instances[0].c: "1e999" is not allowed; expected a finite number',
      ].join('\n'),
    );
  });

  it('round-trips any matrix of numbers, quoted or not, with or without header', () => {
    const preparer = createPreparer(abc);
    const cell = fc.tuple(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e30, max: 1e30 }).map((v) => v + 0), fc.boolean()); // + 0: String(-0) is "0"
    fc.assert(
      fc.property(fc.array(fc.tuple(cell, cell, cell), { minLength: 1, maxLength: 10 }), fc.boolean(), fc.boolean(), (rows, header, crlf) => {
        const eol = crlf ? '\r\n' : '\n';
        const body = rows.map((row) => row.map(([v, quoted]) => (quoted ? `"${String(v)}"` : String(v))).join(',')).join(eol);
        const text = (header ? `a,b,c${eol}` : '') + body + eol;
        expect(prepareCsv(text, preparer)).toEqual(preparer.prepare(rows.map((row) => row.map(([v]) => v))));
      }),
      { numRuns: 200 },
    );
  });

  it('never throws anything but InvalidInputError on arbitrary text', () => {
    const preparer = createPreparer(abc);
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'b', 'c', '1', '.', ',', '"', '\n', '\r', ' ', 'x') }), (text) => {
        try {
          prepareCsv(text, preparer);
        } catch (error) {
          if (!(error instanceof InvalidInputError)) throw error;
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseCsv: the examples', () => {
  it.each(['breast-cancer', 'iris', 'diabetes'])('%s/test.csv parses, every row, header included', async (name) => {
    const dir = join(__dirname, '../../../examples', name);
    const manifest = await readManifest(join(dir, 'model.json'));
    const text = readFileSync(join(dir, 'test.csv'), 'utf8');
    const rows = parseCsv(text, manifest);
    expect(rows).toHaveLength(text.trim().split('\n').length - 1);
    const target = manifest.evaluation?.target ?? '';
    expect(Object.keys(rows[0])).toEqual([...manifest.input.features.map((f) => f.name), target]);
    const lenient = createPreparer({ ...manifest, input: { ...manifest.input, unknownFields: 'ignore' } });
    expect(prepareCsv(text, lenient).count).toBe(rows.length);
  });
});

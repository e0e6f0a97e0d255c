/**
 * Data preparation's instance form (lambda/core/prepare.ts): objects and arrays, the instance's shape, unknown
 * fields, the in-order fast path; and properties across all forms.
 */
import fc from 'fast-check';
import { InvalidInputError } from '../../../lambda/core/invalid-input';
import { parseManifest } from '../../../lambda/core/manifest';
import { createPreparer } from '../../../lambda/core/prepare';
import { f32, manifestOf, mixed, rejection, type FeatureInput } from '../../support/preparation';

describe('prepare: valid instances', () => {
  const preparer = createPreparer(mixed);

  it('writes objects and arrays into one row-major float32 tensor, scaled', () => {
    const batch = preparer.prepare([
      { a: 14, b: 3, c: true },
      [2, 120, false],
    ]);
    expect(batch.count).toBe(2);
    expect(batch.data).toBeInstanceOf(Float32Array);
    expect(Array.from(batch.data)).toEqual([1, 3, 1, -2, 120, 0]);
  });

  it('computes (x - mean) / std in double precision, then rounds once to float32', () => {
    const batch = preparer.prepare([{ a: 10.3, b: 0, c: 0 }]);
    expect(batch.data[0]).toBe(f32((10.3 - 10) / 4));
  });

  it('accepts boundary values (min and max are inclusive) and 1/0 for booleans', () => {
    expect(Array.from(preparer.prepare([{ a: 10, b: 0, c: 1 }, { a: 10, b: 120, c: 0 }]).data)).toEqual([0, 0, 1, 0, 120, 0]);
  });

  it('accepts a whole number written with a fraction (2.0 is 2)', () => {
    expect(preparer.prepare([[10, 2.0, false]]).data[1]).toBe(2);
  });

  it('reports its feature names and count', () => {
    expect(preparer.featureCount).toBe(3);
    expect(preparer.featureNames).toEqual(['a', 'b', 'c']);
    expect(preparer.manifest).toBe(mixed);
  });

  it('builds the plan once per manifest', () => {
    expect(createPreparer(mixed)).toBe(preparer);
    expect(createPreparer(manifestOf([{ name: 'a' }]))).not.toBe(preparer);
  });
});

describe('prepare: instance shape', () => {
  const preparer = createPreparer(mixed);

  it('an array instance must have exactly one value per feature', () => {
    expect(rejection(() => preparer.prepare([[1, 2]])).message).toContain(
      'instances[0]: [1,2] is not allowed; expected an array of exactly 3 values, in feature order: a, b, c',
    );
  });

  it.each<[unknown, string]>([
    [5, '5'],
    ['row', '"row"'],
    [null, 'null'],
    [true, 'true'],
    [undefined, 'missing'],
  ])('an instance %p that is neither object nor array is a problem with field (instance)', (instance, rendered) => {
    const error = rejection(() => preparer.prepare([{ a: 1, b: 1, c: true }, instance]));
    expect(error.problems).toEqual([
      {
        instance: 1,
        field: '(instance)',
        value: rendered,
        allowed: 'an object keyed by feature name or an array of 3 values in feature order',
      },
    ]);
    expect(error.message).toContain(`instances[1]: ${rendered} is not allowed; expected an object keyed by feature name`);
  });

  it('an empty batch is an error', () => {
    const error = rejection(() => preparer.prepare([]));
    expect(error.message).toBe('Invalid input: the batch is empty; send at least one instance');
  });

  it('instances must be an array', () => {
    const error = rejection(() => preparer.prepare({ a: 1 } as unknown as unknown[]));
    expect(error.message).toContain('instances: {"a":1} is not allowed; expected an array of instances');
  });
});

describe('prepare: unknown fields', () => {
  const preparer = createPreparer(mixed);

  it('are rejected, naming the known features', () => {
    const error = rejection(() => preparer.prepare([{ a: 1, b: 1, c: true, extra: 5 }]));
    expect(error.message).toContain('instances[0].extra: 5 is not allowed; expected one of the features: a, b, c');
  });

  it('suggest a feature that differs only in case or separators', () => {
    const named = createPreparer(manifestOf([{ name: 'mean_radius' }]));
    expect(rejection(() => named.prepare([{ 'Mean Radius': 1 }])).message).toBe(
      [
        'Invalid input (2 problems):',
        '  - instances[0].mean_radius: missing is not allowed; expected a finite number (the feature is required)',
        '  - instances[0].Mean Radius: 1 is not allowed; expected one of the features: mean_radius; did you mean "mean_radius"?',
      ].join('\n'),
    );
  });

  it('list at most 10 known features', () => {
    const many = createPreparer(manifestOf(Array.from({ length: 12 }, (_, i) => ({ name: `f${i}`, missing: 'mean' as const, mean: 0 }))));
    expect(rejection(() => many.prepare([{ zzz: 1 }])).message).toContain(
      'instances[0].zzz: 1 is not allowed; expected one of the features: f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, ... (12 features in all)',
    );
  });

  it('are ignored with unknownFields: "ignore"', () => {
    const lenient = createPreparer(manifestOf([{ name: 'a' }], { unknownFields: 'ignore' }));
    expect(Array.from(lenient.prepare([{ a: 1, extra: 'x', other: null }]).data)).toEqual([1]);
  });

  it('a key holding undefined (not expressible in JSON) is not reported', () => {
    expect(() => preparer.prepare([{ a: 1, b: 1, c: true, extra: undefined }])).not.toThrow();
  });
});

describe('prepare: feature names that are also Object.prototype members', () => {
  const preparer = createPreparer(manifestOf([{ name: 'constructor', missing: { constant: 9 } }, { name: '__proto__', missing: { constant: 8 } }]));

  it('an inherited member is not a value: absent means missing', () => {
    expect(Array.from(preparer.prepare([{}]).data)).toEqual([9, 8]);
  });

  it('own keys, as JSON.parse makes them, are read', () => {
    const instances = JSON.parse('[{"constructor": 1, "__proto__": 2}]') as unknown[];
    expect(Array.from(preparer.prepare(instances).data)).toEqual([1, 2]);
  });

  it('toString is still an unknown field', () => {
    expect(rejection(() => preparer.prepare([{ toString: 1 }])).problems[0]).toMatchObject({ field: 'toString' });
  });
});

describe('prepare: properties', () => {
  // A manifest with every kind of feature and policy, so properties cover every branch.
  const manifest = manifestOf(
    [
      { name: 'num', scale: { mean: 3, std: 0.5 } },
      { name: 'int', type: 'integer', min: -10, max: 10, missing: 'mean', mean: 1 },
      { name: 'flag', type: 'boolean', missing: { constant: 0 } },
      { name: 'bounded', min: 0, max: 1, scale: { mean: 0.5, std: 0.25 }, missing: 'mean' },
    ],
    { coerceNumericStrings: true },
  );
  const preparer = createPreparer(manifest);

  const validRow = fc.tuple(
    // + 0 turns -0 into 0: String(-0) is "0", so the text form could not round-trip it.
    fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((v) => v + 0),
    fc.integer({ min: -10, max: 10 }),
    fc.boolean(),
    fc.double({ min: 0, max: 1, noNaN: true }),
  );

  const onlyInvalidInput = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      expect(error.message.length).toBeGreaterThan(0);
    }
  };

  it('never throws anything but InvalidInputError on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.array(fc.jsonValue()), (one, many) => {
        onlyInvalidInput(() => preparer.prepare(one as unknown[]));
        onlyInvalidInput(() => preparer.prepare(many));
        onlyInvalidInput(() => preparer.prepare(many, { textCells: true }));
        onlyInvalidInput(() => preparer.prepareColumns(one as Record<string, unknown>));
        onlyInvalidInput(() => preparer.prepareMatrix(many, many.length / 4, 4));
      }),
      { numRuns: 300 },
    );
  });

  it('never throws anything but InvalidInputError on arbitrary values, instances keyed by feature names', () => {
    const field = fc.oneof(fc.anything(), fc.double(), fc.string(), fc.constant(null));
    const instance = fc.record({ num: field, int: field, flag: field, bounded: field }, { requiredKeys: [] });
    fc.assert(
      fc.property(fc.array(fc.oneof(instance, fc.anything()), { minLength: 1 }), (instances) => {
        onlyInvalidInput(() => preparer.prepare(instances));
      }),
      { numRuns: 300 },
    );
  });

  it('valid instances as objects, as arrays, as columns and as a matrix give identical tensors', () => {
    fc.assert(
      fc.property(fc.array(validRow, { minLength: 1, maxLength: 20 }), (rows) => {
        const asArrays = preparer.prepare(rows);
        const asObjects = preparer.prepare(rows.map(([num, int, flag, bounded]) => ({ num, int, flag, bounded })));
        expect(asObjects).toEqual(asArrays);
        const columns = { num: rows.map((r) => r[0]), int: rows.map((r) => r[1]), flag: rows.map((r) => r[2]), bounded: rows.map((r) => r[3]) };
        expect(preparer.prepareColumns(columns)).toEqual(asArrays);
        expect(preparer.prepareMatrix(rows.flat(), rows.length, 4)).toEqual(asArrays);
        // Numbers written as text (CSV cells, coerced strings) mean the same numbers.
        const text = rows.map((r) => r.map((v) => String(v)));
        expect(preparer.prepare(text, { textCells: true })).toEqual(asArrays);
        expect(preparer.prepare(text.map((r) => [r[0], r[1], r[2] === 'true' ? 1 : 0, r[3]]))).toEqual(asArrays);
      }),
      { numRuns: 200 },
    );
  });

  it('scaling round-trips: x = tensor * std + mean, within float32 precision', () => {
    fc.assert(
      fc.property(validRow, ([num, int, flag, bounded]) => {
        const { data } = preparer.prepare([[num, int, flag, bounded]]);
        expect(data[0] * 0.5 + 3).toBeCloseTo(num, Math.max(0, 6 - Math.ceil(Math.log10(Math.abs(num) + 1))));
        expect(data[1]).toBe(int);
        expect(data[2]).toBe(flag ? 1 : 0);
        expect(Math.abs(data[3] * 0.25 + 0.5 - bounded)).toBeLessThan(1e-7);
        expect(data[0]).toBe(f32((num - 3) / 0.5));
      }),
      { numRuns: 300 },
    );
  });
});

describe('prepare: instances with their keys in feature order or not (the in-order fast path)', () => {
  // Every kind of feature and missing policy, so each value can be valid, invalid, missing or filled.
  const features: FeatureInput[] = [
    { name: 'num', scale: { mean: 3, std: 0.5 } },
    { name: 'int', type: 'integer', min: -10, max: 10, missing: 'mean', mean: 1 },
    { name: 'flag', type: 'boolean', missing: { constant: 0 } },
    { name: 'bounded', min: 0, max: 1 },
  ];
  const names = features.map((f) => f.name);
  const strict = createPreparer(manifestOf(features));
  const lenient = createPreparer(manifestOf(features, { unknownFields: 'ignore' }));

  /** The tensor, or the error's message, problems and count: what a client gets back. */
  const outcome = (preparer: typeof strict, instances: unknown[]) => {
    try {
      return { data: Array.from(preparer.prepare(instances).data) };
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      return { message: error.message, problems: error.problems, problemCount: error.problemCount };
    }
  };

  const value = fc.oneof(
    fc.double({ min: -20, max: 20, noNaN: true }),
    fc.integer({ min: -12, max: 12 }),
    fc.boolean(),
    fc.constantFrom(null, undefined, 'abc', '1', Number.NaN, Infinity, 1e39, [], {}),
  );
  /** One instance: a value or no key per feature, some unknown keys, and where each key goes. */
  const instance = fc.record({
    values: fc.array(fc.option(value, { nil: undefined, freq: 4 }).chain((v) => fc.tuple(fc.constant(v), fc.boolean())), {
      minLength: names.length,
      maxLength: names.length,
    }),
    extras: fc.uniqueArray(fc.constantFrom('extra', 'Num', 'zzz', 'toString'), { maxLength: 3 }),
    order: fc.array(fc.nat(), { minLength: names.length + 3, maxLength: names.length + 3 }),
  });

  /** The instance with its keys in feature order (unknown keys last), and with the same keys shuffled. */
  const build = ({ values, extras, order }: { values: Array<[unknown, boolean]>; extras: string[]; order: number[] }) => {
    const entries: Array<[string, unknown]> = [];
    values.forEach(([v, present], i) => {
      if (present) entries.push([names[i], v]);
    });
    const known = entries.length;
    extras.forEach((key, i) => entries.push([key, i]));
    // Shuffle by sort keys; unknown keys keep their order among themselves (their problems are listed in key order).
    const shuffled = entries
      .map((entry, i) => ({ entry, rank: i < known ? order[i] : order[i] + 0.5 + i }))
      .sort((x, y) => x.rank - y.rank)
      .map(({ entry }) => entry);
    const unknownOrder = shuffled.filter(([key]) => !names.includes(key)).map(([key]) => key);
    const inOrder = [...entries.slice(0, known), ...unknownOrder.map((key) => entries.find(([k]) => k === key) as [string, unknown])];
    return { inOrder: Object.fromEntries(inOrder), shuffled: Object.fromEntries(shuffled), asArray: values.map(([v, present]) => (present ? v : undefined)) };
  };

  it('gives identical tensors and identical errors whatever the key order, extra keys or missing keys', () => {
    fc.assert(
      fc.property(fc.array(instance, { minLength: 1, maxLength: 6 }), (spec) => {
        const built = spec.map(build);
        for (const preparer of [strict, lenient]) {
          const inOrder = outcome(preparer, built.map((b) => b.inOrder));
          expect(outcome(preparer, built.map((b) => b.shuffled))).toEqual(inOrder);
        }
        // An object reads like the array of its values in feature order...
        const asArrays = outcome(strict, built.map((b) => b.asArray));
        expect(outcome(lenient, built.map((b) => b.inOrder))).toEqual(asArrays);
        // ... plus, when unknown fields are rejected, one problem per unknown key, after the instance's others.
        const unknownKeys = built.map((b) => Object.keys(b.shuffled).filter((key) => !names.includes(key)));
        const strictOutcome = outcome(strict, built.map((b) => b.inOrder));
        if (unknownKeys.every((keys) => keys.length === 0)) {
          expect(strictOutcome).toEqual(asArrays);
        } else {
          const expected = built.flatMap((b, row) => [
            ...(asArrays.problems ?? []).filter((p) => p.instance === row),
            ...unknownKeys[row].map((key) => expect.objectContaining({ instance: row, field: key, value: String(b.shuffled[key]) })),
          ]);
          expect(strictOutcome.problems).toEqual(expected);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('in order, out of order, with a missing key, with an unknown key first, in the middle or last', () => {
    const valid = { num: 3.5, int: 2, flag: true, bounded: 0.5 };
    const expected = [1, 2, 1, 0.5];
    expect(Array.from(strict.prepare([valid]).data)).toEqual(expected);
    expect(Array.from(strict.prepare([{ bounded: 0.5, flag: true, int: 2, num: 3.5 }]).data)).toEqual(expected);
    expect(Array.from(strict.prepare([{ num: 3.5, flag: true, bounded: 0.5 }]).data)).toEqual([1, 1, 1, 0.5]);
    expect(Array.from(strict.prepare([{ num: 3.5, int: 2, bounded: 0.5 }]).data)).toEqual([1, 2, 0, 0.5]);
    expect(rejection(() => strict.prepare([{ num: 3.5, int: 2, flag: true }])).message).toBe(
      'Invalid input (1 problem):\n  - instances[0].bounded: missing is not allowed; expected a finite number between 0 and 1 (the feature is required)',
    );
    for (const withExtra of [{ extra: 1, ...valid }, { num: 3.5, int: 2, extra: 1, flag: true, bounded: 0.5 }, { ...valid, extra: 1 }]) {
      expect(rejection(() => strict.prepare([withExtra])).message).toBe(
        'Invalid input (1 problem):\n  - instances[0].extra: 1 is not allowed; expected one of the features: num, int, flag, bounded',
      );
      expect(Array.from(lenient.prepare([withExtra]).data)).toEqual(expected);
    }
  });

  it('reads inherited enumerable keys as a lookup by name does', () => {
    const inherited = Object.assign(Object.create({ flag: true, bounded: 0.5 }) as Record<string, unknown>, { num: 3.5, int: 2 });
    expect(Array.from(strict.prepare([inherited]).data)).toEqual([1, 2, 1, 0.5]);
    // Except for names that are also Object.prototype members: only own keys count for those.
    const members = createPreparer(manifestOf([{ name: 'x' }, { name: 'constructor', missing: { constant: 9 } }]));
    const enumerableMember = Object.assign(Object.create({ constructor: 1 }) as Record<string, unknown>, { x: 2 });
    expect(Array.from(members.prepare([enumerableMember]).data)).toEqual([2, 9]);
  });
});

describe('prepare: properties with categories and several tensors (the penguins layouts)', () => {
  const categories = { island: ['Biscoe', 'Dream', 'Torgersen'], sex: ['female', 'male'] };
  const numbers = ['bill_length_mm', 'body_mass_g'];
  const perColumn = createPreparer(
    parseManifest({
      name: 'penguins', version: '1.0.0', task: 'regression', output: { value: 'value' },
      input: {
        features: [
          ...numbers.map((name) => ({ name, tensor: name, missing: 'passthrough' })),
          { name: 'island', type: 'category', tensor: 'island', categories: categories.island },
          { name: 'sex', type: 'category', tensor: 'sex', categories: categories.sex, missing: 'passthrough' },
        ],
      },
    }),
    {
      inputs: [
        ...numbers.map((name) => ({ name, type: 'float32', shape: ['', 1] })),
        { name: 'island', type: 'string', shape: ['', 1] },
        { name: 'sex', type: 'string', shape: ['', 1] },
      ],
      outputs: [],
    },
  );
  const encoded = createPreparer(
    parseManifest({
      name: 'penguins', version: '1.0.0', task: 'regression', output: { value: 'value' },
      input: {
        tensor: 'input',
        features: [
          ...numbers.map((name) => ({ name, type: 'integer' as const, missing: 'mean' as const, mean: 3 })),
          { name: 'island', type: 'category', categories: categories.island, encoding: 'ordinal' },
          { name: 'sex', type: 'category', categories: categories.sex, unknownCategory: { map: 'male' } },
        ],
      },
    }),
    { inputs: [{ name: 'input', type: 'int64', shape: ['N', 5] }], outputs: [] },
  );
  const onlyInvalidInput = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
    }
  };
  const field = fc.oneof(fc.anything(), fc.string(), fc.constantFrom(...categories.island, ...categories.sex, '', null), fc.double());
  const instance = fc.record({ bill_length_mm: field, body_mass_g: field, island: field, sex: field }, { requiredKeys: [] });

  it.each([['per-column float and string tensors', perColumn], ['one int64 tensor, ordinal and one-hot', encoded]])(
    '%s: arbitrary JSON and values give tensors or an InvalidInputError, nothing else',
    (_layout, preparer) => {
      fc.assert(
        fc.property(fc.jsonValue(), fc.array(fc.oneof(instance, fc.jsonValue()), { minLength: 1 }), (one, many) => {
          onlyInvalidInput(() => preparer.prepare(many));
          onlyInvalidInput(() => preparer.prepare(many, { textCells: true }));
          onlyInvalidInput(() => preparer.prepareColumns(one as Record<string, unknown>));
          onlyInvalidInput(() => preparer.prepareMatrix(many, many.length / 4, 4));
        }),
        { numRuns: 200 },
      );
    },
  );

  it('valid rows: objects, arrays and columns give the same tensors; each row has exactly one category set', () => {
    const row = fc.tuple(
      fc.integer({ min: 0, max: 9999 }),
      fc.integer({ min: 0, max: 9999 }),
      fc.constantFrom(...categories.island),
      fc.oneof(fc.constantFrom(...categories.sex), fc.string({ minLength: 1 }).filter((s) => s.trim() !== '')),
    );
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 10 }), (rows) => {
        const asArrays = encoded.prepare(rows);
        const asObjects = encoded.prepare(rows.map(([bill_length_mm, body_mass_g, island, sex]) => ({ bill_length_mm, body_mass_g, island, sex })));
        const columns = { bill_length_mm: rows.map((r) => r[0]), body_mass_g: rows.map((r) => r[1]), island: rows.map((r) => r[2]), sex: rows.map((r) => r[3]) };
        expect(asObjects).toEqual(asArrays);
        expect(encoded.prepareColumns(columns)).toEqual(asArrays);
        const [tensor] = asArrays.tensors ?? [];
        expect(tensor.dims).toEqual([rows.length, 5]);
        rows.forEach(([bill, mass, island, sex], i) => {
          const cells = Array.from((tensor.data as BigInt64Array).subarray(i * 5, i * 5 + 5));
          // An unknown sex is sent as "male" (unknownCategory.map).
          const sexIndex = categories.sex.includes(sex) ? categories.sex.indexOf(sex) : 1;
          expect(cells.slice(0, 3)).toEqual([BigInt(bill), BigInt(mass), BigInt(categories.island.indexOf(island))]);
          expect(cells[3] + cells[4]).toBe(1n);
          expect(cells[3 + sexIndex]).toBe(1n);
        });
      }),
      { numRuns: 200 },
    );
  });
});

/**
 * How init matches a model with one input per column to the data's columns: by name, or by the name an exporter
 * made of it; when nothing matches, the error lists the closest columns, in a sentence that reads.
 */
import type { CsvProfile } from '../../../lib/init/csv-profile';
import { mapFeatures } from '../../../lib/init/feature-mapping';
import { InitError } from '../../../lib/init/init-error';
import type { OnnxSignature } from '../../../lib/init/onnx-signature';

function signature(...names: string[]): OnnxSignature {
  return {
    inputs: names.map((name) => ({ kind: 'tensor', name, elementType: 'float32', shape: [undefined, 1] as never })),
    outputs: [],
    zipMaps: [],
    operators: [],
    imputes: false,
    producer: 'skl2onnx',
  };
}

function profile(...header: string[]): CsvProfile {
  return {
    header,
    rows: 3,
    columns: header.map((name) => ({ name, type: 'number', missing: 0, missingShare: 0, values: ['1', '2'], min: 1, max: 2, mean: 1.5, std: 0.5 })),
  };
}

describe('Given a model with one input per column', () => {
  it('matches an input to the column whose name differs only by characters the exporter replaced, keeping the column name', () => {
    const mapping = mapFeatures(signature('alcohol', 'od280_od315_of_diluted_wines', 'mean_radius'), profile('alcohol', 'od280/od315_of_diluted_wines', 'Mean Radius', 'target'), ['target']);
    expect(mapping.features.map((f) => [f.name, f.tensor])).toEqual([
      ['alcohol', 'alcohol'],
      ['od280/od315_of_diluted_wines', 'od280_od315_of_diluted_wines'],
      ['Mean Radius', 'mean_radius'],
    ]);
    expect(mapping.review[0]).toContain('"od280_od315_of_diluted_wines" <- column "od280/od315_of_diluted_wines"');
  });

  it('prefers the column of the same name to one that differs by replaced characters', () => {
    const mapping = mapFeatures(signature('a_b', 'c'), profile('a b', 'a_b', 'c'), []);
    expect(mapping.features.map((f) => f.name)).toEqual(['a_b', 'c']);
  });

  it('does not guess between two columns that both differ only by replaced characters', () => {
    expect(() => mapFeatures(signature('a_b', 'c'), profile('a b', 'a/b', 'c'), [])).toThrow(/"a_b" \(closest: "a b", "a\/b"\)/);
  });

  it('names the unmatched input and its closest columns in a grammatical sentence', () => {
    const run = () => mapFeatures(signature('alcohol', 'malic_acid', 'proline'), profile('alcohol', 'malic acid level', 'prolin', 'target'), ['target']);
    expect(run).toThrow(InitError);
    expect(run).toThrow(
      'the model has 3 inputs (alcohol, malic_acid, proline), so each needs a CSV column of the same name, or one whose name differs only by characters exporters replace; ' +
        'no column of the data matches 2 inputs "malic_acid" (closest: "malic acid level"), "proline" (closest: "prolin"). Rename the column in the CSV to the input\'s name.',
    );
  });

  it('says when no column is close', () => {
    expect(() => mapFeatures(signature('alcohol', 'zzz'), profile('alcohol', 'target'), ['target'])).toThrow(/the input "zzz" \(no column is close\)/);
  });
});

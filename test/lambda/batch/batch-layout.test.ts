import { csvOutputHeader, csvOutputRow, predictionColumns } from '../../../lambda/batch/batch-layout';
import { parseManifest, type Manifest } from '../../../lambda/core/manifest';

function regression(output: Record<string, unknown>): Manifest {
  return parseManifest({
    schemaVersion: 1,
    name: 'linnerud',
    version: '1.0.0',
    task: 'regression',
    input: { tensor: 'input', features: [{ name: 'Chins' }, { name: 'Situps' }, { name: 'Jumps' }] },
    output,
  });
}

describe('Given a regression manifest, when batch output columns are laid out', () => {
  test('When it has one target, then one predicted_value column follows the kept columns', () => {
    const manifest = regression({ value: 'variable' });
    expect(predictionColumns(manifest)).toEqual(['predicted_value']);
    expect(csvOutputRow(7, ['c-1'], { value: 1.5 }, manifest)).toBe('7,c-1,1.5\n');
  });

  test('When it has several targets, then each target gets its own column, in the manifest order', () => {
    const manifest = regression({ value: 'variable', targets: ['Weight', 'Waist', 'Pulse'] });
    expect(predictionColumns(manifest)).toEqual(['predicted_Weight', 'predicted_Waist', 'predicted_Pulse']);
    expect(csvOutputRow(3, [], { values: { Pulse: 50, Weight: 180, Waist: 35 } }, manifest)).toBe('3,180,35,50\n');
    expect(csvOutputHeader(manifest, ['id'])).toContain('predicted_Weight,predicted_Waist,predicted_Pulse');
  });
});

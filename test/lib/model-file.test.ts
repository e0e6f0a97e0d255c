import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { inspectModelArtifact } from '../../lib/model-artifact';
import { ModelFile, ModelFileError } from '../../lib/model-file';
import { PROJECT_ROOT } from '../support/app';

const IRIS = path.join(PROJECT_ROOT, 'examples', 'iris');

describe('Given a model file on disk', () => {
  test('When read from its path, then it carries its absolute path, size and SHA-256', () => {
    const file = ModelFile.fromPath(path.relative(process.cwd(), path.join(IRIS, 'model.onnx')));
    const bytes = fs.readFileSync(path.join(IRIS, 'model.onnx'));
    expect(file.path).toBe(path.join(IRIS, 'model.onnx'));
    expect(file.sizeBytes).toBe(bytes.byteLength);
    expect(file.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  test('When taken from an inspected artifact, then it is the same identity without reading the file again', async () => {
    const artifact = await inspectModelArtifact(path.join(IRIS, 'model.onnx'), path.join(IRIS, 'model.json'));
    const file = ModelFile.fromArtifact({ ...artifact, modelPath: '/not/read/again/model.onnx' });
    expect(file).toMatchObject({ path: '/not/read/again/model.onnx', sha256: artifact.sha256, sizeBytes: artifact.sizeBytes });
    expect(ModelFile.fromPath(path.join(IRIS, 'model.onnx')).sha256).toBe(artifact.sha256);
  });
});

describe('Given a path that is not a usable model file, the error names the path and what is needed', () => {
  test('When it does not exist, then it is refused as missing', () => {
    const missing = path.join(os.tmpdir(), 'modelstack-no-such-dir', 'model.onnx');
    expect(() => ModelFile.fromPath(missing)).toThrow(new ModelFileError(missing, 'a readable ONNX file (no such file)'));
    expect(() => ModelFile.fromPath(missing)).toThrow(`model file '${missing}' must be a readable ONNX file (no such file)`);
  });

  test('When it is a directory, then it is refused', () => {
    expect(() => ModelFile.fromPath(os.tmpdir())).toThrow(/must be a readable ONNX file, but it is not a file/);
  });

  test('When it is an empty file, then it is refused', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelstack-file-'));
    const empty = path.join(dir, 'model.onnx');
    fs.writeFileSync(empty, '');
    try {
      expect(() => ModelFile.fromPath(empty)).toThrow(`model file '${empty}' must be a non-empty ONNX file`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * The ONNX file a {@link ModelStore} deploys, identified by its SHA-256. Read and hashed once per synth: the
 * stack hands over the artifact it already inspected ({@link ModelFile.fromArtifact}); other users read a file
 * with {@link ModelFile.fromPath}.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sha256Hex } from '../lambda/core/model-source';
import type { ModelArtifact } from './model-artifact';
import { CheckFailure } from '../lambda/core/modelstack-error';

/** Raised when a model file cannot be used; the message names the path and what is wrong. */
export class ModelFileError extends CheckFailure {
  constructor(
    /** The path that was refused. */
    readonly modelPath: string,
    /** What a usable file would be. */
    readonly problem: string,
  ) {
    super(`model file '${modelPath}' must be ${problem}`);
    this.name = 'ModelFileError';
  }
}

/** An ONNX file with its identity. */
export class ModelFile {
  /** The model of an artifact that `inspectModelArtifact` has read, hashed and checked against its manifest. */
  public static fromArtifact(artifact: ModelArtifact): ModelFile {
    return new ModelFile(artifact.modelPath, artifact.sha256, artifact.sizeBytes);
  }

  /**
   * Reads and hashes the file at `modelPath` now.
   * @throws ModelFileError when it is missing, not a file, unreadable or empty
   */
  public static fromPath(modelPath: string): ModelFile {
    const absolute = path.resolve(modelPath);
    let bytes: Buffer;
    try {
      if (!fs.statSync(absolute).isFile()) throw new ModelFileError(modelPath, 'a readable ONNX file, but it is not a file');
      bytes = fs.readFileSync(absolute);
    } catch (error) {
      if (error instanceof ModelFileError) throw error;
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new ModelFileError(modelPath, `a readable ONNX file (${code === 'ENOENT' ? 'no such file' : code})`);
    }
    if (bytes.byteLength === 0) throw new ModelFileError(modelPath, 'a non-empty ONNX file');
    return new ModelFile(absolute, sha256Hex(bytes), bytes.byteLength);
  }

  private constructor(
    /** Absolute path of the file. */
    public readonly path: string,
    /** SHA-256 of its bytes, lower-case hex. */
    public readonly sha256: string,
    /** Its size in bytes. */
    public readonly sizeBytes: number,
  ) {}
}

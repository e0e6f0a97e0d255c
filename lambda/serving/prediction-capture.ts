/**
 * Capture of sampled predictions in the record format (`records/record-format.ts`): after a prediction is answered,
 * a share of requests (`samplingPercentage`) becomes one {@link CaptureRecord}, serialized once and handed to a
 * {@link CaptureSink} (one log line in Lambda, buffered S3 objects elsewhere). Requests that are not sampled cost one
 * random number; nothing here can fail a request.
 */
import { randomUUID } from 'node:crypto';
import type { Manifest } from '../core/manifest';
import type { Prediction } from '../core/types';
import { CAPTURED_CONTENT_TYPE } from '../records/record-format';
import type { CaptureRecord } from '../records/record-format';
import { capturedInstancesJson, capturePlan } from './captured-inputs';
import type { InputForm } from './captured-inputs';
import { predictionsJson } from './predictions-json';

/** A captured prediction, serialized: one JSON Lines line (without its newline), and when it was made. */
export interface CapturedLine {
  /** The {@link CaptureRecord} as JSON. */
  readonly line: string;
  /** When the prediction was made: the record's `inferenceTime`, and the hour folder it is stored under. */
  readonly at: Date;
}

/** Where captured predictions go. `write` must not throw, nor wait: a sink buffers or writes synchronously. */
export interface CaptureSink {
  write(record: CapturedLine): void;
}

/** What is captured and where to. */
export interface PredictionCaptureOptions {
  /** Share of prediction requests captured, 0 to 100 (a percentage; fractions allowed). */
  readonly samplingPercentage: number;
  /** Keep the inputs (without the features the manifest marks `"capture": false`); else only the answers. */
  readonly captureInputs: boolean;
  readonly sink: CaptureSink;
  /** Random number in [0, 1) that decides sampling. @default Math.random */
  readonly random?: () => number;
  /** Clock. @default () => new Date() */
  readonly now?: () => Date;
}

/** What {@link PredictionCapture.capture} needs of one answered request. */
export interface AnsweredPrediction {
  readonly inferenceId: string;
  readonly manifest: Manifest;
  readonly inputs: InputForm | undefined;
  readonly predictions: readonly Prediction[];
  /** `{"predictions": [...]}` as JSON, when already serialized. @default serialized here */
  readonly outputJson?: string;
}

/** Checks the options once, so that a bad rate fails at start-up rather than sampling nothing. */
function checkRate(rate: number): number {
  if (!(Number.isFinite(rate) && rate >= 0 && rate <= 100)) {
    throw new RangeError(`capture.samplingPercentage must be a number from 0 to 100 (got ${String(rate)})`);
  }
  return rate;
}

export class PredictionCapture {
  private readonly threshold: number;
  private readonly random: () => number;
  private readonly now: () => Date;

  constructor(private readonly options: PredictionCaptureOptions) {
    this.threshold = checkRate(options.samplingPercentage) / 100;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? (() => new Date());
  }

  /** Captures the prediction if it is sampled. */
  capture(answered: AnsweredPrediction): void {
    if (this.threshold === 0 || this.random() >= this.threshold) return;
    const at = this.now();
    this.options.sink.write({ line: JSON.stringify(this.record(answered, at)), at });
  }

  private record(answered: AnsweredPrediction, at: Date): CaptureRecord {
    const { inferenceId, manifest, inputs, predictions } = answered;
    const keepInputs = this.options.captureInputs && inputs !== undefined;
    return {
      captureData: {
        ...(keepInputs
          ? {
              endpointInput: {
                observedContentType: CAPTURED_CONTENT_TYPE,
                mode: 'INPUT',
                data: `{"instances":${capturedInstancesJson(capturePlan(manifest), inputs)}}`,
                encoding: 'JSON',
              },
            }
          : {}),
        endpointOutput: {
          observedContentType: CAPTURED_CONTENT_TYPE,
          mode: 'OUTPUT',
          data: answered.outputJson ?? predictionsJson(predictions),
          encoding: 'JSON',
        },
      },
      eventMetadata: { eventId: randomUUID(), inferenceId, inferenceTime: at.toISOString() },
      eventVersion: '0',
    };
  }
}

/**
 * Real CloudWatch EMF output, captured: Powertools Metrics writes one JSON document per line to stdout.
 */

/** One metric's declaration in an EMF document. */
export interface EmfMetric {
  readonly Name: string;
  readonly Unit: string;
}

/** An EMF document: the `_aws` declarations, and the dimension and metric values as top-level keys. */
export interface EmfDocument {
  readonly _aws: {
    readonly Timestamp: number;
    readonly CloudWatchMetrics: ReadonlyArray<{
      readonly Namespace: string;
      readonly Dimensions: ReadonlyArray<readonly string[]>;
      readonly Metrics: readonly EmfMetric[];
    }>;
  };
  readonly [key: string]: unknown;
}

/** Runs `run` with stdout captured (and kept off the console), and returns the EMF documents written meanwhile. */
export async function captureEmf(run: () => Promise<void> | void): Promise<EmfDocument[]> {
  const lines: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  });
  try {
    await run();
  } finally {
    spy.mockRestore();
  }
  return lines
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as EmfDocument);
}

/** The names of the metrics a document declares. */
export function metricNames(doc: EmfDocument): string[] {
  return doc._aws.CloudWatchMetrics.flatMap((set) => set.Metrics.map((m) => m.Name));
}

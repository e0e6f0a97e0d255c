/**
 * Firehose delivery streams fed by a CloudWatch Logs subscription (lib/lambda-capture.ts): the captured predictions
 * of the functions writing to the subscribed log group, priced as Firehose ingestion, and the S3 objects the stream
 * writes into its bucket (PUTs and storage). Captured volume = the function's requests × its sampling percentage
 * (`CAPTURE_SAMPLING_PERCENTAGE` of its environment, or the profile's `capturedPercent`) × the bytes of one record.
 *
 * Billing rule (Amazon Data Firehose pricing, https://aws.amazon.com/firehose/pricing/): Direct PUT ingestion is
 * billed per GB with each record rounded up to 5 KB; a CloudWatch Logs subscription writes to the stream with
 * PutRecordBatch, one record per gzip batch of log events, so it is billed as Direct PUT. Records that arrive
 * together share a batch: the expected case counts the captured bytes themselves (uncompressed: the compressed batch
 * is smaller), the worst case one record per captured prediction, rounded up to 5 KB. Not estimated (said on the
 * line): the CloudWatch Logs decompression charge (no sourced price), the KMS requests of SSE-KMS objects.
 */
import {
  BYTES_PER_GB,
  DATA_CAPTURE_RETENTION_MONTHS,
  FIREHOSE_BILLING_INCREMENT_BYTES,
  FIREHOSE_DEFAULT_BUFFER,
  LAMBDA_CAPTURE_ENVELOPE_BYTES,
  SECONDS_PER_MONTH,
} from '../assumptions';
import { asObject, literalNumber, referencedId, referencedIds, type CfnResource } from '../cloudformation-template';
import { priced, type LineItemDraft, type Range, type ResourcePricing } from '../line-item';
import { formatQuantity } from '../numbers';
import type { PricingContext } from '../pricing-context';
import { RUNTIME_ENV } from '../../../lambda/core/runtime-config';

/** What one function sends the stream in a month. */
interface CapturedTraffic {
  readonly functionId: string;
  readonly records: number;
  readonly recordBytes: number;
  readonly percent: number;
  readonly percentFrom: string;
}

/** Bytes of one captured prediction of a request (its inputs when captured, its answer, the envelope). */
export function captureRecordBytes(context: PricingContext, captureInputs: boolean): number {
  return LAMBDA_CAPTURE_ENVELOPE_BYTES + (captureInputs ? context.traffic.meanPayloadBytes : 0) + context.traffic.meanResponseBytes;
}

/** The functions whose log groups are subscribed to `streamId`, with what each captures. */
function capturedTraffic(streamId: string, context: PricingContext): CapturedTraffic[] {
  const { graph } = context;
  const logGroups = graph
    .ofType('AWS::Logs::SubscriptionFilter')
    .filter(([, filter]) => referencedIds(filter.Properties?.DestinationArn).includes(streamId))
    .map(([, filter]) => referencedId(filter.Properties?.LogGroupName))
    .filter((id): id is string => id !== undefined);
  return logGroups.flatMap((group) =>
    graph.writersOf(group).map((functionId) => {
      const variables = graph.environmentOf(functionId);
      const configured = variables[RUNTIME_ENV.captureSamplingPercentage];
      const fromTemplate = configured === undefined ? undefined : Number(configured);
      const percent = context.traffic.capturedPercent ?? (fromTemplate !== undefined && Number.isFinite(fromTemplate) ? fromTemplate : 0);
      const percentFrom = context.traffic.capturedPercent !== undefined ? 'traffic profile' : fromTemplate !== undefined ? RUNTIME_ENV.captureSamplingPercentage : 'the function does not capture';
      const records = (context.lambda(functionId).requests * percent) / 100;
      return { functionId, records, recordBytes: captureRecordBytes(context, variables[RUNTIME_ENV.captureInputs] === 'true'), percent, percentFrom };
    }),
  );
}

/** Objects the stream writes a month: one per buffer interval with data, plus one per full buffer. */
function objectsWritten(resource: CfnResource, context: PricingContext, records: number, bytes: number): number {
  const hints = asObject(asObject(resource.Properties?.ExtendedS3DestinationConfiguration)?.BufferingHints);
  const seconds = literalNumber(hints?.IntervalInSeconds, context.graph.template) ?? FIREHOSE_DEFAULT_BUFFER.seconds;
  const mebibytes = literalNumber(hints?.SizeInMBs, context.graph.template) ?? FIREHOSE_DEFAULT_BUFFER.mebibytes;
  const intervals = Math.min(records, SECONDS_PER_MONTH / Math.max(1, seconds));
  return Math.ceil(intervals + bytes / (mebibytes * 1024 * 1024));
}

/** An `AWS::KinesisFirehose::DeliveryStream`. */
export function priceDeliveryStream(logicalId: string, resource: CfnResource, context: PricingContext): ResourcePricing {
  const sources = capturedTraffic(logicalId, context);
  const records = sources.reduce((sum, source) => sum + source.records, 0);
  const bytes = sources.reduce((sum, source) => sum + source.records * source.recordBytes, 0);
  const billedBytes = sources.reduce((sum, source) => sum + source.records * Math.ceil(source.recordBytes / FIREHOSE_BILLING_INCREMENT_BYTES) * FIREHOSE_BILLING_INCREMENT_BYTES, 0);
  const fed =
    sources.length === 0
      ? 'no subscription of this template feeds it'
      : sources.map((s) => `${s.functionId}: ${formatQuantity(s.records)} records (${s.percent}% of its requests, ${s.percentFrom}) × ${s.recordBytes} bytes`).join('; ');
  const gb = bytes / BYTES_PER_GB;
  const ingested: Range = { expected: gb, worstCase: billedBytes / BYTES_PER_GB };
  const objects = objectsWritten(resource, context, records, bytes);
  const lines: LineItemDraft[] = [
    {
      id: 'ingestion',
      description: 'Firehose ingestion (Direct PUT, from a CloudWatch Logs subscription)',
      kind: 'traffic',
      priceKey: 'firehose.ingestion',
      quantity: ingested,
      basis: `${fed}; worst case: one record per prediction, rounded up to 5 KB; the CloudWatch Logs decompression charge is not estimated`,
    },
    {
      id: 's3-puts',
      description: 'S3 PUT requests of the objects it writes',
      kind: 'traffic',
      priceKey: 's3.standard.put',
      quantity: { expected: objects, worstCase: objects },
      basis: `${formatQuantity(objects)} objects: one per buffer interval with data, plus one per full buffer`,
    },
    {
      id: 'storage',
      description: 'captured predictions stored in S3 Standard',
      kind: 'traffic',
      priceKey: 's3.standard.storage',
      quantity: { expected: gb * DATA_CAPTURE_RETENTION_MONTHS.expected, worstCase: gb * DATA_CAPTURE_RETENTION_MONTHS.worstCase },
      basis: `${formatQuantity(gb)} GB a month; a month's capture kept (worst: ${DATA_CAPTURE_RETENTION_MONTHS.worstCase} months, never expired)`,
    },
  ];
  return priced(...lines);
}

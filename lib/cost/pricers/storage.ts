/**
 * Storage and keys: S3 buckets (the objects the stack deploys into them, GETs by the functions that read them at
 * cold start, server access log records), KMS keys ($1 a key-month, more once rotated; Decrypt requests of those
 * reads) and CloudWatch log groups (ingestion from the functions writing to them, and storage in steady state
 * for their retention).
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  BYTES_PER_GB,
  DAYS_PER_RETENTION_MONTH,
  LOG_COMPRESSION_RATIO,
  NOTIFICATIONS_PER_MONTH,
  ROTATED_KEY_MONTHS,
  S3_ACCESS_LOG_RECORD_BYTES,
  UNBOUNDED_RETENTION_MONTHS,
} from '../assumptions';
import { asList, asObject, literalNumber, referencedId, referencedIds, type CfnResource } from '../cloudformation-template';
import { both, priced, unpriced, type LineItemDraft, type Range, type ResourcePricing } from '../line-item';
import { formatQuantity } from '../numbers';
import type { PricingContext } from '../pricing-context';

function bytesOf(path: string): number {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (stats === undefined) return 0;
  if (!stats.isDirectory()) return stats.size;
  return readdirSync(path).reduce((sum, entry) => sum + bytesOf(join(path, entry)), 0);
}

/** Bytes a bucket receives from the stack's `Custom::CDKBucketDeployment`s, and what could not be measured. */
function deployedBytes(bucketId: string, context: PricingContext): { bytes: number; unknown: string[]; sources: number } {
  let bytes = 0;
  let sources = 0;
  const unknown: string[] = [];
  for (const [id, resource] of context.graph.entries) {
    if (resource.Type !== 'Custom::CDKBucketDeployment' || referencedId(resource.Properties?.DestinationBucketName) !== bucketId) continue;
    for (const key of asList(resource.Properties?.SourceObjectKeys)) {
      const path = typeof key === 'string' ? context.assetPaths.get(key.replace(/\.zip$/, '')) : undefined;
      sources += 1;
      if (path === undefined) unknown.push(id);
      else bytes += bytesOf(path);
    }
  }
  return { bytes, unknown, sources };
}

/** GETs of the functions that name `bucketId` in their environment: one object per on-demand cold start. */
function readsAtColdStart(bucketId: string, context: PricingContext): Range {
  const readers = context.graph.functionsReferencing(bucketId).map((fn) => context.lambda(fn));
  return {
    expected: readers.reduce((sum, usage) => sum + usage.onDemandColdStarts.expected, 0),
    worstCase: readers.reduce((sum, usage) => sum + usage.onDemandColdStarts.worstCase, 0),
  };
}

function expirationMonths(bucket: CfnResource): number | undefined {
  const rules = asList(asObject(bucket.Properties?.LifecycleConfiguration)?.Rules);
  const days = rules.map((rule) => literalNumber(asObject(rule)?.ExpirationInDays)).filter((d): d is number => d !== undefined);
  return days.length === 0 ? undefined : Math.min(...days) / DAYS_PER_RETENTION_MONTH;
}

/** An `AWS::S3::Bucket`. */
export function priceS3Bucket(logicalId: string, resource: CfnResource, context: PricingContext): ResourcePricing {
  const deployed = deployedBytes(logicalId, context);
  const gb = deployed.bytes / BYTES_PER_GB;
  const measured = deployed.unknown.length === 0 ? '' : `; size unknown without the cloud assembly for ${deployed.unknown.join(', ')}`;
  const lines: LineItemDraft[] = [
    {
      id: 'storage',
      description: 'S3 Standard storage',
      kind: 'fixed',
      priceKey: 's3.standard.storage',
      quantity: both(gb),
      basis: deployed.sources === 0 ? 'no objects deployed by the stack; objects written at run time are not estimated' : `${formatQuantity(deployed.bytes)} bytes deployed by the stack${measured}`,
    },
  ];
  const gets = readsAtColdStart(logicalId, context);
  if (gets.worstCase > 0) {
    lines.push({ id: 'get-requests', description: 'GET requests', kind: 'traffic', priceKey: 's3.standard.get', quantity: gets, basis: `${formatQuantity(gets.expected)} reads: one per on-demand cold start of the functions naming it` });
  }
  const logged = context.graph.ofType('AWS::S3::Bucket').filter(([, source]) => referencedId(asObject(source.Properties?.LoggingConfiguration)?.DestinationBucketName) === logicalId);
  if (logged.length > 0) {
    const requests = logged.map(([id]) => readsAtColdStart(id, context));
    const months = expirationMonths(resource);
    const gbOf = (count: number, kept: number) => (count * S3_ACCESS_LOG_RECORD_BYTES * kept) / BYTES_PER_GB;
    const kept = months === undefined ? UNBOUNDED_RETENTION_MONTHS : { expected: months, worstCase: months };
    const total = { expected: requests.reduce((s, r) => s + r.expected, 0), worstCase: requests.reduce((s, r) => s + r.worstCase, 0) };
    lines.push({
      id: 'access-logs',
      description: `server access logs of ${logged.map(([id]) => id).join(', ')}`,
      kind: 'traffic',
      priceKey: 's3.standard.storage',
      quantity: { expected: gbOf(total.expected, kept.expected), worstCase: gbOf(total.worstCase, kept.worstCase) },
      basis: `${formatQuantity(total.expected)} records × ${S3_ACCESS_LOG_RECORD_BYTES} bytes, kept ${Number(kept.expected.toFixed(1))} month(s)`,
    });
  }
  return priced(...lines);
}

/** An `AWS::KMS::Key`. */
export function priceKmsKey(logicalId: string, resource: CfnResource, context: PricingContext): ResourcePricing {
  const rotated = resource.Properties?.EnableKeyRotation === true;
  const lines: LineItemDraft[] = [
    {
      id: 'key',
      description: 'customer managed key',
      kind: 'fixed',
      priceKey: 'kms.key',
      quantity: rotated ? ROTATED_KEY_MONTHS : both(1),
      basis: rotated ? '$1 a month; yearly rotation adds $1 for each of the first two rotations (worst case: after two years)' : 'one key',
    },
  ];
  const encryptedBuckets = context.graph.ofType('AWS::S3::Bucket').filter(([, bucket]) => referencedIds(bucket.Properties?.BucketEncryption).includes(logicalId));
  const reads = encryptedBuckets.map(([id]) => readsAtColdStart(id, context));
  const topics = context.graph.ofType('AWS::SNS::Topic').filter(([, topic]) => referencedIds(topic.Properties?.KmsMasterKeyId).includes(logicalId)).length;
  const requests = {
    expected: reads.reduce((s, r) => s + r.expected, 0) + topics * NOTIFICATIONS_PER_MONTH,
    worstCase: reads.reduce((s, r) => s + r.worstCase, 0) + topics * NOTIFICATIONS_PER_MONTH,
  };
  lines.push({
    id: 'requests',
    description: 'key requests',
    kind: 'traffic',
    priceKey: 'kms.requests',
    quantity: requests,
    basis: `${formatQuantity(requests.expected)} requests: Decrypt of SSE-KMS objects read at cold start, topic publishes; CloudWatch Logs' own use of the key is not estimated (it caches data keys)`,
  });
  return priced(...lines);
}

/** An `AWS::Logs::LogGroup`. */
export function priceLogGroup(logicalId: string, resource: CfnResource, context: PricingContext): ResourcePricing {
  if (resource.Properties?.LogGroupClass === 'INFREQUENT_ACCESS') return unpriced('the Infrequent Access log class has no price in the table');
  const writers = context.graph.writersOf(logicalId).map((fn) => context.lambda(fn));
  const gb = writers.reduce((sum, usage) => sum + usage.logBytes, 0) / BYTES_PER_GB;
  const days = literalNumber(resource.Properties?.RetentionInDays, context.graph.template);
  const months = days === undefined ? UNBOUNDED_RETENTION_MONTHS : both(days / DAYS_PER_RETENTION_MONTH);
  const writtenBy = writers.length === 0 ? 'no function of this template writes to it' : writers.map((usage) => `${usage.functionId} (${usage.role})`).join(', ');
  return priced(
    { id: 'ingestion', description: 'log ingestion', kind: 'traffic', priceKey: 'logs.ingestion', quantity: both(gb), basis: `${formatQuantity(gb)} GB a month from ${writtenBy}` },
    {
      id: 'storage',
      description: 'log storage',
      kind: 'traffic',
      priceKey: 'logs.storage',
      quantity: { expected: gb * LOG_COMPRESSION_RATIO * months.expected, worstCase: gb * LOG_COMPRESSION_RATIO * months.worstCase },
      basis:
        (days === undefined ? `never expires: ${months.expected} months kept (worst ${months.worstCase})` : `steady state: ${days} days kept`) +
        ` × ${LOG_COMPRESSION_RATIO * 100}% of the size once compressed`,
    },
  );
}

/** An `AWS::Logs::MetricFilter`: each metric transformation publishes a custom metric. */
export function priceMetricFilter(_logicalId: string, resource: CfnResource): ResourcePricing {
  const transformations = asList(resource.Properties?.MetricTransformations);
  const dimensioned = transformations.filter((t) => asObject(t)?.Dimensions !== undefined).length;
  return priced({
    id: 'custom-metrics',
    description: 'custom metrics from the filter',
    kind: 'fixed',
    priceKey: 'cloudwatch.metric',
    quantity: both(transformations.length),
    basis: `${transformations.length} metric transformations` + (dimensioned > 0 ? `; ${dimensioned} with dimensions: one metric per dimension value seen, counted once` : ''),
  });
}

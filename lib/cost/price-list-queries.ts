/**
 * Where each figure of the price table is found in the AWS Price List API: the service code, the `GetProducts`
 * filters (the region, and a usage-type fragment), and the usage type the product must have. Usage types carry a
 * region prefix (`EU-`, `USE1-`, none), so they are matched by their suffix. A figure whose product is not found
 * keeps its value and stays unverified; the refresh says so.
 */

/** A `GetProducts` filter. */
export interface PriceListFilter {
  readonly Type: 'TERM_MATCH' | 'CONTAINS' | 'EQUALS';
  readonly Field: string;
  readonly Value: string;
}

/** How to read one figure from the Price List API. */
export interface PriceListQuery {
  /** The price-table key. */
  readonly key: string;
  readonly serviceCode: string;
  readonly filters: readonly PriceListFilter[];
  /** The product's `usagetype` attribute must match. */
  readonly usageType: RegExp;
  /** The price dimension's unit must match, so a price per hour is never taken for a price per month. */
  readonly unit: RegExp;
}

interface Mapping {
  readonly serviceCode: string;
  readonly usage: string;
  readonly unit: RegExp;
  /** Global offers (AWS Budgets) have no region. @default true */
  readonly regional?: boolean;
}

const REGION_PREFIX = '^(?:[A-Z]{2,4}\\d?-)?';
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Usage-type suffixes of the table's figures, per service. */
const MAPPINGS: Readonly<Record<string, Mapping>> = {
  'lambda.requests': { serviceCode: 'AWSLambda', usage: 'Request', unit: /^Requests$/ },
  'stepfunctions.standard.transitions': { serviceCode: 'AmazonStates', usage: 'StateTransition', unit: /^StateTransitions?$/i },
  'lambda.x86_64.duration': { serviceCode: 'AWSLambda', usage: 'Lambda-GB-Second', unit: /^(Lambda-)?GB-Second/ },
  'lambda.arm64.duration': { serviceCode: 'AWSLambda', usage: 'Lambda-GB-Second-ARM', unit: /^(Lambda-)?GB-Second/ },
  'lambda.x86_64.provisioned': { serviceCode: 'AWSLambda', usage: 'Lambda-Provisioned-Concurrency', unit: /^(Lambda-)?GB-Second/ },
  'lambda.arm64.provisioned': { serviceCode: 'AWSLambda', usage: 'Lambda-Provisioned-Concurrency-ARM', unit: /^(Lambda-)?GB-Second/ },
  'lambda.x86_64.provisionedDuration': { serviceCode: 'AWSLambda', usage: 'Lambda-Provisioned-GB-Second', unit: /^(Lambda-)?GB-Second/ },
  'lambda.arm64.provisionedDuration': { serviceCode: 'AWSLambda', usage: 'Lambda-Provisioned-GB-Second-ARM', unit: /^(Lambda-)?GB-Second/ },
  'lambda.ephemeralStorage': { serviceCode: 'AWSLambda', usage: 'Lambda-Storage-GB-Second', unit: /^(Lambda-)?GB-Second/ },
  'xray.tracesRecorded': { serviceCode: 'AWSXRay', usage: 'XRay-TracesStored', unit: /^Traces?/ },
  'sagemaker.serverless.duration': { serviceCode: 'AmazonSageMaker', usage: 'ServerlessInf:Mem-1GB', unit: /^Second/ },
  'sagemaker.serverless.provisioned': { serviceCode: 'AmazonSageMaker', usage: 'ServerlessInf-PC:Mem-1GB', unit: /^Second/ },
  'sagemaker.serverless.provisionedDuration': { serviceCode: 'AmazonSageMaker', usage: 'ServerlessInf-PCInf:Mem-1GB', unit: /^Second/ },
  'sagemaker.dataProcessed': { serviceCode: 'AmazonSageMaker', usage: 'Host:Data-Bytes-In', unit: /^GB/ },
  'sagemaker.endpointStorage': { serviceCode: 'AmazonSageMaker', usage: 'Host:VolumeUsage.gp2', unit: /^GB-Mo/ },
  's3.standard.storage': { serviceCode: 'AmazonS3', usage: 'TimedStorage-ByteHrs', unit: /^GB-Mo/ },
  's3.standard.put': { serviceCode: 'AmazonS3', usage: 'Requests-Tier1', unit: /^Requests$/ },
  's3.standard.get': { serviceCode: 'AmazonS3', usage: 'Requests-Tier2', unit: /^Requests$/ },
  'kms.key': { serviceCode: 'awskms', usage: 'KMS-Keys', unit: /^Keys?$/ },
  'kms.requests': { serviceCode: 'awskms', usage: 'KMS-Requests', unit: /^Requests$/ },
  'cloudwatch.alarm.standard': { serviceCode: 'AmazonCloudWatch', usage: 'CW:AlarmMonitorUsage', unit: /^Alarms?$/ },
  'cloudwatch.alarm.highResolution': { serviceCode: 'AmazonCloudWatch', usage: 'CW:HighResAlarmMonitorUsage', unit: /^Alarms?$/ },
  'cloudwatch.alarm.composite': { serviceCode: 'AmazonCloudWatch', usage: 'CW:CompositeAlarmMonitorUsage', unit: /^Alarms?$/ },
  'cloudwatch.dashboard': { serviceCode: 'AmazonCloudWatch', usage: 'DashboardsUsageHour', unit: /^Dashboards?$/ },
  'cloudwatch.metric': { serviceCode: 'AmazonCloudWatch', usage: 'CW:MetricMonitorUsage', unit: /^Metrics?$/ },
  'logs.ingestion': { serviceCode: 'AmazonCloudWatch', usage: 'DataProcessing-Bytes', unit: /^GB$/ },
  'logs.storage': { serviceCode: 'AmazonCloudWatch', usage: 'TimedStorage-ByteHrs', unit: /^GB-Mo$/ },
  'sns.publish': { serviceCode: 'AmazonSNS', usage: 'Requests-Tier1', unit: /^Requests$/ },
  'sns.email': { serviceCode: 'AmazonSNS', usage: 'DeliveryAttempts-SMTP', unit: /^Notifications?$/ },
  'budgets.budget': { serviceCode: 'AWSBudgets', usage: 'BudgetsUsage', unit: /^Budget-days$/, regional: false },
  'budgets.actionEnabledBudget': { serviceCode: 'AWSBudgets', usage: 'ActionEnabledBudgetsUsage', unit: /^Budget-days$/, regional: false },
  // Direct PUT ingestion (records rounded up to 5 KB); the lowest paid tier is the first 500 TB.
  'firehose.ingestion': { serviceCode: 'AmazonKinesisFirehose', usage: 'BilledBytes', unit: /^GB$/ },
  'dataTransfer.outToInternet': { serviceCode: 'AWSDataTransfer', usage: 'DataTransfer-Out-Bytes', unit: /^GB$/ },
};

function mappingOf(key: string): Mapping | undefined {
  const instance = /^sagemaker\.instance\.(ml\.[a-z0-9]+\.[a-z0-9]+)$/.exec(key);
  if (instance !== null) return { serviceCode: 'AmazonSageMaker', usage: `Host:${instance[1]}`, unit: /^Hrs$/ };
  return MAPPINGS[key];
}

/** The query of `key` in `region`, or `undefined` when the table's key has no Price List mapping. */
export function priceListQuery(key: string, region: string): PriceListQuery | undefined {
  const mapping = mappingOf(key);
  if (mapping === undefined) return undefined;
  const regionField = mapping.serviceCode === 'AWSDataTransfer' ? 'fromRegionCode' : 'regionCode';
  return {
    key,
    serviceCode: mapping.serviceCode,
    filters: [
      ...(mapping.regional === false ? [] : [{ Type: 'TERM_MATCH' as const, Field: regionField, Value: region }]),
      { Type: 'CONTAINS' as const, Field: 'usagetype', Value: mapping.usage },
    ],
    usageType: new RegExp(`${REGION_PREFIX}${escape(mapping.usage)}$`),
    unit: mapping.unit,
  };
}

/** One line per query, for `--dry-run`: what would be asked and what must match. */
export function describeQuery(region: string, key: string, query: PriceListQuery | undefined): string {
  if (query === undefined) return `${region} ${key}: no Price List mapping (kept as is, unverified)`;
  const filters = query.filters.map((filter) => `${filter.Field} ${filter.Type} ${JSON.stringify(filter.Value)}`).join(', ');
  return `${region} ${key}: GetProducts ServiceCode=${query.serviceCode} Filters=[${filters}] usagetype ~ ${query.usageType.source} unit ~ ${query.unit.source}`;
}

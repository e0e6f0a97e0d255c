/**
 * The traffic an environment expects in a month, with what the config leaves open derived once: cold starts
 * (a share of requests unless given) and response size (per instance unless given).
 */
import { DEFAULT_COLD_START_PERCENT, DEFAULT_RESPONSE_BYTES_PER_INSTANCE } from './assumptions';

/** A month of traffic, every figure resolved. */
export interface TrafficProfile {
  /** Requests a month. */
  readonly requestsPerMonth: number;
  /** Instances (rows) per request. */
  readonly meanInstancesPerRequest: number;
  /** Time one request runs on the platform, in milliseconds. */
  readonly meanDurationMs: number;
  /** Request body, in bytes. */
  readonly meanPayloadBytes: number;
  /** Response body, in bytes. */
  readonly meanResponseBytes: number;
  /** Cold starts a month. */
  readonly coldStartsPerMonth: number;
  /** How {@link coldStartsPerMonth} was obtained, for the output. */
  readonly coldStartsBasis: string;
  /** INIT phase of one cold start, in milliseconds. */
  readonly meanInitDurationMs: number;
  /** Share of requests data capture stores (percent); `undefined`: the template's sampling percentage. */
  readonly capturedPercent?: number;
  /** Log bytes per request; `undefined`: derived from the runtime's log lines. */
  readonly logBytesPerRequest?: number;
}

/** An environment's expected traffic as configured (the config's `traffic` block is one): what is unset is derived. */
export interface TrafficInputs {
  readonly requestsPerMonth: number;
  readonly meanInstancesPerRequest: number;
  readonly meanDurationMs: number;
  readonly meanPayloadBytes: number;
  /** @default - 100 bytes per instance */
  readonly meanResponseBytes?: number;
  /** @default - `coldStartPercent` of the requests */
  readonly coldStartsPerMonth?: number;
  /** @default DEFAULT_COLD_START_PERCENT */
  readonly coldStartPercent?: number;
  readonly meanInitDurationMs: number;
  /** @default - the template's sampling percentage */
  readonly capturedPercent?: number;
  /** @default - derived from the runtime's log lines */
  readonly logBytesPerRequest?: number;
}

/** No traffic at all: the stack's idle cost. */
export const NO_TRAFFIC: TrafficProfile = {
  requestsPerMonth: 0,
  meanInstancesPerRequest: 1,
  meanDurationMs: 0,
  meanPayloadBytes: 0,
  meanResponseBytes: 0,
  coldStartsPerMonth: 0,
  coldStartsBasis: 'no traffic',
  meanInitDurationMs: 0,
};

/** The profile an environment's validated `traffic` block describes. */
export function trafficProfile(config: TrafficInputs): TrafficProfile {
  const percent = config.coldStartPercent ?? DEFAULT_COLD_START_PERCENT;
  const coldStartsPerMonth = config.coldStartsPerMonth ?? Math.round((config.requestsPerMonth * percent) / 100);
  return {
    requestsPerMonth: config.requestsPerMonth,
    meanInstancesPerRequest: config.meanInstancesPerRequest,
    meanDurationMs: config.meanDurationMs,
    meanPayloadBytes: config.meanPayloadBytes,
    meanResponseBytes: config.meanResponseBytes ?? Math.round(config.meanInstancesPerRequest * DEFAULT_RESPONSE_BYTES_PER_INSTANCE),
    coldStartsPerMonth,
    coldStartsBasis: config.coldStartsPerMonth === undefined ? `derived: ${percent}% of requests` : 'configured',
    meanInitDurationMs: config.meanInitDurationMs,
    capturedPercent: config.capturedPercent,
    logBytesPerRequest: config.logBytesPerRequest,
  };
}

/** `profile` scaled to `share` of its requests (several endpoints in one stack split the traffic). */
export function shareOf(profile: TrafficProfile, share: number): TrafficProfile {
  if (share === 1) return profile;
  return { ...profile, requestsPerMonth: profile.requestsPerMonth * share, coldStartsPerMonth: profile.coldStartsPerMonth * share };
}

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** How long one DynamoDB call may take and how often the SDK retries it (see README: configuration). */
export interface DbTimeouts {
  /** Milliseconds to establish a TCP connection. */
  connectTimeoutMs: number;
  /** Milliseconds for one attempt, from sending the request to the end of the response. */
  requestTimeoutMs: number;
  /** Attempts per call, the first included (the SDK's standard retry: jittered exponential backoff, retry quota). */
  maxAttempts: number;
}

/**
 * Defaults for Lambda: DynamoDB answers in milliseconds, so a call that has not connected in 1 s or
 * answered in 2 s is a failing database. Worst case per call ≈ 3 × 2 s plus backoff, well inside the
 * GraphQL function's 10 s timeout, so the client gets SERVICE_UNAVAILABLE rather than a Lambda timeout.
 */
export const DEFAULT_DB_TIMEOUTS: DbTimeouts = { connectTimeoutMs: 1000, requestTimeoutMs: 2000, maxAttempts: 3 };

export interface DbConfig {
  tableName: string;
  /** Set for DynamoDB Local; absent on AWS. */
  endpoint?: string;
  region?: string;
  timeouts?: Partial<DbTimeouts>;
  /** Wraps the low-level client for X-Ray (the Powertools tracer on AWS). */
  traceClient?: <T>(client: T) => T;
}

/** Reads DbTimeouts from DYNAMODB_CONNECT_TIMEOUT_MS, DYNAMODB_REQUEST_TIMEOUT_MS and DYNAMODB_MAX_ATTEMPTS (defaults where unset). */
export function dbTimeoutsFromEnv(env: NodeJS.ProcessEnv = process.env): DbTimeouts {
  const positive = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) throw new Error(`environment variable ${name} must be a positive integer, got "${raw}"`);
    return value;
  };
  return {
    connectTimeoutMs: positive('DYNAMODB_CONNECT_TIMEOUT_MS', DEFAULT_DB_TIMEOUTS.connectTimeoutMs),
    requestTimeoutMs: positive('DYNAMODB_REQUEST_TIMEOUT_MS', DEFAULT_DB_TIMEOUTS.requestTimeoutMs),
    maxAttempts: positive('DYNAMODB_MAX_ATTEMPTS', DEFAULT_DB_TIMEOUTS.maxAttempts),
  };
}

/** The document client every repository uses (built once per cold start). */
export function createDocumentClient(config: DbConfig): DynamoDBDocumentClient {
  const local = config.endpoint !== undefined;
  const timeouts = { ...DEFAULT_DB_TIMEOUTS, ...config.timeouts };
  const client = new DynamoDBClient({
    region: config.region ?? process.env.AWS_REGION ?? 'ap-east-1',
    // Without timeouts a frozen database holds every request until the function times out.
    // throwOnRequestTimeout: the SDK only warns about an exceeded requestTimeout otherwise.
    requestHandler: { connectionTimeout: timeouts.connectTimeoutMs, requestTimeout: timeouts.requestTimeoutMs, throwOnRequestTimeout: true },
    maxAttempts: timeouts.maxAttempts,
    retryMode: 'standard',
    ...(local && {
      endpoint: config.endpoint,
      // DynamoDB Local accepts any credentials made of letters and digits.
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  });
  return DynamoDBDocumentClient.from(config.traceClient ? config.traceClient(client) : client, { marshallOptions: { removeUndefinedValues: true } });
}

/** Which server an error or a handle is about. */
export type ServiceName = 'clickhouse' | 'kafka';

export const SERVICE_NAMES: readonly ServiceName[] = ['clickhouse', 'kafka'];

/**
 * Every server the dev stack can run: the stack's services, plus Prometheus (a client of
 * what tests serve) and ElasticMQ (an SQS stand-in), which each test starts with its own settings.
 */
export type ServerName = ServiceName | 'prometheus' | 'elasticmq';

export type StackErrorCode =
  /** A required program or library is missing (python3, java, mvn, libchdb, prometheus). */
  | 'PREREQUISITE_MISSING'
  /** Resolving the Kafka jars from Maven Central, or installing Prometheus, failed. */
  | 'INSTALL_FAILED'
  /** An option or environment variable has a value that cannot be used. */
  | 'INVALID_OPTION'
  /** A requested port is already bound by another process. */
  | 'PORT_IN_USE'
  /** The server process exited before it became healthy. */
  | 'PROCESS_EXITED'
  /** The server did not become healthy within the start timeout. */
  | 'START_TIMEOUT'
  /** A one-off command (such as formatting Kafka storage) failed. */
  | 'COMMAND_FAILED';

export interface StackErrorDetails {
  service?: ServerName;
  logFile?: string;
  cause?: unknown;
}

/** Every failure of the dev stack: a code to branch on and a message a human can act on. */
export class StackError extends Error {
  override readonly name = 'StackError';
  readonly code: StackErrorCode;
  readonly service: ServerName | undefined;
  readonly logFile: string | undefined;

  constructor(code: StackErrorCode, message: string, details: StackErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.service = details.service;
    this.logFile = details.logFile;
  }
}

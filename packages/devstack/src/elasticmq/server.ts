import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ENV, envBoolean } from '../env.js';
import { StackError } from '../errors.js';
import { javaExecutable } from '../kafka/server.js';
import { stackLayout } from '../paths.js';
import { choosePort, LOOPBACK } from '../ports.js';
import { awaitStartup } from '../process/health.js';
import { ensureMavenJars, type MavenJars, type MavenProgram } from '../process/maven-jars.js';
import { type Lifetime, spawnServer, terminate } from '../process/server-process.js';

/** The ElasticMQ release the dev stack runs (org.elasticmq:elasticmq-server_2.13 on Maven Central). */
export const ELASTICMQ_VERSION = '1.7.1';

const ELASTICMQ: MavenProgram = {
  service: 'elasticmq',
  pomFolder: 'elasticmq',
  versionProperty: 'elasticmq.version',
  artifact: 'org.elasticmq:elasticmq-server_2.13',
  jarPrefix: 'elasticmq-server_2.13-',
};

export interface ElasticMqOptions {
  /** The server's folder; default a fresh folder under `<stack home>/tmp`, deleted on stop. */
  dir?: string;
  /** SQS endpoint port; default a free ephemeral port. */
  port?: number;
  lifetime?: Lifetime;
  startTimeoutMs?: number;
  cacheDir?: string;
  java?: string;
  mvn?: string;
  python?: string;
}

export interface ElasticMqServer {
  readonly service: 'elasticmq';
  readonly pid: number;
  /** The SQS endpoint, e.g. for `new SQSClient({ endpoint })`; any region and credentials work. */
  readonly url: string;
  readonly port: number;
  readonly logFile: string;
  readonly startupMs: number;
  stop(): Promise<void>;
}

const DEFAULT_START_TIMEOUT_MS = 60_000;

/**
 * ElasticMQ, a real SQS-compatible server (both the query and the JSON protocol of the AWS SDKs),
 * in memory, for tests of SQS producers and consumers. Jars come from Maven Central once, cached.
 */
export async function startElasticMq(options: ElasticMqOptions = {}): Promise<ElasticMqServer> {
  const layout = stackLayout();
  const jars = await elasticMqJars(options.cacheDir ?? layout.cacheDir, options.mvn);
  const owned = options.dir === undefined;
  // Named like a test run's folder (<pid>-<id>), so it is swept if this process dies without stopping it.
  const dir = resolve(
    options.dir ?? join(layout.tmpDir, `${process.pid}-${randomBytes(4).toString('hex')}`, 'elasticmq'),
  );
  const port = await choosePort('elasticmq', 'SQS', options.port);
  const url = `http://${LOOPBACK}:${port}`;
  const configFile = join(dir, 'elasticmq.conf');
  const logFile = join(dir, 'server.log');
  mkdirSync(dir, { recursive: true });
  writeFileSync(configFile, config(port));

  const server = await spawnServer(
    {
      service: 'elasticmq',
      launch: [
        'exec',
        '--',
        javaExecutable(options.java),
        '-Xmx256m',
        `-Dconfig.file=${configFile}`,
        '-cp',
        jars.classpath,
        'org.elasticmq.server.Main',
      ],
      logFile,
      lifetime: options.lifetime ?? 'attached',
      instance: dir,
      cwd: dir,
    },
    options.python,
  );
  const startupMs = await awaitStartup(server, {
    service: 'elasticmq',
    probe: () => probeElasticMq(url),
    logFile,
    startTimeoutMs: options.startTimeoutMs,
    defaultTimeoutMs: DEFAULT_START_TIMEOUT_MS,
    intervalMs: 200,
  });
  const stop = async () => {
    await terminate(server.pid);
    if (owned && !envBoolean(ENV.keepTestData)) rmSync(resolve(dir, '..'), { recursive: true, force: true });
  };
  return { service: 'elasticmq', pid: server.pid, url, port, logFile, startupMs, stop };
}

/** ElasticMQ's cached class path, resolved from Maven Central with `mvn` on first use. */
export function elasticMqJars(cacheDir: string, mvn?: string): Promise<MavenJars> {
  return ensureMavenJars(ELASTICMQ, {
    cacheDir,
    version: ELASTICMQ_VERSION,
    ...(mvn === undefined ? {} : { mvn }),
  });
}

/** Resolves when ElasticMQ answers an SQS ListQueues request. */
export async function probeElasticMq(url: string, timeoutMs = 2_000): Promise<void> {
  const response = await fetch(`${url}/?Action=ListQueues`, { signal: AbortSignal.timeout(timeoutMs) });
  const body = await response.text();
  if (!response.ok || !body.includes('ListQueuesResponse')) {
    throw new StackError(
      'COMMAND_FAILED',
      `ListQueues answered ${response.status} "${body.trim().slice(0, 200)}"`,
    );
  }
}

function config(port: number): string {
  return `include classpath("application.conf")

// In memory, on loopback only; queue URLs name this host and port so SDK clients can follow them.
node-address {
  protocol = http
  host = ${LOOPBACK}
  port = ${port}
  context-path = ""
}
rest-sqs {
  enabled = true
  bind-port = ${port}
  bind-hostname = "${LOOPBACK}"
  sqs-limits = strict
}
rest-stats {
  enabled = false
}
`;
}

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ENV, envInteger, envString, PORT_RANGE } from '../env.js';
import { StackError } from '../errors.js';
import { stackLayout } from '../paths.js';
import { choosePort, LOOPBACK } from '../ports.js';
import { awaitStartup } from '../process/health.js';
import { closeLog, openLog, tailLog } from '../process/log-file.js';
import { type Lifetime, spawnServer, terminate } from '../process/server-process.js';
import { LOG4J2_PROPERTIES, newClusterId, serverProperties } from './config.js';
import { ensureKafkaJars } from './jars.js';

export interface KafkaOptions {
  /** The broker's folder: log dirs in `data/`, generated config, output in `server.log`. */
  dir: string;
  /** Client (PLAINTEXT) port; default FIREFLY_STACK_KAFKA_PORT, else a free ephemeral port. */
  port?: number;
  /** KRaft controller port; default a free ephemeral port. */
  controllerPort?: number;
  lifetime?: Lifetime;
  startTimeoutMs?: number;
  /** Max JVM heap, e.g. "512m"; default FIREFLY_STACK_KAFKA_HEAP, else 512m. */
  heap?: string;
  /** Where the Kafka jars are cached; default `<stack home>/cache`. */
  cacheDir?: string;
  java?: string;
  mvn?: string;
  python?: string;
}

export interface KafkaServer {
  readonly service: 'kafka';
  readonly pid: number;
  /** Bootstrap servers for clients, e.g. kafkajs `brokers`. */
  readonly brokers: string[];
  readonly port: number;
  readonly controllerPort: number;
  readonly clusterId: string;
  readonly dataDir: string;
  readonly logFile: string;
  /** Milliseconds from spawn to the first successful health probe (excludes jar download). */
  readonly startupMs: number;
  stop(): Promise<void>;
}

const DEFAULT_HEAP = '512m';
const DEFAULT_START_TIMEOUT_MS = 90_000;

export function javaExecutable(explicit?: string): string {
  const javaHome = envString('JAVA_HOME');
  return explicit ?? envString(ENV.java) ?? (javaHome ? join(javaHome, 'bin', 'java') : 'java');
}

export async function startKafka(options: KafkaOptions): Promise<KafkaServer> {
  const dir = resolve(options.dir);
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  const java = javaExecutable(options.java);
  const heap = options.heap ?? envString(ENV.kafkaHeap) ?? DEFAULT_HEAP;
  if (!/^\d+[kmg]$/i.test(heap)) {
    throw new StackError('INVALID_OPTION', `kafka: heap must look like 512m or 1g, got "${heap}"`, {
      service: 'kafka',
    });
  }
  const jars = await ensureKafkaJars({
    cacheDir: options.cacheDir ?? stackLayout().cacheDir,
    ...(options.mvn === undefined ? {} : { mvn: options.mvn }),
  });
  const port = await choosePort('kafka', 'client', options.port ?? envInteger(ENV.kafkaPort, PORT_RANGE));
  const controllerPort = await choosePort('kafka', 'controller', options.controllerPort);

  mkdirSync(dataDir, { recursive: true });
  const propertiesFile = join(dir, 'server.properties');
  const log4jFile = join(dir, 'log4j2.properties');
  writeFileSync(propertiesFile, serverProperties({ host: LOOPBACK, port, controllerPort, logDir: dataDir }));
  writeFileSync(log4jFile, LOG4J2_PROPERTIES);
  const jvm = [
    `-Xms128m`,
    `-Xmx${heap}`,
    '-XX:+UseG1GC',
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true',
  ];
  const base = [...jvm, `-Dlog4j2.configurationFile=${log4jFile}`, '-cp', jars.classpath];

  const clusterId = await formatOnce({ java, base, dataDir, propertiesFile, logFile });
  const server = await spawnServer(
    {
      service: 'kafka',
      launch: ['exec', '--', java, ...base, 'kafka.Kafka', propertiesFile],
      logFile,
      lifetime: options.lifetime ?? 'attached',
      instance: dir,
      cwd: dir,
    },
    options.python,
  );
  const brokers = [`${LOOPBACK}:${port}`];
  const startupMs = await awaitStartup(server, {
    service: 'kafka',
    probe: () => probeKafka(brokers),
    logFile,
    startTimeoutMs: options.startTimeoutMs,
    defaultTimeoutMs: DEFAULT_START_TIMEOUT_MS,
    intervalMs: 200,
  });
  return {
    service: 'kafka',
    pid: server.pid,
    brokers,
    port,
    controllerPort,
    clusterId,
    dataDir,
    logFile,
    startupMs,
    stop: () => terminate(server.pid),
  };
}

interface FormatOptions {
  java: string;
  base: string[];
  dataDir: string;
  propertiesFile: string;
  logFile: string;
}

/** Formats KRaft storage (standalone controller) on first start; returns the cluster id. */
async function formatOnce(options: FormatOptions): Promise<string> {
  const meta = join(options.dataDir, 'meta.properties');
  if (existsSync(meta)) {
    const id = /^cluster\.id=(.+)$/m.exec(readFileSync(meta, 'utf8'))?.[1];
    if (id) return id.trim();
  }
  const clusterId = newClusterId();
  const args = [
    ...options.base,
    'kafka.tools.StorageTool',
    'format',
    '--standalone',
    '--cluster-id',
    clusterId,
    '--config',
    options.propertiesFile,
  ];
  const fd = openLog(options.logFile, `formatting KRaft storage: ${options.java} ${args.join(' ')}`);
  const outcome = await new Promise<{ code: number | null; error?: NodeJS.ErrnoException }>((done) => {
    const child = spawn(options.java, args, { stdio: ['ignore', fd, fd] });
    child.once('error', (error: NodeJS.ErrnoException) => done({ code: null, error }));
    child.once('exit', (code) => done({ code }));
  });
  closeLog(fd);
  if (outcome.error?.code === 'ENOENT') {
    throw new StackError(
      'PREREQUISITE_MISSING',
      `kafka: Java ("${options.java}") was not found; install JDK 17+ or set JAVA_HOME or ${ENV.java}`,
      { service: 'kafka', cause: outcome.error },
    );
  }
  if (outcome.code !== 0) {
    throw new StackError(
      'COMMAND_FAILED',
      `kafka: formatting KRaft storage in ${options.dataDir} failed (${outcome.error?.message ?? `exit code ${outcome.code}`}); ` +
        `log: ${options.logFile}\n${tailLog(options.logFile)}`,
      { service: 'kafka', logFile: options.logFile },
    );
  }
  return clusterId;
}

/** Resolves when the broker answers a metadata request and lists itself; rejects otherwise. */
export async function probeKafka(brokers: string[]): Promise<void> {
  const { Kafka, logLevel } = await import('kafkajs');
  const admin = new Kafka({
    clientId: 'firefly-stack-probe',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 2_000,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0) throw new Error('the broker reports no registered brokers yet');
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

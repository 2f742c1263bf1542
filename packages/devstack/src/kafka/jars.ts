import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENV, envString } from '../env.js';
import { StackError } from '../errors.js';
import { packageFile } from '../paths.js';
import { closeLog, openLog, tailLog } from '../process/log-file.js';

/** The Apache Kafka release the dev stack runs (org.apache.kafka:kafka_2.13 on Maven Central). */
export const KAFKA_VERSION = '4.4.0';

export interface KafkaJars {
  /** Folder holding every jar of the broker's runtime class path. */
  readonly dir: string;
  /** `-cp` argument for java. */
  readonly classpath: string;
  readonly version: string;
  /** False when the jars came from the cache without running Maven. */
  readonly downloaded: boolean;
}

export interface KafkaJarsOptions {
  cacheDir: string;
  version?: string;
  mvn?: string;
}

const MANIFEST = 'jars.txt';

/** The cached class path of Kafka `version`, resolved from Maven Central with `mvn` on first use. */
export async function ensureKafkaJars(options: KafkaJarsOptions): Promise<KafkaJars> {
  const version = options.version ?? KAFKA_VERSION;
  const dir = join(options.cacheDir, `kafka-${version}`);
  if (isComplete(dir)) return jars(dir, version, false);

  mkdirSync(options.cacheDir, { recursive: true });
  // Resolve into a private folder and rename it into place, so concurrent installers never see a
  // half-copied class path and a killed download is never mistaken for a complete one.
  const staging = `${dir}.staging-${process.pid}-${Date.now()}`;
  try {
    await runMaven(options, version, staging);
    const names = readdirSync(staging).filter((name) => name.endsWith('.jar'));
    if (!names.some((name) => name.startsWith(`kafka_2.13-${version}`))) {
      throw new StackError(
        'INSTALL_FAILED',
        `kafka: Maven finished but kafka_2.13-${version}.jar is missing`,
        {
          service: 'kafka',
        },
      );
    }
    writeFileSync(join(staging, MANIFEST), `${names.sort().join('\n')}\n`);
    if (!isComplete(dir)) {
      rmSync(dir, { recursive: true, force: true });
      renameSync(staging, dir);
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return jars(dir, version, true);
}

function jars(dir: string, version: string, downloaded: boolean): KafkaJars {
  return { dir, classpath: join(dir, '*'), version, downloaded };
}

function isComplete(dir: string): boolean {
  const manifest = join(dir, MANIFEST);
  if (!existsSync(manifest)) return false;
  const names = readFileSync(manifest, 'utf8').split('\n').filter(Boolean);
  return names.length > 0 && names.every((name) => existsSync(join(dir, name)));
}

function runMaven(options: KafkaJarsOptions, version: string, outputDir: string): Promise<void> {
  const mvn = options.mvn ?? envString(ENV.mvn) ?? 'mvn';
  const logFile = join(options.cacheDir, `mvn-kafka-${version}.log`);
  const args = [
    '--batch-mode',
    '--no-transfer-progress',
    '-f',
    packageFile('native', 'kafka', 'pom.xml'),
    `-Dkafka.version=${version}`,
    'dependency:copy-dependencies',
    '-DincludeScope=runtime',
    `-DoutputDirectory=${outputDir}`,
  ];
  const fd = openLog(logFile, `${mvn} ${args.join(' ')}`);
  return new Promise<void>((resolveRun, reject) => {
    const child = spawn(mvn, args, { stdio: ['ignore', fd, fd] });
    closeLog(fd);
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new StackError(
          error.code === 'ENOENT' ? 'PREREQUISITE_MISSING' : 'INSTALL_FAILED',
          error.code === 'ENOENT'
            ? `kafka: Maven ("${mvn}") was not found; install Maven 3.6+ or set ${ENV.mvn}`
            : `kafka: could not run Maven ("${mvn}"): ${error.message}`,
          { service: 'kafka', logFile, cause: error },
        ),
      );
    });
    child.once('exit', (code, signal) => {
      if (code === 0) return resolveRun();
      reject(
        new StackError(
          'INSTALL_FAILED',
          `kafka: resolving org.apache.kafka:kafka_2.13:${version} from Maven Central failed ` +
            `(mvn ${signal ?? `exit code ${code}`}); log: ${logFile}\n${tailLog(logFile)}`,
          { service: 'kafka', logFile },
        ),
      );
    });
  });
}

import { spawnSync } from 'node:child_process';
import { resolveLibchdb } from './clickhouse/library.js';
import { elasticMqJars } from './elasticmq/server.js';
import { ENV } from './env.js';
import { type ServerName, StackError } from './errors.js';
import { ensureKafkaJars, type KafkaJars } from './kafka/jars.js';
import { javaExecutable } from './kafka/server.js';
import { stackLayout } from './paths.js';
import { pythonExecutable } from './process/server-process.js';
import { ensurePrometheus, type PrometheusBinary } from './prometheus/binary.js';

export interface InstallReport {
  clickhouse?: { library: string; python: string };
  kafka?: { jars: KafkaJars; java: string };
  prometheus?: PrometheusBinary;
  elasticmq?: { jars: KafkaJars; java: string };
}

/**
 * Makes the requested servers startable offline: checks Python and libchdb for ClickHouse, Java
 * for Kafka, resolves the Kafka jars into the cache (a no-op once cached), and installs Debian's
 * Prometheus when it is missing and this process is root.
 */
export async function install(
  services: readonly ServerName[],
  options: { home?: string } = {},
): Promise<InstallReport> {
  const report: InstallReport = {};
  if (services.includes('clickhouse')) {
    const python = pythonExecutable();
    requireProgram(python, ['--version'], 'clickhouse', `install Python 3 or set ${ENV.python}`);
    report.clickhouse = { library: resolveLibchdb(), python };
  }
  if (services.includes('kafka')) {
    const java = javaExecutable();
    requireProgram(java, ['-version'], 'kafka', `install JDK 17+ or set JAVA_HOME or ${ENV.java}`);
    const jars = await ensureKafkaJars({ cacheDir: stackLayout(options.home).cacheDir });
    report.kafka = { jars, java };
  }
  if (services.includes('elasticmq')) {
    const java = javaExecutable();
    requireProgram(java, ['-version'], 'elasticmq', `install JDK 17+ or set JAVA_HOME or ${ENV.java}`);
    report.elasticmq = { jars: await elasticMqJars(stackLayout(options.home).cacheDir), java };
  }
  if (services.includes('prometheus')) {
    report.prometheus = await ensurePrometheus({ cacheDir: stackLayout(options.home).cacheDir });
  }
  return report;
}

function requireProgram(program: string, args: string[], service: ServerName, hint: string): void {
  const result = spawnSync(program, args, { stdio: 'ignore' });
  if (result.error || result.status !== 0) {
    const why = result.error ? result.error.message : `exit code ${result.status}`;
    throw new StackError('PREREQUISITE_MISSING', `${service}: "${program}" does not run (${why}); ${hint}`, {
      service,
    });
  }
}

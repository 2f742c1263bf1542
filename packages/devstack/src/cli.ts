import { parseArgs } from 'node:util';
import { ENV, PORT_RANGE, parseInteger, TIMEOUT_RANGE } from './env.js';
import { SERVICE_NAMES, type ServerName, type ServiceName, StackError } from './errors.js';
import { install } from './install.js';
import { isRunning } from './process/procfs.js';
import { down, type ServiceStatus, status, up } from './stack.js';

const USAGE = `Usage: firefly-stack <command> [clickhouse|kafka|all] [options]

Real ClickHouse and Apache Kafka for development and tests, without Docker.

Commands:
  up [service]       start the servers (default: all) and print their endpoints
  down [service]     stop the servers (default: all, plus strays of aborted test runs)
  status             health, endpoint, pid and memory of each server
  install [service]  check prerequisites and fetch the Kafka jars into the cache;
                     \`install prometheus\` installs Debian's prometheus (as root) for tests;
                     \`install elasticmq\` fetches ElasticMQ (an SQS stand-in) for tests

Options:
  --home DIR             stack folder (default <project>/.firefly; ${ENV.home})
  --clickhouse-port N    ClickHouse HTTP port (default a free port; ${ENV.clickhousePort})
  --kafka-port N         Kafka client port (default a free port; ${ENV.kafkaPort})
  --timeout MS           start timeout per server (${ENV.startTimeoutMs})
  --foreground           up: stay in the foreground and stop the servers on Ctrl-C
  --purge                down: also delete the servers' data
  --json                 print JSON instead of a table
  -h, --help             show this help
`;

interface Flags {
  home?: string;
  clickhousePort?: number;
  kafkaPort?: number;
  timeout?: number;
  foreground: boolean;
  purge: boolean;
  json: boolean;
}

type Print = (line: string) => void;

export async function main(argv: string[], print: Print = console.log): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      home: { type: 'string' },
      'clickhouse-port': { type: 'string' },
      'kafka-port': { type: 'string' },
      timeout: { type: 'string' },
      foreground: { type: 'boolean', default: false },
      purge: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, target, ...extra] = positionals;
  if (values.help || command === undefined) {
    print(USAGE);
    return values.help ? 0 : 2;
  }
  if (extra.length > 0) throw usageError(`unexpected argument "${extra[0]}"`);
  const flags: Flags = {
    foreground: values.foreground,
    purge: values.purge,
    json: values.json,
    ...(values.home === undefined ? {} : { home: values.home }),
    ...optionalInt('clickhousePort', values['clickhouse-port'], '--clickhouse-port', PORT_RANGE),
    ...optionalInt('kafkaPort', values['kafka-port'], '--kafka-port', PORT_RANGE),
    ...optionalInt('timeout', values.timeout, '--timeout', TIMEOUT_RANGE),
  };
  switch (command) {
    case 'up':
      return runUp(parseServices(target), flags, print);
    case 'down':
      return runDown(target === undefined ? undefined : parseServices(target), flags, print);
    case 'status':
      if (target !== undefined) throw usageError(`status takes no service, got "${target}"`);
      return runStatus(flags, print);
    case 'install':
      return runInstall(
        target === 'prometheus' || target === 'elasticmq' ? [target] : parseServices(target),
        flags,
        print,
      );
    default:
      throw usageError(`unknown command "${command}"`);
  }
}

async function runUp(services: ServiceName[], flags: Flags, print: Print): Promise<number> {
  const lifetime = flags.foreground ? 'attached' : 'detached';
  const ready = await up({
    services,
    lifetime,
    ...(flags.home === undefined ? {} : { home: flags.home }),
    ...(flags.clickhousePort === undefined ? {} : { clickhousePort: flags.clickhousePort }),
    ...(flags.kafkaPort === undefined ? {} : { kafkaPort: flags.kafkaPort }),
    ...(flags.timeout === undefined ? {} : { startTimeoutMs: flags.timeout }),
    onReady: flags.json ? undefined : (s) => print(formatRow(s, true)),
  });
  if (flags.json) print(JSON.stringify(ready, null, 2));
  if (!flags.foreground) return 0;

  print('Servers run until Ctrl-C (or SIGTERM), then stop.');
  const reason = await untilSignalOrExit(ready);
  print(`${reason}: stopping ${services.join(', ')}`);
  await down({ services, ...(flags.home === undefined ? {} : { home: flags.home }) });
  return reason.startsWith('SIG') ? 0 : 1;
}

/** Waits for SIGINT/SIGTERM, or for one of the servers to die on its own (the reason says which). */
function untilSignalOrExit(servers: ServiceStatus[]): Promise<string> {
  return new Promise((resolveReason) => {
    const finish = (reason: string) => {
      clearInterval(watch);
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      resolveReason(reason);
    };
    const onSignal = (signal: NodeJS.Signals) => finish(signal);
    // The interval also keeps this process alive: the servers' handles are unref'd.
    const watch = setInterval(() => {
      const dead = servers.find((s) => s.pid !== undefined && !isRunning(s.pid));
      if (dead) finish(`${dead.service} (pid ${dead.pid}) exited unexpectedly; see ${dead.logFile}`);
    }, 1_000);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
}

async function runDown(services: ServiceName[] | undefined, flags: Flags, print: Print): Promise<number> {
  const stopped = await down({
    purge: flags.purge,
    ...(services === undefined ? {} : { services }),
    ...(flags.home === undefined ? {} : { home: flags.home }),
  });
  if (flags.json) print(JSON.stringify({ stopped }));
  else print(stopped.length > 0 ? `stopped ${stopped.join(', ')}` : 'nothing was running');
  return 0;
}

async function runStatus(flags: Flags, print: Print): Promise<number> {
  const services = await status(flags.home === undefined ? {} : { home: flags.home });
  if (flags.json) print(JSON.stringify(services, null, 2));
  else for (const s of services) print(formatRow(s));
  return services.some((s) => s.state === 'unhealthy') ? 1 : 0;
}

async function runInstall(services: ServerName[], flags: Flags, print: Print): Promise<number> {
  const report = await install(services, flags.home === undefined ? {} : { home: flags.home });
  if (flags.json) {
    print(JSON.stringify(report, null, 2));
    return 0;
  }
  if (report.clickhouse) print(`clickhouse  ${report.clickhouse.library} (via ${report.clickhouse.python})`);
  if (report.kafka) {
    const how = report.kafka.jars.downloaded ? 'downloaded' : 'cached';
    print(
      `kafka       ${report.kafka.jars.version}, jars ${how} in ${report.kafka.jars.dir} (java: ${report.kafka.java})`,
    );
  }
  if (report.elasticmq) {
    const how = report.elasticmq.jars.downloaded ? 'downloaded' : 'cached';
    print(`elasticmq   ${report.elasticmq.jars.version}, jars ${how} in ${report.elasticmq.jars.dir}`);
  }
  if (report.prometheus) {
    const how = report.prometheus.installed ? 'installed with apt-get' : 'found';
    print(`prometheus  ${report.prometheus.version} (${report.prometheus.path}, ${how})`);
  }
  return 0;
}

export function formatRow(s: ServiceStatus, withHint = false): string {
  const cells = [s.service.padEnd(10), s.state.padEnd(9), (s.endpoint ?? '-').padEnd(26)];
  if (s.pid !== undefined) cells.push(`pid ${s.pid}`);
  if (s.rssBytes !== undefined) cells.push(`rss ${Math.round(s.rssBytes / 2 ** 20)} MiB`);
  if (s.reused) cells.push('(already running)');
  else if (s.startupMs !== undefined) cells.push(`started in ${s.startupMs} ms`);
  if (s.problem) cells.push(`problem: ${s.problem}`);
  if (s.state !== 'healthy') cells.push(`log ${s.logFile}`);
  const row = cells.join('  ');
  return withHint && s.state === 'healthy' ? `${row}\n${hint(s)}` : row;
}

function hint(s: ServiceStatus): string {
  if (s.service === 'clickhouse') {
    const query = `${s.endpoint}/?query=${encodeURIComponent('SELECT version()')}`;
    return `            try: curl '${query}'   or open ${s.endpoint}/play`;
  }
  return `            bootstrap servers: ${s.endpoint} (e.g. kafkajs: new Kafka({ brokers: ['${s.endpoint}'] }))`;
}

function parseServices(target: string | undefined): ServiceName[] {
  if (target === undefined || target === 'all') return [...SERVICE_NAMES];
  if ((SERVICE_NAMES as readonly string[]).includes(target)) return [target as ServiceName];
  throw usageError(`unknown service "${target}"; expected clickhouse, kafka or all`);
}

function optionalInt<K extends string>(
  key: K,
  raw: string | undefined,
  flag: string,
  range: { min: number; max: number },
): Partial<Record<K, number>> {
  return raw === undefined ? {} : ({ [key]: parseInteger(raw, range, flag) } as Record<K, number>);
}

function usageError(message: string): StackError {
  return new StackError('INVALID_OPTION', `${message}\n\n${USAGE}`);
}

/** Runs the CLI and turns errors into a message and an exit code instead of a stack trace. */
export async function run(argv: string[]): Promise<void> {
  try {
    process.exitCode = await main(argv);
  } catch (error) {
    const known =
      error instanceof StackError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    console.error(`firefly-stack: ${known ? (error as Error).message : (error as Error).stack}`);
    process.exitCode = (error as StackError).code === 'INVALID_OPTION' ? 2 : 1;
  }
}

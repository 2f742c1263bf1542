import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { OtlpReceiver } from './otlp-receiver.js';
import { type InvokeOptions, type InvokeResult, RuntimeApi } from './runtime-api.js';
import { Timeline } from './timeline.js';

const RUNTIME_CLIENT = fileURLToPath(new URL('./runtime-client.mjs', import.meta.url));
/** The layer's preload as the package builds it (dist/), for tests that do not bundle the layer. */
export const DIST_LOADER = fileURLToPath(new URL('../dist/layer/loader.js', import.meta.url));
export const FUNCTIONS = fileURLToPath(new URL('../src/testdata/functions/', import.meta.url));

export interface LambdaOptions {
  /** `_HANDLER`, e.g. `index.handler`. */
  handler: string;
  /** `LAMBDA_TASK_ROOT` and the working directory. */
  taskRoot: string;
  /**
   * How the instrumentation gets in: `wrap` (the function calls wrap() itself), `preload`
   * (NODE_OPTIONS=--import of the package's loader), or an exec wrapper script
   * (`AWS_LAMBDA_EXEC_WRAPPER`, e.g. the built layer's).
   */
  via: 'wrap' | 'preload' | { execWrapper: string };
  env?: Record<string, string>;
  /** Stop the process (SIGSTOP) while the environment is frozen, as Lambda does. Default true. */
  freeze?: boolean;
  /** Reuse an OTLP endpoint instead of starting one. */
  otlp?: OtlpReceiver;
  registrationDelayMs?: number;
  /** Extensions that run as their own processes (they may register for SHUTDOWN). */
  externalExtensions?: string[];
  /** Runs once the Runtime API listens, before the runtime starts (external extensions register here). */
  beforeRuntime?: (runtimeApi: string) => Promise<void>;
}

/**
 * One Lambda execution environment on this machine: the Runtime and Extensions API stand-in, an
 * OTLP endpoint, and the runtime process (the runtime client in a child process, started the way
 * Lambda starts it, through the exec wrapper when there is one).
 */
export class LambdaEnvironment {
  readonly timeline: Timeline;
  readonly runtime: RuntimeApi;
  readonly otlp: OtlpReceiver;
  readonly process: ChildProcess;
  /** performance.now() just before the runtime process was spawned. */
  spawnedAt = 0;
  private output = '';
  private readonly exited: Promise<number | null>;
  private readonly ownsOtlp: boolean;

  private constructor(
    timeline: Timeline,
    runtime: RuntimeApi,
    otlp: OtlpReceiver,
    child: ChildProcess,
    ownsOtlp: boolean,
  ) {
    this.timeline = timeline;
    this.runtime = runtime;
    this.otlp = otlp;
    this.process = child;
    this.ownsOtlp = ownsOtlp;
    child.stdout?.on('data', (chunk: Buffer) => {
      this.output += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      this.output += chunk.toString();
    });
    this.exited = new Promise((resolve) =>
      child.on('exit', (code, signal) => {
        runtime.processExited(`the runtime process exited (${signal ?? code})\n${this.output}`);
        resolve(code);
      }),
    );
  }

  static async start(options: LambdaOptions): Promise<LambdaEnvironment> {
    const timeline = new Timeline();
    const otlp = options.otlp ?? (await OtlpReceiver.start(timeline));
    let child: ChildProcess | undefined;
    const freeze = options.freeze ?? true;
    const runtime = await RuntimeApi.start({
      timeline,
      handler: options.handler,
      registrationDelayMs: options.registrationDelayMs,
      freeze: () => freeze && child?.kill('SIGSTOP'),
      thaw: () => freeze && child?.kill('SIGCONT'),
      onTimeout: () => child?.kill('SIGKILL'),
      externalExtensions: options.externalExtensions,
      // Lambda stops the runtime with SIGTERM, and SIGKILL when it is still there after its share of the phase.
      onShutdown: () => {
        child?.kill('SIGCONT');
        child?.kill('SIGTERM');
        setTimeout(() => child?.kill('SIGKILL'), 500).unref();
      },
    });
    await options.beforeRuntime?.(runtime.address);
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      LANG: 'en_US.UTF-8',
      TZ: ':UTC',
      AWS_LAMBDA_RUNTIME_API: runtime.address,
      _HANDLER: options.handler,
      LAMBDA_TASK_ROOT: options.taskRoot,
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x',
      AWS_LAMBDA_FUNCTION_NAME: 'test-function',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/test-function',
      AWS_LAMBDA_LOG_STREAM_NAME: '2025/11/25/[$LATEST]0123456789abcdef',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_REGION: 'eu-west-1',
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      ...(options.via === 'preload' ? { NODE_OPTIONS: `--import ${DIST_LOADER}` } : {}),
      ...options.env,
    };
    const [command, args] =
      typeof options.via === 'object'
        ? [options.via.execWrapper, [process.execPath, RUNTIME_CLIENT]]
        : [process.execPath, [RUNTIME_CLIENT]];
    const spawnedAt = performance.now();
    child = spawn(command, args, { cwd: options.taskRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const environment = new LambdaEnvironment(timeline, runtime, otlp, child, options.otlp === undefined);
    environment.spawnedAt = spawnedAt;
    return environment;
  }

  invoke(event: unknown, options?: InvokeOptions): Promise<InvokeResult> {
    return this.runtime.invoke(event, options);
  }

  /** Everything the runtime process wrote to stdout and stderr. */
  get logs(): string {
    return this.output;
  }

  async stop(): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) {
      this.process.kill('SIGCONT');
      this.process.kill('SIGKILL');
    }
    await this.exited;
    await this.runtime.close();
    if (this.ownsOtlp) await this.otlp.close();
  }

  /** The process's exit code, once it exited. */
  exitCode(): Promise<number | null> {
    return this.exited;
  }
}

/** The JSON body of a buffered response. */
export function responseJson(result: InvokeResult): unknown {
  if (result.kind !== 'response') throw new Error(`expected a response, got ${JSON.stringify(result)}`);
  return JSON.parse(result.body.toString());
}

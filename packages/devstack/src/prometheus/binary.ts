import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ENV, envString } from '../env.js';
import { StackError } from '../errors.js';
import { closeLog, openLog, tailLog } from '../process/log-file.js';

/** Debian's package, the Prometheus our tests are written against (2.42 on bookworm). */
export const PROMETHEUS_PACKAGE = 'prometheus';

export interface PrometheusBinary {
  readonly path: string;
  /** e.g. "2.42.0+ds". */
  readonly version: string;
  /** True when this call installed it. */
  readonly installed: boolean;
}

export interface PrometheusBinaryOptions {
  /** Program to run; default FIREFLY_STACK_PROMETHEUS, else `prometheus` on the PATH. */
  binary?: string;
  /** Where the apt-get log goes when Prometheus has to be installed. */
  cacheDir: string;
}

/**
 * The Prometheus binary, installed from Debian's package with apt-get when it is missing and this
 * process may do so (root on a Debian-like system); otherwise an error that says what to install.
 */
export async function ensurePrometheus(options: PrometheusBinaryOptions): Promise<PrometheusBinary> {
  const path = options.binary ?? envString(ENV.prometheus) ?? 'prometheus';
  const found = versionOf(path);
  if (found !== undefined) return { path, version: found, installed: false };
  if (options.binary !== undefined || envString(ENV.prometheus) !== undefined || !canUseApt()) {
    throw new StackError(
      'PREREQUISITE_MISSING',
      `prometheus: "${path}" does not run; install it (Debian/Ubuntu: sudo apt-get install ${PROMETHEUS_PACKAGE}) or set ${ENV.prometheus}`,
      { service: 'prometheus' },
    );
  }
  const logFile = join(options.cacheDir, 'prometheus-apt.log');
  await aptInstall(logFile);
  const version = versionOf(path);
  if (version === undefined) {
    throw new StackError(
      'INSTALL_FAILED',
      `prometheus: apt-get installed ${PROMETHEUS_PACKAGE} but "${path}" still does not run; log: ${logFile}`,
      {
        service: 'prometheus',
        logFile,
      },
    );
  }
  return { path, version, installed: true };
}

/** "prometheus, version 2.42.0+ds (branch: …)" → "2.42.0+ds". */
function versionOf(path: string): string | undefined {
  const result = spawnSync(path, ['--version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) return undefined;
  return /version (\S+)/.exec(`${result.stdout}${result.stderr}`)?.[1] ?? 'unknown';
}

function canUseApt(): boolean {
  return process.getuid?.() === 0 && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
}

async function aptInstall(logFile: string): Promise<void> {
  const install = ['install', '-y', '--no-install-recommends', PROMETHEUS_PACKAGE];
  // A fresh machine may have empty package lists; refresh them once and retry.
  if ((await apt(install, logFile)) === 0) return;
  if ((await apt(['update'], logFile)) === 0 && (await apt(install, logFile)) === 0) return;
  throw new StackError(
    'INSTALL_FAILED',
    `prometheus: apt-get could not install ${PROMETHEUS_PACKAGE}; log: ${logFile}\n${tailLog(logFile)}`,
    { service: 'prometheus', logFile },
  );
}

async function apt(args: string[], logFile: string): Promise<number | null> {
  const fd = openLog(logFile, `apt-get ${args.join(' ')}`);
  try {
    return await new Promise<number | null>((resolveExit) => {
      const child = spawn('apt-get', args, {
        stdio: ['ignore', fd, fd],
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
      child.once('error', () => resolveExit(null));
      child.once('exit', (code) => resolveExit(code));
    });
  } finally {
    closeLog(fd);
  }
}

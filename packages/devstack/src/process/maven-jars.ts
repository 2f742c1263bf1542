import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENV, envString } from '../env.js';
import { type ServerName, StackError } from '../errors.js';
import { packageFile } from '../paths.js';
import { closeLog, openLog, tailLog } from './log-file.js';

/** A Java program the dev stack runs from Maven Central jars, and how to resolve it. */
export interface MavenProgram {
  service: ServerName;
  /** Folder under native/ holding its pom.xml. */
  pomFolder: string;
  /** The pom property that selects the version, e.g. `kafka.version`. */
  versionProperty: string;
  /** groupId:artifactId, for messages. */
  artifact: string;
  /** The main jar's file name starts with this followed by the version, e.g. `kafka_2.13-`. */
  jarPrefix: string;
}

export interface MavenJars {
  /** Folder holding every jar of the broker's runtime class path. */
  readonly dir: string;
  /** `-cp` argument for java. */
  readonly classpath: string;
  readonly version: string;
  /** False when the jars came from the cache without running Maven. */
  readonly downloaded: boolean;
}

export interface MavenJarsOptions {
  cacheDir: string;
  version: string;
  mvn?: string;
}

const MANIFEST = 'jars.txt';

/** The cached class path of `program` at `version`, resolved from Maven Central with `mvn` on first use. */
export async function ensureMavenJars(program: MavenProgram, options: MavenJarsOptions): Promise<MavenJars> {
  const { version } = options;
  const dir = join(options.cacheDir, `${program.service}-${version}`);
  if (isComplete(dir)) return jars(dir, version, false);

  mkdirSync(options.cacheDir, { recursive: true });
  // Resolve into a private folder and rename it into place, so concurrent installers never see a
  // half-copied class path and a killed download is never mistaken for a complete one.
  const staging = `${dir}.staging-${process.pid}-${Date.now()}`;
  try {
    await runMaven(program, options, staging);
    const names = readdirSync(staging).filter((name) => name.endsWith('.jar'));
    if (!names.some((name) => name.startsWith(`${program.jarPrefix}${version}`))) {
      throw new StackError(
        'INSTALL_FAILED',
        `${program.service}: Maven finished but ${program.jarPrefix}${version}.jar is missing`,
        { service: program.service },
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

function jars(dir: string, version: string, downloaded: boolean): MavenJars {
  return { dir, classpath: join(dir, '*'), version, downloaded };
}

function isComplete(dir: string): boolean {
  const manifest = join(dir, MANIFEST);
  if (!existsSync(manifest)) return false;
  const names = readFileSync(manifest, 'utf8').split('\n').filter(Boolean);
  return names.length > 0 && names.every((name) => existsSync(join(dir, name)));
}

function runMaven(program: MavenProgram, options: MavenJarsOptions, outputDir: string): Promise<void> {
  const { version } = options;
  const mvn = options.mvn ?? envString(ENV.mvn) ?? 'mvn';
  const logFile = join(options.cacheDir, `mvn-${program.service}-${version}.log`);
  const args = [
    '--batch-mode',
    '--no-transfer-progress',
    '-f',
    packageFile('native', program.pomFolder, 'pom.xml'),
    `-D${program.versionProperty}=${version}`,
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
            ? `${program.service}: Maven ("${mvn}") was not found; install Maven 3.6+ or set ${ENV.mvn}`
            : `${program.service}: could not run Maven ("${mvn}"): ${error.message}`,
          { service: program.service, logFile, cause: error },
        ),
      );
    });
    child.once('exit', (code, signal) => {
      if (code === 0) return resolveRun();
      reject(
        new StackError(
          'INSTALL_FAILED',
          `${program.service}: resolving ${program.artifact}:${version} from Maven Central failed ` +
            `(mvn ${signal ?? `exit code ${code}`}); log: ${logFile}\n${tailLog(logFile)}`,
          { service: program.service, logFile },
        ),
      );
    });
  });
}

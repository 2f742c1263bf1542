import { readdirSync, readFileSync } from 'node:fs';

// Linux /proc readers. The dev stack tracks its servers by pid (state file) and, as a safety net,
// by a marker in their environment, so `down` can find servers even if the state file is lost.

export const INSTANCE_ENV = 'FIREFLY_STACK_INSTANCE';
export const SERVICE_ENV = 'FIREFLY_STACK_SERVICE';

/** State and process group from /proc/<pid>/stat; undefined if the process is gone. */
function readStat(pid: number): { state: string; pgrp: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses; the fields after its last ')' are fixed:
    // state, ppid, pgrp, ...
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', pgrp: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

function alive(state: string): boolean {
  return state !== 'Z' && state !== 'X';
}

/** True while `pid` exists and is not a zombie. */
export function isRunning(pid: number): boolean {
  const stat = readStat(pid);
  return stat !== undefined && alive(stat.state);
}

/**
 * Whether any running (non-zombie) process belongs to process group `pgid`, its leader included.
 * A group outlives its leader while anything it forked still runs, and the kernel reuses no pid
 * that still names a group, so this never counts an unrelated process. Stops at the first member
 * found: it is polled while a stop waits. Zombies do not count, so one re-parented to a PID 1
 * that never reaps it does not keep the group running forever (`kill(-pgid, 0)` would).
 */
export function anyProcessInGroup(pgid: number): boolean {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat !== undefined && stat.pgrp === pgid && alive(stat.state)) return true;
  }
  return false;
}

/** Resident set size in bytes, or undefined if the process is gone. */
export function residentBytes(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

export interface MarkedProcess {
  pid: number;
  instance: string;
  service: string;
}

/** The FIREFLY_STACK_INSTANCE of a running process; undefined if it is gone or not ours. */
export function instanceOf(pid: number): string | undefined {
  return isRunning(pid) ? readEnviron(pid)?.get(INSTANCE_ENV) : undefined;
}

/** Running processes whose FIREFLY_STACK_INSTANCE lies at or under `prefix`. */
export function findMarkedProcesses(prefix: string): MarkedProcess[] {
  const found: MarkedProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const env = readEnviron(pid);
    const instance = env?.get(INSTANCE_ENV);
    if (instance === undefined || !isUnder(instance, prefix) || !isRunning(pid)) continue;
    found.push({ pid, instance, service: env?.get(SERVICE_ENV) ?? 'unknown' });
  }
  return found;
}

function readEnviron(pid: number): Map<string, string> | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/environ`, 'utf8');
    const env = new Map<string, string>();
    for (const pair of raw.split('\0')) {
      const eq = pair.indexOf('=');
      if (eq > 0) env.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return env;
  } catch {
    return undefined; // another user's process, or it just exited
  }
}

function isUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
}

import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { anyProcessInGroup } from './procfs.js';

describe('anyProcessInGroup', () => {
  it('sees a group whose leader exited while a member still runs, and not once it is gone', async () => {
    // The leader forks a member that outlives it, then exits.
    const leader = spawn('/bin/sh', ['-c', 'sleep 0.6 & exit 0'], { detached: true, stdio: 'ignore' });
    const pgid = leader.pid as number;
    await new Promise((done) => leader.once('exit', done));
    expect(anyProcessInGroup(pgid)).toBe(true);
    const deadline = Date.now() + 5_000;
    while (anyProcessInGroup(pgid) && Date.now() < deadline) {
      await new Promise((done) => setTimeout(done, 25));
    }
    expect(anyProcessInGroup(pgid)).toBe(false);
  });
});

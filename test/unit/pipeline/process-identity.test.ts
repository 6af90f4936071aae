import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import { bootId, processAlive, processIdentity, startTimeOf } from '../../../src/core/process-identity';

describe('process identity: a reused PID is not the process a record names', function () {
  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill('SIGKILL');
    child = undefined;
  });

  const platformKnowsStartTimes = process.platform === 'linux' || process.platform === 'darwin';

  it('this process: its PID, host, boot and start time, alive', function () {
    if (!platformKnowsStartTimes) this.skip();
    const me = processIdentity();
    assert.equal(me.pid, process.pid);
    assert.equal(me.host, hostname());
    assert.ok(me.startTime && me.bootId);
    assert.equal(processAlive(me), true);
  });

  it('a live PID with another start time (the PID was reused) is not alive; one with another boot neither', function () {
    if (!platformKnowsStartTimes) this.skip();
    child = spawn('sleep', ['30'], { stdio: 'ignore' });
    const real = processIdentity(child.pid!);
    assert.equal(real.startTime, startTimeOf(child.pid!));
    assert.equal(processAlive(real), true);
    assert.equal(processAlive({ ...real, startTime: String(Number(real.startTime) - 1 || 'earlier') }), false);
    assert.equal(processAlive({ ...real, bootId: '00000000-0000-0000-0000-000000000000' }), false);
    // Older records (no start time, no boot): the PID alone decides, as before.
    assert.equal(processAlive({ pid: child.pid!, host: hostname() }), true);
    // Another host's process cannot be checked: it counts as alive.
    assert.equal(processAlive({ pid: child.pid!, host: `not-${hostname()}`, startTime: 'x' }), true);
    assert.equal(bootId(), real.bootId);
  });

  it('a PID that no process has is not alive, whatever else the record says', async () => {
    child = spawn('true', { stdio: 'ignore' });
    const pid = child.pid!;
    await new Promise((resolve) => child!.on('exit', resolve));
    assert.equal(processAlive({ pid, host: hostname() }), false);
    assert.equal(startTimeOf(pid), undefined);
  });
});

import { type ChildProcess, spawn } from 'node:child_process';
import type { Socket } from 'node:net';

/*
 * Runs in its own small Node process, given the JVM's pid. Its stdin is a pipe from Herald:
 * when Herald dies in any way, even SIGKILL, which no exit handler sees, the kernel closes the
 * pipe and the watchdog kills the JVM. It ignores Ctrl-C (Herald's own shutdown stops the JVM)
 * and leaves on its own once the JVM is gone, so a recycled pid is never killed by mistake.
 */
const watchdogScript = `
const jvm = Number(process.argv[1]);
const alive = () => { try { process.kill(jvm, 0); return true; } catch { return false; } };
const killJvm = () => { if (alive()) process.kill(jvm, 'SIGKILL'); process.exit(0); };
process.stdin.on('end', killJvm).on('error', killJvm).resume();
process.on('SIGINT', () => {});
setInterval(() => { if (!alive()) process.exit(0); }, 500);
`;

/**
 * Guards a JVM against outliving this process. `release()` ends the watch without touching the
 * JVM: call it once the JVM has been stopped the ordinary way.
 */
export const watchJvm = (jvm: ChildProcess): { release(): void } => {
  if (jvm.pid === undefined) return { release: () => undefined };
  const watchdog = spawn(process.execPath, ['-e', watchdogScript, String(jvm.pid)], {
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  watchdog.once('error', () => undefined);
  // The watch must never keep Herald alive on its own.
  watchdog.unref();
  (watchdog.stdin as Socket | null)?.unref();
  return {
    release: () => {
      if (watchdog.exitCode === null && watchdog.signalCode === null) watchdog.kill('SIGKILL');
    },
  };
};

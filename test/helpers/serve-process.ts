import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** The built CLI (npm test builds first). */
export const CLI = path.resolve('dist/src/cli/index.js');

export interface ServeProcess {
  /** The process, at once: the caller stops it, whether it started or not. */
  readonly child: ChildProcess;
  /** What it printed until `ready` showed: its JSON log lines (stdout) and its banner (stderr). */
  readonly started: Promise<{ stdout: string; stderr: string }>;
}

/**
 * `corpusgate serve` as a child process; `started` resolves once `ready` matches what it printed
 * on stderr, where its banner goes (by default the curl line: it listens then), and rejects when it
 * exits first or after `timeoutMs`.
 */
export function spawnServe(env: NodeJS.ProcessEnv, cwd: string, ready = /^echo .*curl .*$/m, timeoutMs = 15_000): ServeProcess {
  const child = spawn(process.execPath, [CLI, 'serve'], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const streams = { stdout: '', stderr: '' };
  const started = new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${streams.stderr}`)), timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => (streams.stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => {
      streams.stderr += chunk.toString();
      if (ready.test(streams.stderr)) {
        clearTimeout(timer);
        resolve(streams);
      }
    });
    child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`serve exited with ${code}:\n${streams.stderr}`))));
  });
  return { child, started };
}

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Data } from './testApp.js';

export interface Runner {
  url: string;
  process: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const ROOT = new URL('../../', import.meta.url).pathname;

/** The command `npm start` runs: the launcher that bundles infra/local/start.ts and runs it (package.json). */
export const START = 'infra/local/launch.js';
/** Runs a TypeScript entry bundled, as START runs the runner: `node infra/local/bundled.js <entry.ts> [args…]`. */
export const BUNDLED = 'infra/local/bundled.js';

/** Runs an entry point of the repo as its npm script does: TypeScript with tsx (`npm run token`), JavaScript with node (`npm start`). */
export function runScript(script: string, args: string[], env: NodeJS.ProcessEnv = {}, nodeArgs: string[] = []): ChildProcess {
  const entry = script.endsWith('.ts') ? ['--import', 'tsx', script] : [script];
  return spawn(process.execPath, [...nodeArgs, ...entry, ...args], {
    cwd: ROOT,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** A fresh key file per test run, shared by the runner and the token script. */
export const tempKeysFile = () => join(mkdtempSync(join(tmpdir(), 'kezhi-keys-')), 'dev-keys.json');

/** Starts the local runner on a free port and waits for its "ready" line. */
export function startRunner(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Runner> {
  const child = runScript(START, args, { PORT: '0', ...env });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`runner not ready in 180 s:\n${out}`)), 180_000);
    const onData = () => {
      const match = /Kezhi API ready at (http:\/\/\S+)/.exec(out);
      if (!match?.[1]) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      resolve({
        url: match[1],
        process: child,
        output: () => out,
        stop: (signal = 'SIGTERM') => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          return exited;
        },
      });
    };
    child.stdout?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`runner exited with ${code} before it was ready:\n${out}`));
    });
  });
}

/** Runs a script to completion and returns its exit code and output. */
export function runToEnd(script: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = runScript(script, args, env);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

/** POSTs a GraphQL request with fetch, as any HTTP client would. */
export async function post(url: string, query: string, variables: Record<string, unknown> = {}, token?: string) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: res.status,
    body: (await res.json()) as { data?: Data; errors?: Array<{ message: string; extensions: { code: string; field?: string } }> },
  };
}

// Runs the real `ktool` binary (bin/run.js over dist/) as a user would. NODE_ENV is reset because
// vitest sets it to "test", which makes oclif look for a TypeScript loader and start slowly.
import {spawn, spawnSync, type SpawnSyncReturns} from 'node:child_process'
import {join} from 'node:path'

export const ROOT = join(import.meta.dirname, '..', '..')
export const BIN = join(ROOT, 'bin', 'run.js')
export const CLI_ENV = {...process.env, NODE_ENV: 'production', NO_COLOR: '1'}

export interface CliResult {
  status: number | null
  stdout: string
  stderr: string
}

export function ktoolSync(args: string[], opts: {input?: string; env?: NodeJS.ProcessEnv; timeout?: number} = {}): CliResult {
  const r: SpawnSyncReturns<string> = spawnSync(process.execPath, [BIN, ...args], {
    input: opts.input,
    env: {...CLI_ENV, ...opts.env},
    encoding: 'utf8',
    timeout: opts.timeout ?? 30_000,
  })
  return {status: r.status, stdout: r.stdout, stderr: r.stderr}
}

export function ktool(args: string[], opts: {input?: string; env?: NodeJS.ProcessEnv; timeout?: number} = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {env: {...CLI_ENV, ...opts.env}})
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeout ?? 30_000)
    child.on('error', reject)
    child.on('close', (status) => {
      clearTimeout(timer)
      resolve({status, stdout, stderr})
    })
    child.stdin.end(opts.input ?? '')
  })
}

// `ktool zookeeper-start` as a process: serving line, clean stop with a snapshot, exit codes,
// and durability across kill -9 (every acknowledged write survives).
import {spawn, type ChildProcess} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterAll, describe, expect, test} from 'vitest'
import {OpCode} from '../../src/protocol/zookeeper/generated/opcodes.js'
import {BIN, CLI_ENV, ktool} from '../helpers/cli.js'
import {RawClient, worldAcl} from './raw-client.js'

const dirs: string[] = []
const children: ChildProcess[] = []
afterAll(() => {
  for (const c of children) c.kill('SIGKILL')
  for (const d of dirs) fs.rmSync(d, {recursive: true, force: true})
})

function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'ktool-'))
  dirs.push(d)
  return d
}

function props(dir: string, extra = ''): string {
  const file = path.join(dir, 'zookeeper.properties')
  fs.writeFileSync(file, `dataDir=${dir}/data\nclientPort=0\nclientPortAddress=127.0.0.1\ntickTime=500\n${extra}`)
  return file
}

/** Starts the server; resolves with its port once it logs "binding to port". */
function startServer(file: string | string[]): Promise<{child: ChildProcess; port: number; out: () => string}> {
  const child = spawn(process.execPath, [BIN, 'zookeeper-start', ...(Array.isArray(file) ? file : [file])], {env: CLI_ENV})
  children.push(child)
  let out = ''
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no binding line:\n${out}`)), 15000)
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d
      const m = /binding to port \S*:(\d+)/.exec(out)
      if (m) {
        clearTimeout(t)
        resolve({child, port: Number(m[1]), out: () => out})
      }
    })
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d))
    child.on('exit', (code) => reject(new Error(`exited ${code}:\n${out}`)))
  })
}

const exited = (c: ChildProcess) => new Promise<number | null>((r) => (c.exitCode !== null ? r(c.exitCode) : c.on('exit', (code) => r(code))))

describe('zookeeper-start', () => {
  test('serves, logs like ZooKeeper, stops cleanly on SIGTERM with a snapshot', async () => {
    const dir = tmp()
    const {child, port, out} = await startServer(props(dir))
    const c = await RawClient.connect(port)
    const r = await c.request(OpCode.create, (w) => {
      w.ustring('/cli').buffer(Buffer.from('x'))
      worldAcl(w)
      w.int(0)
    })
    expect(r.err).toBe(0)
    c.close()
    child.kill('SIGTERM')
    expect(await exited(child)).toBe(0)
    expect(out()).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\] INFO Reading configuration from: /m)
    expect(out()).toContain('ZooKeeper server is serving on')
    const snaps = fs.readdirSync(path.join(dir, 'data', 'version-2')).filter((f) => f.startsWith('snapshot.'))
    expect(snaps).toContain(`snapshot.${r.zxid.toString(16)}`)
  })

  test('ZooKeeper\'s positional form (port dataDir tickTime) and --override', async () => {
    const dir = tmp()
    const {child, out} = await startServer(['0', path.join(dir, 'pos'), '250', '--override', 'clientPortAddress=127.0.0.1'])
    expect(out()).toContain('Created server with tickTime 250 ms minSessionTimeout 500 ms')
    expect(out()).toMatch(/binding to port \/127\.0\.0\.1:\d+/)
    child.kill('SIGINT')
    expect(await exited(child)).toBe(0)
    expect(fs.existsSync(path.join(dir, 'pos', 'version-2', 'snapshot.0'))).toBe(true)
  })

  test('server.N lines: a clear error that only standalone runs, exit 2', async () => {
    const dir = tmp()
    const res = await ktool(['zookeeper-start', props(dir, 'server.1=localhost:2888:3888\n')])
    expect(res.status).toBe(2)
    expect(res.stderr).toContain('Invalid config, exiting abnormally')
    expect(res.stderr).toContain('standalone')
  })

  test('missing dataDir and bad numbers: exit 2; unreadable file: exit 2; unusable dataDir: exit 3', async () => {
    const dir = tmp()
    const noData = path.join(dir, 'nodata.properties')
    fs.writeFileSync(noData, 'clientPort=0\n')
    const r1 = await ktool(['zookeeper-start', noData])
    expect(r1.status).toBe(2)
    expect(r1.stderr).toContain('dataDir is not set')
    const r2 = await ktool(['zookeeper-start', props(dir, 'tickTime=fast\n')])
    expect(r2.status).toBe(2)
    const r3 = await ktool(['zookeeper-start', path.join(dir, 'missing.properties')])
    expect(r3.status).toBe(2)
    const blocker = path.join(dir, 'file')
    fs.writeFileSync(blocker, '')
    const bad = path.join(dir, 'bad.properties')
    fs.writeFileSync(bad, `dataDir=${blocker}/sub\nclientPort=0\n`)
    const r4 = await ktool(['zookeeper-start', bad])
    expect(r4.status).toBe(3)
    expect(r4.stderr).toContain('Unable to access datadir')
  })

  test('kill -9 during writes: after a restart every acknowledged write is there', async () => {
    const dir = tmp()
    const file = props(dir)
    const first = await startServer(file)
    const clients = await Promise.all(Array.from({length: 4}, () => RawClient.connect(first.port)))
    const acked: string[] = []
    let stop = false
    const writers = clients.map(async (c, k) => {
      for (let i = 0; !stop; i++) {
        const p = `/k${k}-${i}`
        const r = await Promise.race([
          c.request(OpCode.create, (w) => {
            w.ustring(p).buffer(Buffer.from(p))
            worldAcl(w)
            w.int(0)
          }),
          c.whenClosed().then(() => null),
        ])
        if (!r) return
        if (r.err === 0) acked.push(p)
      }
    })
    await new Promise((r) => setTimeout(r, 700))
    first.child.kill('SIGKILL')
    await exited(first.child)
    stop = true
    await Promise.all(writers)
    expect(acked.length).toBeGreaterThan(20)
    const second = await startServer(file)
    const c = await RawClient.connect(second.port)
    const missing: string[] = []
    for (const p of acked) {
      const r = await c.request(OpCode.getData, (w) => w.ustring(p).bool(false))
      if (r.err !== 0 || r.body.buffer()!.toString() !== p) missing.push(p)
    }
    expect(missing).toEqual([])
    c.close()
    second.child.kill('SIGTERM')
    expect(await exited(second.child)).toBe(0)
  })
})

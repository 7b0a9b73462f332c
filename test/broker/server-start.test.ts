// `ktool server-start` as a user runs it (the built CLI): the readiness line scripts wait for,
// meta.properties, a clean stop on SIGTERM, start-up failures with exit status 1, Kafka's
// argument rules.
import {spawn} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import net from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {BIN, CLI_ENV, ktool, ktoolSync} from '../helpers/cli.js'

const dir = mkdtempSync(join(tmpdir(), 'ktool-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port
      s.close(() => resolve(p))
    })
  })
}

describe('ktool server-start', () => {
  it('prints the started line, writes meta.properties, and stops cleanly on SIGTERM', async () => {
    const port = await freePort()
    const logs = join(dir, 'logs1')
    const props = join(dir, 'server.properties')
    writeFileSync(props, `broker.id=7\nlisteners=PLAINTEXT://127.0.0.1:9\nlog.dirs=${logs}\nnum.network.threads=3\nsome.unknown.key=1\n`)
    const child = spawn(process.execPath, [BIN, 'server-start', props, '--override', `listeners=PLAINTEXT://127.0.0.1:${port}`, '--override', 'ktool.zookeeper.port=0'], {env: CLI_ENV})
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`not started:\n${out}`)), 20_000)
      child.stdout.on('data', () => {
        if (out.includes('started (kafka.server.KafkaServer)')) {
          clearTimeout(t)
          resolve()
        }
      })
    })
    expect(out).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\] INFO \[KafkaServer id=7\] started \(kafka\.server\.KafkaServer\)$/m)
    expect(out).toContain(`PLAINTEXT://127.0.0.1:${port}`)
    expect(out).toContain('num.network.threads')
    expect(out).toContain("'some.unknown.key' were supplied but are not used yet")
    const meta = readFileSync(join(logs, 'meta.properties'), 'utf8')
    expect(meta).toMatch(/^broker\.id=7$/m)
    expect(meta).toMatch(/^cluster\.id=[A-Za-z0-9_-]{22}$/m)
    child.kill('SIGTERM')
    const code = await new Promise((r) => child.on('exit', r))
    expect(code).toBe(0)
    expect(out).toContain('[KafkaServer id=7] shut down completed')
  })

  it('exits 1 with a clear message when the port is in use', async () => {
    const blocker = net.createServer()
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()))
    const port = (blocker.address() as net.AddressInfo).port
    const r = await ktool(['server-start', '--override', `listeners=PLAINTEXT://127.0.0.1:${port}`, '--override', `log.dirs=${join(dir, 'logs2')}`, '--override', 'ktool.zookeeper.port=0'])
    blocker.close()
    expect(r.status).toBe(1)
    expect(r.stderr).toContain(`Socket server failed to bind to 127.0.0.1:${port}: Address already in use.`)
  })

  it('exits 1 when the log dir cannot be created, or the file is malformed', async () => {
    const file = join(dir, 'a-file')
    writeFileSync(file, '')
    const r = await ktool(['server-start', '--override', `log.dirs=${file}/logs`, '--override', 'ktool.zookeeper.port=0', '--override', 'listeners=PLAINTEXT://127.0.0.1:0'])
    expect(r.status).toBe(1)
    expect(r.stderr).toContain(`Failed to create or validate data directory ${file}/logs`)
    const bad = join(dir, 'bad.properties')
    writeFileSync(bad, 'broker.id=0\n=oops\n')
    const r2 = ktoolSync(['server-start', bad])
    expect(r2.status).toBe(1)
    expect(r2.stderr).toContain(`${bad}:2: malformed line`)
    const r3 = ktoolSync(['server-start', '--override', 'broker.id=abc'])
    expect(r3.status).toBe(1)
    expect(r3.stderr).toContain('Invalid value abc for configuration broker.id')
  })

  it('exits 1 when zookeeper.connect cannot be reached in zookeeper.connection.timeout.ms', async () => {
    const closed = await freePort()
    const r = await ktool(['server-start', '--override', `zookeeper.connect=127.0.0.1:${closed}`, '--override', 'zookeeper.connection.timeout.ms=1000', '--override', `log.dirs=${join(dir, 'logs3')}`, '--override', 'listeners=PLAINTEXT://127.0.0.1:0'])
    expect(r.status).toBe(1)
    expect(r.stderr).toContain('Timed out waiting for connection while in state: CONNECTING')
  })

  it('follows Kafka on --version and stray arguments', () => {
    const v = ktoolSync(['server-start', 'missing.properties', '--version'])
    expect(v.status).toBe(0)
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/)
    const stray = ktoolSync(['server-start', 'server.properties', 'broker.id=1'])
    expect(stray.status).toBe(1)
    expect(stray.stderr).toContain('Found non argument parameters: broker.id=1')
  })
})

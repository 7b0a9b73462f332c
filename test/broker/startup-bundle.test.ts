// The servers started from the build's bundles (scripts/bundle-servers.mjs, dist/bundle/), as
// bin/run.js starts them: the broker serves a first Metadata, its embedded ZooKeeper starts, its
// lazily loaded handlers run from the bundle (Produce, then Fetch, a round trip), its code cache is
// written once and then used; `zookeeper-start` serves. A module-load hook in each spawned process
// lists the ES modules it loads: under dist/ only the CLI's launch modules, so the server's code
// came from the bundle and no module runs twice (an unbundled dist/ module beside the bundle would
// be a second registry, a second config, ...).
import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import net from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import kafkajs from 'kafkajs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {serverBundle} from '../../src/cli/fast-path.js'
import {ZkClient} from '../../src/broker/cluster/zk-client.js'
import {BIN, CLI_ENV, ROOT} from '../helpers/cli.js'
import {WireClient} from './wire-client.js'

const {Kafka, logLevel} = kafkajs
const dir = mkdtempSync(join(tmpdir(), 'ktool-'))
const children: ChildProcess[] = []
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL')
  rmSync(dir, {recursive: true, force: true})
})

const DIST = pathToFileURL(join(ROOT, 'dist')).href + '/'
const LAUNCH_MODULES = ['cli/argv.js', 'cli/fast-path.js']

// Runs in the loader's hook thread of the spawned process: one stderr line per file module.
const HOOKS = `export async function load(url, context, next) {
  if (url.startsWith('file:')) (await import('node:fs')).writeSync(2, 'ktool-test-load ' + url + '\\n')
  return next(url, context)
}`
const REGISTER = `import {register} from 'node:module'; register(${JSON.stringify('data:text/javascript,' + encodeURIComponent(HOOKS))})`

interface Server {
  child: ChildProcess
  out: () => string
  loaded: () => string[]
  waitFor: (text: string) => Promise<void>
  stop: () => Promise<number | null>
}

function launch(args: string[]): Server {
  const child = spawn(process.execPath, ['--import', 'data:text/javascript,' + encodeURIComponent(REGISTER), BIN, ...args], {env: CLI_ENV})
  children.push(child)
  let out = ''
  let err = ''
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d))
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d))
  return {
    child,
    out: () => out,
    loaded: () => [...err.matchAll(/^ktool-test-load (\S+)$/gm)].map((m) => m[1]!),
    waitFor: (text) =>
      new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no "${text}" within 20 s:\n${out}\n${err}`)), 20_000)
        const check = () => {
          if (out.includes(text)) {
            clearTimeout(t)
            resolve()
          } else if (child.exitCode !== null) {
            clearTimeout(t)
            reject(new Error(`exited ${child.exitCode}:\n${out}\n${err}`))
          } else setTimeout(check, 20)
        }
        check()
      }),
    stop: () => {
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
      child.kill('SIGTERM')
      return exited
    },
  }
}

/** Fails when a process loaded an ES module under dist/ other than the CLI's launch modules. */
function expectOnlyLaunchModules(loaded: string[]): void {
  const inDist = loaded.filter((u) => u.startsWith(DIST)).map((u) => u.slice(DIST.length))
  expect(inDist.sort()).toEqual([...LAUNCH_MODULES].sort())
}

/** Resolves once the bundle's code cache carries the bundle's current stamp; its mtime. */
async function cacheWritten(bundle: string): Promise<number> {
  for (let i = 0; i < 100; i++) {
    try {
      const cache = readFileSync(`${bundle}.cache`)
      const {mtimeMs, size} = statSync(bundle)
      if (cache.readDoubleLE(0) === mtimeMs && cache.readDoubleLE(8) === size) return statSync(`${bundle}.cache`).mtimeMs
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`no code cache for ${bundle}`)
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port
      s.close(() => resolve(p))
    })
  })
}

const FAST_PATH = pathToFileURL(join(ROOT, 'dist', 'cli', 'fast-path.js')).href

beforeAll(() => {
  // Tests that spawn bin/run.js need the build; a plain tsc since then leaves the bundles older
  // than dist/ (bin/run.js would then start from dist/), so they are made again.
  if (serverBundle('broker', FAST_PATH) === null || serverBundle('zookeeper', FAST_PATH) === null) {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'bundle-servers.mjs')], {encoding: 'utf8'})
    if (r.status !== 0) throw new Error(`bundle-servers failed: ${r.stderr}`)
  }
  expect(serverBundle('broker', FAST_PATH)).toBe(join(ROOT, 'dist', 'bundle', 'run-server.cjs'))
  expect(serverBundle('zookeeper', FAST_PATH)).toBe(join(ROOT, 'dist', 'bundle', 'zookeeper-run.cjs'))
}, 60_000)

describe('servers started from the bundle', () => {
  it('the broker answers Metadata, then Produce and Fetch from lazily loaded bundle modules, and writes then uses its code cache', async () => {
    const args = (port: number, logs: string) => ['server-start', '--override', `listeners=PLAINTEXT://127.0.0.1:${port}`, '--override', `log.dirs=${join(dir, logs)}`, '--override', 'broker.id=0', '--override', 'ktool.zookeeper.port=0', '--override', 'offsets.topic.replication.factor=1']
    const port = await freePort()
    const broker = launch(args(port, 'logs'))
    await broker.waitFor('[KafkaServer id=0] started')
    expect(broker.out()).toContain('Embedded ZooKeeper listening on 127.0.0.1:')

    const kafka = new Kafka({brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING, retry: {retries: 5}})
    const producer = kafka.producer({allowAutoTopicCreation: true})
    await producer.connect()
    await producer.send({topic: 'bundled', messages: [{key: 'k', value: 'hello from the bundle'}]})
    await producer.disconnect()

    const c = await WireClient.connect(port)
    try {
      const r = await c.request(1, 11, {replicaId: -1, maxWaitMs: 100, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, topics: [{topic: 'bundled', partitions: [{partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, logStartOffset: -1n, partitionMaxBytes: 1 << 20}]}], forgottenTopicsData: [], rackId: ''})
      const p = r.body.responses[0].partitions[0]
      expect(p.errorCode).toBe(0)
      expect(p.highWatermark).toBe(1n)
      expect(Buffer.from(p.records).includes('hello from the bundle')).toBe(true)
    } finally {
      c.close()
    }
    expectOnlyLaunchModules(broker.loaded())
    const bundle = serverBundle('broker', FAST_PATH)!
    await cacheWritten(bundle)
    // Past the moment a server writes the cache it lacked or V8 refused (1 s after its start).
    await new Promise((r) => setTimeout(r, 1200))
    const written = await cacheWritten(bundle)
    expect(await broker.stop()).toBe(0)
    expect(broker.out()).toContain('[KafkaServer id=0] shut down completed')

    // A second start takes the cache: V8 accepts it, so it is not written again.
    const port2 = await freePort()
    const again = launch(args(port2, 'logs-again'))
    await again.waitFor('[KafkaServer id=0] started')
    await new Promise((r) => setTimeout(r, 1500))
    expect(statSync(`${bundle}.cache`).mtimeMs).toBe(written)
    expect(await again.stop()).toBe(0)
  }, 60_000)

  it('zookeeper-start serves from the bundle', async () => {
    const file = join(dir, 'zookeeper.properties')
    writeFileSync(file, `dataDir=${join(dir, 'zk')}\nclientPort=0\nclientPortAddress=127.0.0.1\nadmin.enableServer=false\n`)
    const zk = launch(['zookeeper-start', file])
    await zk.waitFor('ZooKeeper server is serving on')
    const port = Number(/serving on 127\.0\.0\.1:(\d+)/.exec(zk.out())![1])
    const client = await ZkClient.connect(`127.0.0.1:${port}`, 6000, 10_000)
    try {
      await client.create('/bundled', 'data')
      expect(await client.exists('/bundled')).toBe(true)
    } finally {
      await client.close()
    }
    expectOnlyLaunchModules(zk.loaded())
    expect(await zk.stop()).toBe(0)
  }, 60_000)
})

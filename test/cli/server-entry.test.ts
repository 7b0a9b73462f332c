// How a server launch finds its code: the build's bundle when it is current, else dist/; the
// bundle runs with a V8 code cache tied to the bundle's exact build.
import {mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {afterAll, afterEach, describe, expect, it} from 'vitest'
import {loadServer, serverBundle} from '../../src/cli/fast-path.js'
import {distLayout} from '../helpers/dist-layout.js'

const dir = mkdtempSync(join(tmpdir(), 'ktool-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))
afterEach(() => {
  delete process.env.KTOOL_NO_BUNDLE
})

const layout = (name: string, files: Parameters<typeof distLayout>[2]): string => distLayout(dir, name, files)

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('serverBundle', () => {
  it('takes the bundle when it is at least as new as the tsc output', () => {
    const from = layout('fresh', {'broker/run-server.js': [1000], 'bundle/run-server.cjs': [1001], 'zookeeper/run.js': [1000], 'bundle/zookeeper-run.cjs': [1000]})
    expect(serverBundle('broker', from)).toMatch(/\/fresh\/dist\/bundle\/run-server\.cjs$/)
    expect(serverBundle('zookeeper', from)).toMatch(/\/fresh\/dist\/bundle\/zookeeper-run\.cjs$/)
  })

  it('is null when tsc ran after the bundle, when there is no bundle, or with KTOOL_NO_BUNDLE=1', () => {
    expect(serverBundle('broker', layout('stale', {'broker/run-server.js': [2000], 'bundle/run-server.cjs': [1000]}))).toBeNull()
    expect(serverBundle('zookeeper', layout('none', {'zookeeper/run.js': [1000]}))).toBeNull()
    const fresh = layout('forced', {'broker/run-server.js': [1000], 'bundle/run-server.cjs': [2000]})
    process.env.KTOOL_NO_BUNDLE = '1'
    expect(serverBundle('broker', fresh)).toBeNull()
  })
})

describe('loadServer', () => {
  it('runs the plain module without a current bundle', async () => {
    const from = layout('plain', {'broker/run-server.js': [2000, 'export const runServerStart = () => "plain"'], 'bundle/run-server.cjs': [1000, 'exports.runServerStart = () => "stale bundle"']})
    const mod = await loadServer('broker', from)
    expect((mod.runServerStart as () => string)()).toBe('plain')
  })

  it('reads a bundle that is not ASCII as UTF-8', async () => {
    const now = Date.now() / 1000
    const from = layout('utf8', {'zookeeper/run.js': [now - 10], 'bundle/zookeeper-run.cjs': [now, 'exports.runZooKeeperStart = () => "caf\u00e9 \u2014 ok"']})
    const mod = await loadServer('zookeeper', from)
    expect((mod.runZooKeeperStart as () => string)()).toBe('caf\u00e9 \u2014 ok')
  })

  it('runs the bundle as CommonJS, writes its code cache once, and uses it while the bundle is unchanged', async () => {
    const now = Date.now() / 1000
    const source = 'const {join} = require("node:path"); exports.runServerStart = () => [join("a", "b"), __ktoolBundleUrl, typeof module.exports].join(" ")'
    const from = layout('cached', {'broker/run-server.js': [now - 10, 'export const runServerStart = () => "plain"'], 'bundle/run-server.cjs': [now, source]})
    const bundle = serverBundle('broker', from)!
    const mod = await loadServer('broker', from)
    expect((mod.runServerStart as () => string)()).toBe(`a/b ${pathToFileURL(bundle).href} object`)
    await sleep(1300)
    const cache = readFileSync(`${bundle}.cache`)
    expect(cache.readDoubleLE(0)).toBe(statSync(bundle).mtimeMs)
    expect(cache.readDoubleLE(8)).toBe(statSync(bundle).size)
    const written = statSync(`${bundle}.cache`).mtimeMs

    // Accepted by V8: not written again.
    await loadServer('broker', from)
    await sleep(1300)
    expect(statSync(`${bundle}.cache`).mtimeMs).toBe(written)

    // Another build of the bundle (same length, so V8's own check would not see it): the old
    // cache is not used, and a new one is written.
    writeFileSync(bundle, source.replace('a", "b', 'c", "d'))
    const mod2 = await loadServer('broker', from)
    expect((mod2.runServerStart as () => string)()).toMatch(/^c\/d /)
    await sleep(1300)
    expect(readFileSync(`${bundle}.cache`).readDoubleLE(0)).toBe(statSync(bundle).mtimeMs)
  }, 10_000)
})

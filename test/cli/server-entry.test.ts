// Which module a server launch imports: the build's bundle when it is current, else dist/.
import {mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {afterAll, afterEach, describe, expect, it} from 'vitest'
import {serverEntry} from '../../src/cli/fast-path.js'

const dir = mkdtempSync(join(tmpdir(), 'ktool-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))
afterEach(() => {
  delete process.env.KTOOL_NO_BUNDLE
})

/** A dist/ layout in a temp dir; returns the URL fast-path.js would have there. */
function layout(name: string, files: Record<string, number>): string {
  const root = join(dir, name, 'dist')
  for (const [file, mtimeSec] of Object.entries(files)) {
    const path = join(root, file)
    mkdirSync(join(path, '..'), {recursive: true})
    writeFileSync(path, '')
    utimesSync(path, mtimeSec, mtimeSec)
  }
  return pathToFileURL(join(root, 'cli', 'fast-path.js')).href
}

describe('serverEntry', () => {
  it('takes the bundle when it is at least as new as the tsc output', () => {
    const from = layout('fresh', {'broker/run-server.js': 1000, 'bundle/run-server.js': 1001, 'zookeeper/run.js': 1000, 'bundle/zookeeper-run.js': 1000})
    expect(serverEntry('broker', from)).toMatch(/\/fresh\/dist\/bundle\/run-server\.js$/)
    expect(serverEntry('zookeeper', from)).toMatch(/\/fresh\/dist\/bundle\/zookeeper-run\.js$/)
  })

  it('takes the plain files when tsc ran after the bundle, when there is no bundle, or with KTOOL_NO_BUNDLE=1', () => {
    const stale = layout('stale', {'broker/run-server.js': 2000, 'bundle/run-server.js': 1000})
    expect(serverEntry('broker', stale)).toMatch(/\/stale\/dist\/broker\/run-server\.js$/)
    const none = layout('none', {'zookeeper/run.js': 1000})
    expect(serverEntry('zookeeper', none)).toMatch(/\/none\/dist\/zookeeper\/run\.js$/)
    const fresh = layout('forced', {'broker/run-server.js': 1000, 'bundle/run-server.js': 2000})
    process.env.KTOOL_NO_BUNDLE = '1'
    expect(serverEntry('broker', fresh)).toMatch(/\/forced\/dist\/broker\/run-server\.js$/)
  })
})

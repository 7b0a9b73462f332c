// The server as a library: config parsing, port conflicts, the AdminServer.
import fs from 'node:fs'
import {describe, expect, test} from 'vitest'
import {parseZooKeeperConfig, ConfigError, ZooKeeperServer} from '../../src/zookeeper/server.js'
import {startZooKeeper} from '../helpers/zookeeper.js'
import {Logger} from '../../src/common/logger.js'

describe('parseZooKeeperConfig', () => {
  test('Kafka\'s zookeeper.properties and ZooKeeper\'s defaults', () => {
    const c = parseZooKeeperConfig(new Map([['dataDir', '/tmp/zk'], ['clientPort', '2181'], ['maxClientCnxns', '0'], ['admin.enableServer', 'false']]))
    expect(c).toMatchObject({dataDir: '/tmp/zk', dataLogDir: '/tmp/zk', clientPort: 2181, tickTime: 3000, minSessionTimeout: 6000, maxSessionTimeout: 60000, maxClientCnxns: 0, adminEnableServer: false, juteMaxBuffer: 0xfffff, snapCount: 100000})
    expect([...c.fourLetterWords]).toContain('ruok')
    expect([...c.fourLetterWords]).not.toContain('srst')
  })

  test('keys and their checks', () => {
    const c = parseZooKeeperConfig(new Map([['dataDir', '/d'], ['dataLogDir', '/l'], ['tickTime', '100'], ['4lw.commands.whitelist', 'srvr, stat'], ['preAllocSize', '1024'], ['extendedTypesEnabled', 'true'], ['autopurge.purgeInterval', '1'], ['autopurge.snapRetainCount', '1']]))
    expect(c).toMatchObject({dataLogDir: '/l', tickTime: 100, minSessionTimeout: 200, maxSessionTimeout: 2000, preAllocSize: 1024 * 1024, extendedTypesEnabled: true, autopurgePurgeInterval: 1, autopurgeSnapRetainCount: 3})
    expect([...c.fourLetterWords].sort()).toEqual(['srvr', 'stat'])
    expect(parseZooKeeperConfig(new Map([['dataDir', '/d'], ['4lw.commands.whitelist', '*']])).fourLetterWords.has('srst')).toBe(true)
    expect(() => parseZooKeeperConfig(new Map())).toThrow('dataDir is not set')
    expect(() => parseZooKeeperConfig(new Map([['dataDir', '/d'], ['server.1', 'a:1:2']]))).toThrow(/standalone/)
    expect(() => parseZooKeeperConfig(new Map([['dataDir', '/d'], ['tickTime', 'x']]))).toThrow(ConfigError)
    expect(() => parseZooKeeperConfig(new Map([['dataDir', '/d'], ['minSessionTimeout', '9000'], ['maxSessionTimeout', '8000']]))).toThrow(/minSessionTimeout/)
  })
})

describe('ZooKeeperServer', () => {
  test('a port in use rejects start() and leaves nothing running; a retry on port 0 works', async () => {
    const first = await startZooKeeper()
    const second = new ZooKeeperServer({dataDir: first.dataDir + '-b', clientPort: first.port, clientPortAddress: '127.0.0.1'}, new Logger('x', () => {}))
    await expect(second.start()).rejects.toThrow(/EADDRINUSE/)
    await second.stop()
    fs.rmSync(first.dataDir + '-b', {recursive: true, force: true})
    const third = await startZooKeeper()
    expect(third.port).not.toBe(first.port)
    await third.stop()
    await first.stop()
  })

  test('AdminServer: /commands lists commands, /commands/<name> answers JSON', async () => {
    const zk = await startZooKeeper({adminEnableServer: true, adminServerPort: 0, adminServerAddress: '127.0.0.1'})
    const base = `http://127.0.0.1:${zk.server.adminPort}`
    const list = await fetch(`${base}/commands`)
    expect(await list.text()).toContain('/commands/stats')
    const ruok = await (await fetch(`${base}/commands/ruok`)).json()
    expect(ruok).toEqual({command: 'ruok', error: null})
    const srvr: any = await (await fetch(`${base}/commands/srvr`)).json()
    expect(srvr).toMatchObject({command: 'server_stats', error: null, server_stats: {server_state: 'standalone'}})
    expect(srvr.version).toMatch(/^3\.8\./)
    const mntr: any = await (await fetch(`${base}/commands/monitor`)).json()
    expect(mntr.znode_count).toBe(5)
    // Every mntr metric, as numbers: the counters and the summaries.
    expect(mntr).toMatchObject({server_state: 'standalone', version: expect.stringMatching(/^3\.8\./), cnt_dbinittime: 1, connection_request_count: 0})
    expect(Object.keys(mntr).length).toBeGreaterThan(400)
    expect((await fetch(`${base}/commands/nope`)).status).toBe(404)
    await zk.stop()
  })
})

describe('a log that cannot be written', () => {
  test('stops the server: no write is acknowledged, clients are disconnected', async () => {
    const zk = await startZooKeeper({captureLogs: true})
    const {RawClient, worldAcl} = await import('./raw-client.js')
    const {OpCode} = await import('../../src/protocol/zookeeper/generated/opcodes.js')
    const c = await RawClient.connect(zk.port)
    zk.server.txnLog.append = async () => {
      throw new Error('EIO: i/o error, write')
    }
    let replied = false
    void c
      .request(OpCode.create, (w) => {
        w.ustring('/never').buffer(null)
        worldAcl(w)
        w.int(0)
      })
      .then(() => (replied = true))
    const err = await zk.server.failed
    expect(err.message).toContain('EIO')
    await c.whenClosed()
    expect(replied).toBe(false)
    expect(zk.logs.some((l) => l.includes('Severe unrecoverable error'))).toBe(true)
    await zk.stop()
  })
})

describe('superDigest', () => {
  test('the configured super digest passes every ACL', async () => {
    const {createHash} = await import('node:crypto')
    const superDigest = `super:${createHash('sha1').update('super:adminpw').digest('base64')}`
    const cfg = parseZooKeeperConfig(new Map([['dataDir', '/unused'], ['DigestAuthenticationProvider.superDigest', superDigest]]))
    expect(cfg.superDigest).toBe(superDigest)
    const zk = await startZooKeeper({superDigest})
    const {RawClient} = await import('./raw-client.js')
    const {OpCode} = await import('../../src/protocol/zookeeper/generated/opcodes.js')
    const owner = await RawClient.connect(zk.port)
    await owner.request(OpCode.auth, (w) => w.int(0).ustring('digest').buffer(Buffer.from('alice:pw')), -4)
    await owner.request(OpCode.create, (w) => {
      w.ustring('/private').buffer(Buffer.from('p'))
      w.int(1).int(31).ustring('auth').ustring('')
      w.int(0)
    })
    const admin = await RawClient.connect(zk.port)
    expect((await admin.request(OpCode.getData, (w) => w.ustring('/private').bool(false))).err).toBe(-102)
    await admin.request(OpCode.auth, (w) => w.int(0).ustring('digest').buffer(Buffer.from('super:adminpw')), -4)
    expect((await admin.request(OpCode.getData, (w) => w.ustring('/private').bool(false))).err).toBe(0)
    owner.close()
    admin.close()
    await zk.stop()
  })
})

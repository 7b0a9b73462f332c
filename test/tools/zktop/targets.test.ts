import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {parseServer, targetsFromConfig, targetsFromServers} from '../../../src/tools/zktop/targets.js'

const dir = mkdtempSync(join(tmpdir(), 'ktool-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))
const file = (name: string, text: string): string => {
  const p = join(dir, name)
  writeFileSync(p, text)
  return p
}

describe('--servers', () => {
  it('takes host[:port] lists, 2181 by default, every entry (zktop.py only defaulted the first)', () => {
    expect(targetsFromServers('a:1,b, c:3 ,[::1]:4,::1')).toEqual([
      {id: 0, host: 'a', port: 1, adminUrl: undefined},
      {id: 1, host: 'b', port: 2181, adminUrl: undefined},
      {id: 2, host: 'c', port: 3, adminUrl: undefined},
      {id: 3, host: '::1', port: 4, adminUrl: undefined},
      {id: 4, host: '::1', port: 2181, adminUrl: undefined},
    ])
  })
  it('rejects bad ports and empty lists', () => {
    expect(() => parseServer('a:x')).toThrow(/invalid port/)
    expect(() => parseServer('a:70000')).toThrow(/invalid port/)
    expect(() => targetsFromServers(' , ')).toThrow(/names no server/)
  })
  it('maps --admin-url to every server, or one per server', () => {
    expect(targetsFromServers('a,b', 'http://x:8080').map((t) => t.adminUrl)).toEqual(['http://x:8080', 'http://x:8080'])
    expect(targetsFromServers('a,b', 'http://x:1,http://y:2').map((t) => t.adminUrl)).toEqual(['http://x:1', 'http://y:2'])
    expect(() => targetsFromServers('a,b,c', 'http://x:1,http://y:2')).toThrow(/2 URLs for 3 servers/)
  })
})

describe('--config', () => {
  it('takes the hosts of server.N lines on clientPort, in N order', () => {
    const p = file('zoo.cfg', 'tickTime=2000\nclientPort = 2191\nserver.2=zk2:2888:3888\nserver.1=zk1:2888:3888\n# server.9=x:1:2\n')
    expect(targetsFromConfig(p).map((t) => `${t.host}:${t.port}`)).toEqual(['zk1:2191', 'zk2:2191'])
  })
  it('takes the 3.5 dynamic form with its own client port', () => {
    const p = file('dyn.cfg', 'server.1=zk1:2888:3888:participant;2182\nserver.2=[fe80::1]:2888:3888;0.0.0.0:2183\n')
    expect(targetsFromConfig(p).map((t) => `${t.host}:${t.port}`)).toEqual(['zk1:2182', 'fe80::1:2183'])
  })
  it('without server.N lines watches clientPortAddress or localhost on clientPort (zktop.py found nothing)', () => {
    expect(targetsFromConfig(file('a.properties', 'dataDir=/tmp/z\nclientPort=2185\n')).map((t) => `${t.host}:${t.port}`)).toEqual(['localhost:2185'])
    expect(targetsFromConfig(file('b.properties', 'clientPort=2185\nclientPortAddress=127.0.0.2\n'))[0]!.host).toBe('127.0.0.2')
    expect(() => targetsFromConfig(file('c.properties', 'dataDir=/tmp/z\n'))).toThrow(/no server.N lines and no clientPort/)
    expect(() => targetsFromConfig(join(dir, 'missing.cfg'))).toThrow(/file not found/)
  })
})

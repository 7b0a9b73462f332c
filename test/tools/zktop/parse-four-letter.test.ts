// The parsers against replies captured from a real Apache ZooKeeper 3.8 (fixtures/zk-3.8).
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {
  FourLetterParseError, modeLetter, notServing, notWhitelisted, parseConnectionLine, parseCons, parseMntr, parseSrst, parseSrvr, parseStat,
} from '../../../src/tools/zktop/parse-four-letter.js'
import {parseAdminConnections, parseAdminJson, parseAdminMonitor, parseAdminStats, adminBase} from '../../../src/tools/zktop/admin-client.js'

const sample = (name: string): string => readFileSync(join(import.meta.dirname, 'fixtures', 'zk-3.8', name), 'utf8')
const json = (name: string): Record<string, unknown> => parseAdminJson(sample(name))

describe('stat', () => {
  it('reads the version, every client line and the figures', () => {
    const {stats, clients} = parseStat(sample('stat.txt'))
    expect(stats).toEqual({
      version: '3.8.0-${mvngit.commit.id}, built on 2024-12-29 17:54 UTC',
      readOnly: false,
      latencyMin: 0, latencyAvg: 1.0427, latencyMax: 32, latencyAvgText: '1.0427',
      received: 1268, sent: 1267, connections: 3, outstanding: 0,
      zxid: '0x291', mode: 'standalone', nodeCount: 8,
    })
    expect(clients).toEqual([
      {host: '127.0.0.1', port: 33688, interestOps: 0, queued: 0, received: 1, sent: 0},
      {host: '127.0.0.1', port: 33670, interestOps: 1, queued: 0, received: 9, sent: 9},
      {host: '127.0.0.1', port: 33674, interestOps: 1, queued: 0, received: 3, sent: 3},
    ])
  })

  it('reads the reply to `stat\\n` (what zktop.py sends) the same way', () => {
    const {stats, clients} = parseStat(sample('stat-with-newline.txt'))
    expect(clients).toHaveLength(1)
    expect(stats.received).toBe(1290)
    expect(stats.zxid).toBe('0x297')
    expect(stats.nodeCount).toBe(5)
  })

  it('reads a read-only server and a leader (lines as ZooKeeper prints them)', () => {
    const text = 'Zookeeper version: 3.8.3-6ad6d364c7c0bcf0de452d54ebefa3058098ab56, built on 2023-10-05 10:34 UTC\n' +
      'READ-ONLY mode; serving only read-only clients\nClients:\n /0:0:0:0:0:0:0:1:41234[1](queued=2,recved=5,sent=3)\n\n' +
      'Latency min/avg/max: 0/0/6\nReceived: 12\nSent: 11\nConnections: 1\nOutstanding: 0\nZxid: 0x10000001a\nMode: read-only\nNode count: 5\n'
    const {stats, clients} = parseStat(text)
    expect(stats.readOnly).toBe(true)
    expect(stats.mode).toBe('read-only')
    expect(stats.zxid).toBe('0x10000001a')
    expect(stats.latencyAvgText).toBe('0')
    expect(clients[0]).toMatchObject({host: '0:0:0:0:0:0:0:1', port: 41234, queued: 2})
    const leader = parseSrvr('Zookeeper version: 3.8.3-x, built on y\nLatency min/avg/max: 0/0.0/0\nReceived: 1\nSent: 1\nConnections: 1\n' +
      'Outstanding: 0\nZxid: 0x100000000\nMode: leader\nNode count: 5\nProposal sizes last/min/max: 48/48/90\n')
    expect(leader.proposalSizes).toEqual({last: 48, min: 48, max: 90})
    expect(modeLetter(leader.mode)).toBe('L')
  })

  it('refuses what is not a stat reply, naming the cause', () => {
    expect(() => parseStat(sample('stat-not-whitelisted.txt'))).toThrow(/stat is not in 4lw.commands.whitelist/)
    expect(() => parseStat('')).toThrow(/empty reply/)
    expect(() => parseStat(sample('srvr.txt'))).toThrow(/no Clients: line/)
    expect(() => parseStat(sample('mntr.txt'))).toThrow(FourLetterParseError)
    expect(() => parseStat('This ZooKeeper instance is not currently serving requests\n')).toThrow(/not currently serving/)
  })
})

describe('srvr', () => {
  it('reads the figures', () => {
    expect(parseSrvr(sample('srvr.txt'))).toMatchObject({received: 1269, sent: 1268, connections: 3, zxid: '0x291', mode: 'standalone', nodeCount: 8, latencyMax: 32})
  })
  it('reads an integer average latency (ZooKeeper 3.4/3.5)', () => {
    const s = parseSrvr('Zookeeper version: 3.4.14-4c25d480e66aadd371de8bd2fd8da255ac140bcf, built on 03/06/2019 16:18 GMT\n' +
      'Latency min/avg/max: 0/0/6\nReceived: 12\nSent: 11\nConnections: 1\nOutstanding: 0\nZxid: 0x1a\nMode: follower\nNode count: 5\n')
    expect(s).toMatchObject({latencyAvg: 0, latencyAvgText: '0', mode: 'follower'})
  })
})

describe('cons', () => {
  it('reads sessions and the session-less connection', () => {
    const cons = parseCons(sample('cons.txt'))
    expect(cons).toHaveLength(3)
    expect(cons[0]).toEqual({
      host: '127.0.0.1', port: 33670, interestOps: 1, queued: 0, received: 9, sent: 9,
      sessionId: '0x1000009dd800003', lastOperation: 'GETC', established: 1795295609128, timeout: 10000,
      lastCxid: '0x8', lastZxid: '0x291', lastResponse: 648170, lastLatency: 0, minLatency: 0, avgLatency: 0, maxLatency: 3,
    })
    expect(cons[2]).toEqual({host: '127.0.0.1', port: 33722, interestOps: 0, queued: 0, received: 1, sent: 0})
  })
  it('takes hostname/ip forms of the address', () => {
    expect(parseConnectionLine(' localhost/127.0.0.1:5[0](queued=0,recved=1,sent=0)')).toMatchObject({host: '127.0.0.1', port: 5})
    expect(() => parseConnectionLine('garbage')).toThrow(/not a connection line/)
  })
})

describe('mntr, srst and the refusals', () => {
  it('reads every key of mntr in order', () => {
    const m = parseMntr(sample('mntr.txt'))
    expect([...m.keys()].slice(0, 2)).toEqual(['zk_version', 'zk_server_state'])
    expect(m.get('zk_watch_count')).toBe('4')
    expect(m.get('zk_ephemerals_count')).toBe('1')
    expect(m.get('zk_approximate_data_size')).toBe('177')
    expect(m.get('zk_open_file_descriptor_count')).toBe('44')
    expect(m.size).toBeGreaterThan(70)
  })
  it('srst', () => {
    expect(() => parseSrst(sample('srst.txt'))).not.toThrow()
    expect(() => parseSrst(sample('stat-not-whitelisted.txt'))).toThrow(/not in 4lw.commands.whitelist/)
  })
  it('recognises the whitelist refusal and the not-serving answer', () => {
    expect(notWhitelisted(sample('stat-not-whitelisted.txt'))).toBe('stat')
    expect(notWhitelisted(sample('stat.txt'))).toBeNull()
    expect(notServing('This ZooKeeper instance is not currently serving requests\n')).toBe(true)
    expect(notServing(sample('ruok.txt'))).toBe(false)
  })
})

describe('AdminServer /commands', () => {
  it('stats gives the same figures as stat', () => {
    const {stats, clients} = parseAdminStats(json('admin-stats.json'))
    expect(stats).toMatchObject({mode: 'standalone', nodeCount: 7, zxid: '0x5', latencyAvgText: '3.25', received: 5, sent: 5, connections: 1})
    expect(clients).toEqual([{host: '127.0.0.1', port: 43496, interestOps: 1, queued: 0, received: 3, sent: 3}])
  })
  it('connections carry the session fields of cons', () => {
    const [c] = parseAdminConnections(json('admin-connections.json'))
    // 72057614261223425 is above 2^53: read exactly, not rounded by JSON.parse
    expect(c).toMatchObject({host: '127.0.0.1', port: 43496, sessionId: '0x1000004b5670001', lastOperation: 'GETD', lastZxid: '0x5', avgLatency: 1, maxLatency: 1})
  })
  it('monitor gives the mntr keys', () => {
    const m = parseAdminMonitor(json('admin-monitor.json'))
    expect(m.get('zk_server_state')).toBe('standalone')
    expect(m.get('zk_znode_count')).toBe('7')
    expect(m.has('zk_version')).toBe(true)
  })
  it('normalises the base URL', () => {
    expect(adminBase('http://h:8080/commands/')).toBe('http://h:8080')
    expect(adminBase('h:8080')).toBe('http://h:8080')
  })
})

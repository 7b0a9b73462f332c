// The checks that --once and --json must pass against any ZooKeeper-compatible server: Apache
// ZooKeeper 3.8 and ktool's own server run the same ones, so both are read the same way.
import {expect} from 'vitest'
import {ktool} from '../../helpers/cli.js'
import {sendFourLetterWord} from '../../../src/tools/zktop/four-letter-client.js'
import {parseCons, parseMntr, parseSrvr} from '../../../src/tools/zktop/parse-four-letter.js'

/** Client rows of a zktop screen (ours or zktop.py's): [host, port, server, interest, queued, recved, sent]. */
export function clientRows(text: string): string[][] {
  const lines = text.split('\n')
  const h = lines.findIndex((l) => l.startsWith('CLIENT'))
  return lines.slice(h + 1).filter((l) => /^\S+ +\d+ \d \d +\d+ +\d+ +\d+/.test(l)).map((l) => l.trim().split(/ +/))
}

const word = (port: number, w: string): Promise<string> => sendFourLetterWord('127.0.0.1', port, w)

/** `--once` against a server with every word whitelisted and `sessions` idle sessions. */
export async function checkOnce(port: number, sessions: number): Promise<void> {
  const r = await ktool(['zktop', '--servers', `127.0.0.1:${port}`, '--once'])
  expect(r.stderr).toBe('')
  expect(r.status).toBe(0)
  const srvr = parseSrvr(await word(port, 'srvr'))
  const cons = parseCons(await word(port, 'cons'))
  const lines = r.stdout.split('\n')
  // the sessions + the stat connection itself, as zktop.py counts them
  expect(lines[0]).toBe(`Ensemble -- nodecount:${srvr.nodeCount} zxid:${srvr.zxid} sessions:${sessions + 1}`)
  expect(lines[1]).toBe('')
  expect(lines[2]).toBe('ID SERVER           PORT M    OUTST    RECVD     SENT CONNS MINLAT AVGLAT MAXLAT')
  expect(lines[3]).toMatch(new RegExp(`^0  127\\.0\\.0\\.1 +${port} S +0 +\\d+ +\\d+ +${sessions + 1} +\\d+ +\\d+(\\.\\d+)? +\\d+$`))
  expect(lines[4]).toBe('')
  expect(lines[5]).toBe('CLIENT           PORT S I   QUEUED    RECVD     SENT')
  const rows = clientRows(r.stdout)
  expect(rows).toHaveLength(sessions + 1)
  const sessionPorts = cons.filter((c) => c.sessionId).map((c) => String(c.port)).sort()
  expect(sessionPorts).toHaveLength(sessions)
  expect(rows.filter((row) => Number(row[5]) > 1).map((row) => row[1]).sort()).toEqual(sessionPorts)
}

/** `--json` against the same server: each session has one ephemeral node and one data watch. */
export async function checkJson(port: number, sessions: number): Promise<Record<string, unknown>> {
  const r = await ktool(['zktop', '--servers', `127.0.0.1:${port}`, '--json'])
  expect(r.status).toBe(0)
  const j = JSON.parse(r.stdout)
  const srvr = parseSrvr(await word(port, 'srvr'))
  const mntr = parseMntr(await word(port, 'mntr'))
  const s = j.servers[0]
  expect(s).toMatchObject({status: 'up', source: 'stat', mode: 'standalone', modeLetter: 'S', leader: false, readOnly: false, zxid: srvr.zxid, nodeCount: srvr.nodeCount, connections: sessions + 1, outstanding: 0, notes: []})
  expect(s.version).toMatch(/^\d+\.\d+\.\d+-/)
  expect(s.latency).toEqual({min: expect.any(Number), avg: expect.any(Number), max: expect.any(Number)})
  expect(s.received).toBeGreaterThan(0)
  expect(s.mntr).toMatchObject({ephemeralsCount: sessions, watchCount: sessions, znodeCount: Number(mntr.get('zk_znode_count')), serverState: 'standalone', outstandingRequests: 0})
  expect(s.mntr.approximateDataSize).toBeGreaterThan(0)
  expect(s.mntr.openFileDescriptorCount).toBeGreaterThan(0)
  expect(j.ensemble).toEqual({nodeCount: srvr.nodeCount, zxid: srvr.zxid, sessions: sessions + 1})
  const withSession = j.clients.filter((c: {sessionId?: string}) => c.sessionId)
  expect(withSession).toHaveLength(sessions)
  for (const c of withSession) {
    expect(c).toMatchObject({
      server: 0, host: '127.0.0.1', timeout: expect.any(Number), interestOps: 1, queued: 0,
      sessionId: expect.stringMatching(/^0x[0-9a-f]+$/), lastOperation: expect.any(String),
      minLatency: expect.any(Number), avgLatency: expect.any(Number), maxLatency: expect.any(Number),
    })
    expect(c.received).toBeGreaterThan(1)
  }
  return j
}

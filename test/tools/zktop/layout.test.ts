import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {ServerHistory, sparkline} from '../../../src/tools/zktop/history.js'
import {plainSnapshot, renderScreen, type ViewState} from '../../../src/tools/zktop/layout.js'
import {parseStat} from '../../../src/tools/zktop/parse-four-letter.js'
import type {ServerSnapshot, ServerTarget} from '../../../src/tools/zktop/types.js'

const fixture = (name: string): string => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8')

function snapshotFromStat(target: ServerTarget, text: string, at = 0): ServerSnapshot {
  const {stats, clients} = parseStat(text)
  return {target, at, status: 'up', source: 'stat', stats, clients, notes: []}
}

// The stat reply behind fixtures/zktop-screen.txt (Debian's zktop against ZooKeeper 3.8.0), rebuilt
// from the figures on that screen, in the order the server listed the connections.
const SCREEN_STAT = `Zookeeper version: 3.8.0-\${mvngit.commit.id}, built on 2024-12-29 17:54 UTC
Clients:
 /127.0.0.1:57476[1](queued=1,recved=3408,sent=3407)
 /127.0.0.1:57468[1](queued=1,recved=3488,sent=3487)
 /127.0.0.1:57432[1](queued=0,recved=46,sent=46)
 /127.0.0.1:57454[0](queued=0,recved=3389,sent=3389)
 /127.0.0.1:57438[1](queued=0,recved=3393,sent=3393)
 /127.0.0.1:53978[0](queued=0,recved=1,sent=0)

Latency min/avg/max: 0/0.5399/16
Received: 13728
Sent: 13725
Connections: 6
Outstanding: 0
Zxid: 0x1ae6
Mode: standalone
Node count: 53
`

describe('zktop.py layout', () => {
  it('prints the same screen as Debian\'s zktop for the same stat reply', () => {
    const target = {id: 0, host: '127.0.0.1', port: 2181}
    const ours = plainSnapshot([target], [snapshotFromStat(target, SCREEN_STAT)], false)
    const theirs = fixture('zktop-screen.txt').split('\n').filter((l) => !l.startsWith('#'))
    expect(ours).toEqual(theirs.slice(0, ours.length))
    expect(theirs.slice(ours.length).every((l) => l === '')).toBe(true)
  })

  it('shows an unavailable server as U with the reason, and --wide columns', () => {
    const t = [{id: 0, host: 'a-very-long-host-name.example.com', port: 2181}, {id: 1, host: 'b', port: 2182}]
    const down: ServerSnapshot = {target: t[1]!, at: 0, status: 'down', reason: 'connection refused by b:2182', notes: []}
    const lines = plainSnapshot(t, [snapshotFromStat(t[0]!, fixture('zk-3.8/stat.txt')), down], true)
    expect(lines[0]).toBe('Ensemble -- nodecount:8 zxid:0x291 sessions:3')
    expect(lines[2]).toBe('ID SERVER                          PORT M    OUTST    RECVD     SENT CONNS MINLAT AVGLAT MAXLAT')
    expect(lines[3]).toBe('0  a-very-long-host-name.example.  2181 S        0     1268     1267     3      0 1.0427     32')
    expect(lines[4]).toBe('1  b                               2182 U  down: connection refused by b:2182')
  })
})

describe('sparklines and history', () => {
  it('scales to the largest value shown and leaves gaps blank', () => {
    expect(sparkline([0, 5, 10, null, 10], 5)).toBe('▁▅█ █')
    expect(sparkline([0, 0], 4, false)).toBe('  __')
    expect(sparkline([1, 2, 3], 2)).toBe('▆█')
    expect(sparkline([3, 3], 2, true, 10)).toBe('▃▃') // an idle server stays low
  })
  it('turns Received into requests per second and leaves a gap after a reset', () => {
    const h = new ServerHistory()
    const t = {id: 0, host: 'h', port: 1}
    const snap = (at: number, received: number): ServerSnapshot => ({target: t, at, status: 'up', notes: [], stats: {received} as never})
    h.add(snap(0, 100))
    h.add(snap(2000, 300))
    h.add(snap(4000, 10)) // srst
    h.add(snap(6000, 110))
    expect(h.samples.map((s) => s.reqPerSec)).toEqual([null, 100, null, 50])
    expect(h.latestRate()).toBe(50)
  })
})

describe('the interactive layout', () => {
  const targets = [{id: 0, host: '127.0.0.1', port: 2181}, {id: 1, host: '127.0.0.1', port: 2182}]
  const view = (): ViewState => {
    const up = snapshotFromStat(targets[0]!, fixture('zk-3.8/stat.txt'))
    up.stats!.mode = 'leader'
    up.mntr = new Map([['zk_watch_count', '4'], ['zk_ephemerals_count', '1'], ['zk_approximate_data_size', '177'], ['zk_open_file_descriptor_count', '44'], ['zk_max_file_descriptor_count', '20000']])
    up.notes.push('cons not whitelisted: no per-client latency')
    const histories = targets.map(() => new ServerHistory())
    histories[0]!.add({...up, at: 0})
    histories[0]!.add({...up, at: 3000, stats: {...up.stats!, received: 1568}})
    return {
      targets, histories, selected: 0, sort: 'queued', paused: false, help: false, wide: false, unicode: true, delaySec: 3,
      snapshots: [up, {target: targets[1]!, at: 0, status: 'down', reason: 'connection refused', notes: []}],
    }
  }
  const text = (lines: ReturnType<typeof renderScreen>): string[] => lines.map((l) => l.map((s) => s.text).join(''))

  it('marks the leader, plots the rate, shows the detail figures, notes and keys', () => {
    const lines = text(renderScreen(view(), 132, 30))
    expect(lines).toHaveLength(30)
    expect(lines[3]).toMatch(/^0  127\.0\.0\.1        2181 L .* \* +█ +100 /)
    expect(lines[4]).toMatch(/^1  127\.0\.0\.1        2182 U  down: connection refused/)
    expect(lines.join('\n')).toMatch(/Server 0  127\.0\.0\.1:2181  leader \*/)
    expect(lines.join('\n')).toMatch(/watches 4  ephemerals 1  data 177 B  outstanding - {2}open fds 44\/20000/)
    expect(lines[28]).toMatch(/127\.0\.0\.1:2181: cons not whitelisted/)
    expect(lines[29]).toMatch(/^sort:queued  every 3s {3}q:quit/)
  })

  it('never draws past the terminal, whatever its size', () => {
    const v = view()
    for (const [w, h] of [[1, 1], [2, 1], [10, 3], [40, 8], [80, 24], [200, 60], [81, 5]] as const) {
      const lines = text(renderScreen(v, w, h))
      expect(lines.length).toBeLessThanOrEqual(h)
      for (const l of lines) expect([...l].length).toBeLessThanOrEqual(Math.max(0, w - 1))
    }
    expect(text(renderScreen(v, 80, 4))[0]).toMatch(/^Ensemble/) // a tiny terminal keeps zktop.py's top lines
  })

  it('sorts the clients by the chosen column and shows the help', () => {
    const v = view()
    v.sort = 'received'
    const lines = text(renderScreen(v, 100, 30))
    const first = lines.findIndex((l) => l.startsWith('CLIENT'))
    expect(lines[first + 1]).toMatch(/33670 0 1 {8}0 {8}9 {8}9/)
    v.help = true
    expect(text(renderScreen(v, 100, 30)).join('\n')).toMatch(/s {14}sort the clients/)
  })
})

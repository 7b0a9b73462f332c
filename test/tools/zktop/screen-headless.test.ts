// The interactive screen driven headless: blessed with fake terminal streams (deps.md §5), the
// monitor polling real sockets (fake four-letter servers), keys written to the input stream.
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {Monitor} from '../../../src/tools/zktop/monitor.js'
import {runScreen} from '../../../src/tools/zktop/screen.js'
import {FakeFourLetterServer, statReply} from './fake-four-letter-server.js'
import {FakeTerminal, until} from './fake-terminal.js'

const sample = (name: string): string => readFileSync(join(import.meta.dirname, 'fixtures', 'zk-3.8', name), 'utf8')

let received = 1000
const clients = [
  ' /127.0.0.1:40001[1](queued=3,recved=10,sent=10)',
  ' /127.0.0.1:40002[1](queued=0,recved=500,sent=499)',
  ' /127.0.0.1:40003[1](queued=1,recved=20,sent=900)',
]
const a = new FakeFourLetterServer({
  stat: () => statReply({received: (received += 50), clients, mode: 'leader', nodes: 42, zxid: '0x1ae6'}),
  cons: sample('cons.txt'),
  mntr: sample('mntr.txt'),
  srst: () => {
    received = 0
    return 'Server stats reset.\n'
  },
})
const b = new FakeFourLetterServer({stat: () => statReply({received: 5, mode: 'follower', clients: [' /127.0.0.1:40009[1](queued=0,recved=7,sent=7)']})})

beforeAll(async () => {
  await a.start()
  await b.start()
})
afterAll(async () => {
  await a.stop()
  await b.stop()
})

describe('zktop screen (headless blessed)', () => {
  it('starts, sorts, selects, pauses, resets, resizes, notices a server going and coming back, quits', async () => {
    const term = new FakeTerminal()
    const targets = [{id: 0, host: '127.0.0.1', port: a.port}, {id: 1, host: '127.0.0.1', port: b.port}]
    const monitor = new Monitor(targets, {delayMs: 150, unicode: false, poll: {timeoutMs: 1000}})
    const done = runScreen(monitor, {input: term.input, output: term.output, color: false, terminal: 'xterm', signals: [], onScreen: (s) => (term.screen = s)})

    // start: ensemble line, both servers, the leader marked, the clients by QUEUED
    await until(() => /sessions:4/.test(term.text()) && /^1 .* F /m.test(term.text()), 'the first poll')
    const first = term.lines()
    expect(first[0]).toBe('Ensemble -- nodecount:42 zxid:0x1ae6 sessions:4')
    expect(first[2]).toMatch(/^ID SERVER           PORT M    OUTST    RECVD     SENT CONNS MINLAT AVGLAT MAXLAT/)
    expect(first[3]).toMatch(new RegExp(`^0  127\\.0\\.0\\.1 +${a.port} L .* \\*`))
    expect(term.text()).toMatch(/Server 0  127\.0\.0\.1:\d+  leader \*/)
    expect(term.text()).toMatch(/watches 4  ephemerals 1  data 177 B/)
    const clientPorts = (): string[] => {
      const ls = term.lines()
      const h = ls.findIndex((l) => l.startsWith('CLIENT'))
      return ls.slice(h + 1).filter((l) => /^127\.0\.0\.1 +\d+/.test(l)).map((l) => l.split(/ +/)[1]!)
    }
    expect(clientPorts()).toEqual(['40001', '40003', '40002', '40009'])

    // s: received, then sent
    term.key('s')
    await until(() => /sort:received/.test(term.text()), 'sort by received')
    expect(clientPorts()).toEqual(['40002', '40003', '40001', '40009'])
    term.key('s')
    await until(() => /sort:sent/.test(term.text()), 'sort by sent')
    expect(clientPorts()).toEqual(['40003', '40002', '40001', '40009'])

    // j: select the second server; k back
    term.key('j')
    await until(() => /Server 1  127\.0\.0\.1:\d+  follower/.test(term.text()), 'select server 1')
    term.key('k')
    await until(() => /Server 0 /.test(term.text()), 'select server 0')

    // p: paused, the figures stop moving
    term.key('p')
    await until(() => /PAUSED/.test(term.text()), 'paused')
    const frozen = term.lines()[3]
    await new Promise((r) => setTimeout(r, 400))
    expect(term.lines()[3]).toBe(frozen)
    term.key('p')
    await until(() => !/PAUSED/.test(term.text()) && term.lines()[3] !== frozen, 'resumed')

    // r asks first; n cancels, y sends srst
    term.key('r')
    await until(() => /Reset the statistics of all 2 servers \(srst\)\? y\/n/.test(term.text()), 'the reset question')
    term.key('n')
    await until(() => /Reset cancelled/.test(term.text()), 'reset cancelled')
    expect(a.asked).not.toContain('srst')
    term.key('r')
    term.key('y')
    await until(() => /Server stats reset on 1 of 2 servers; srst not whitelisted/.test(term.text()), 'reset done')
    expect(a.asked).toContain('srst')

    // h: help; any key closes it
    term.key('h')
    await until(() => /this help \(any key closes it\)/.test(term.text()), 'help')
    term.key('x')
    await until(() => !/this help/.test(term.text()), 'help closed')

    // resize redraws at the new size
    term.resize(60, 12)
    await until(() => term.lines().length === 12 && term.lines().every((l) => l.length <= 59), 'resize')
    expect(term.lines()[0]).toMatch(/^Ensemble/)
    for (const [w, h] of [[1, 1], [5, 2], [30, 4]] as const) {
      term.resize(w, h)
      await until(() => term.lines().length === h, `resize to ${w}x${h}`)
    }
    expect(term.lines()[0]).toBe('Ensemble -- nodecount:42 zxid')
    term.resize(120, 30)

    // a server that goes away shows as down with the reason, and comes back by itself
    const port = b.port
    await b.stop()
    await until(() => new RegExp(`^1  127\\.0\\.0\\.1 +${port} U  down: connection refused`, 'm').test(term.text()), 'server 1 down')
    await b.start(port)
    await until(() => new RegExp(`^1  127\\.0\\.0\\.1 +${port} F `, 'm').test(term.text()), 'server 1 back')

    // q quits with 0 and gives the terminal back (alternate screen left, cursor shown)
    term.key('q')
    expect(await done).toBe(0)
    expect(term.written).toContain('\x1b[?1049l')
    expect(term.written).toContain('\x1b[?25h')
    expect(monitor.loopState).toBe('stopped')
  })

  it('gives the terminal back on a signal and on an error while drawing', async () => {
    const term = new FakeTerminal()
    const monitor = new Monitor([{id: 0, host: '127.0.0.1', port: a.port}], {delayMs: 1000})
    const done = runScreen(monitor, {input: term.input, output: term.output, color: true, terminal: 'xterm', signals: ['SIGUSR2'], onScreen: (s) => (term.screen = s)})
    await until(() => /sessions:3/.test(term.text()), 'first poll')
    expect(term.written).toMatch(/\x1b\[3\dm/) // colours with color: true
    process.emit('SIGUSR2', 'SIGUSR2')
    expect(await done).toBe(128)
    expect(term.written).toContain('\x1b[?1049l')

    const term2 = new FakeTerminal()
    const broken = new Monitor([{id: 0, host: '127.0.0.1', port: a.port}], {delayMs: 1000})
    const done2 = runScreen(broken, {input: term2.input, output: term2.output, color: false, terminal: 'xterm', signals: []})
    Object.defineProperty(broken.view, 'targets', {get: () => { throw new Error('boom') }})
    broken.emit('change')
    await expect(done2).rejects.toThrow('boom')
    expect(term2.written).toContain('\x1b[?1049l')
    expect(term2.written).not.toMatch(/\x1b\[3\dm/) // no colours with color: false
  })
})

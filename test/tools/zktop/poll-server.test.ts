// The fallback chain over real sockets, against servers that refuse words, hang, or are gone.
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import {pollServer, resetServerStats} from '../../../src/tools/zktop/poll-server.js'
import {sendFourLetterWord} from '../../../src/tools/zktop/four-letter-client.js'
import {FakeFourLetterServer, HANG, NOT_WHITELISTED, srvrReply, type Replies} from './fake-four-letter-server.js'

const sample = (name: string): string => readFileSync(join(import.meta.dirname, 'fixtures', 'zk-3.8', name), 'utf8')
const servers: FakeFourLetterServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()))
})
async function serve(replies: Replies): Promise<FakeFourLetterServer> {
  const s = await new FakeFourLetterServer(replies).start()
  servers.push(s)
  return s
}
const target = (s: FakeFourLetterServer) => ({id: 0, host: '127.0.0.1', port: s.port})

describe('the fallback chain', () => {
  it('reads stat, then cons for latency and mntr for details', async () => {
    const s = await serve({stat: sample('stat.txt'), cons: sample('cons.txt'), mntr: sample('mntr.txt')})
    const snap = await pollServer(target(s), {details: true})
    expect(snap).toMatchObject({status: 'up', source: 'stat', notes: []})
    expect(snap.clients!.find((c) => c.port === 33670)).toMatchObject({received: 9, sessionId: '0x1000009dd800003', maxLatency: 3})
    expect(snap.mntr!.get('zk_watch_count')).toBe('4')
    expect(s.asked).toEqual(['stat', 'cons', 'mntr'])
    await pollServer(target(s))
    expect(s.asked.slice(3)).toEqual(['stat']) // --once text asks stat only, like zktop.py
  })

  it('falls back to srvr + cons when stat is not whitelisted, and says which setting enables it', async () => {
    const s = await serve({stat: NOT_WHITELISTED('stat'), srvr: sample('srvr.txt'), cons: sample('cons.txt'), mntr: NOT_WHITELISTED('mntr')})
    const snap = await pollServer(target(s), {details: true})
    expect(snap.status).toBe('up')
    expect(snap.source).toBe('srvr+cons')
    expect(snap.stats!.received).toBe(1269)
    expect(snap.clients).toHaveLength(3)
    expect(snap.notes).toEqual(['stat, mntr not whitelisted: no mntr figures (or give --admin-url); add stat, mntr to 4lw.commands.whitelist (or set it to *)'])
  })

  it('keeps the server figures without a client list when only srvr is allowed (ZooKeeper 3.5+ default)', async () => {
    const s = await serve({stat: NOT_WHITELISTED('stat'), srvr: srvrReply({received: 7, connections: 2}), cons: NOT_WHITELISTED('cons')})
    const snap = await pollServer(target(s))
    expect(snap).toMatchObject({status: 'up', source: 'srvr'})
    expect(snap.clients).toBeUndefined()
    expect(snap.notes[0]).toMatch(/^stat, cons not whitelisted: no client list \(or give --admin-url\); add stat, cons to 4lw.commands.whitelist/)
  })

  it('is blind, not down, when every word is refused', async () => {
    const s = await serve({stat: NOT_WHITELISTED('stat'), srvr: NOT_WHITELISTED('srvr')})
    const snap = await pollServer(target(s))
    expect(snap).toMatchObject({status: 'blind', reason: 'four-letter words not whitelisted'})
    expect(snap.notes[0]).toMatch(/no server figures \(or give --admin-url\)/)
  })

  it('is down with the reason when refused, silent or not serving', async () => {
    const gone = await serve({})
    const port = gone.port
    await gone.stop()
    expect(await pollServer({id: 0, host: '127.0.0.1', port})).toMatchObject({status: 'down', reason: `connection refused by 127.0.0.1:${port}`})
    const silent = await serve({stat: HANG})
    expect(await pollServer(target(silent), {timeoutMs: 300})).toMatchObject({status: 'down', reason: "no answer to 'stat' within 0.3s"})
    const starting = await serve({stat: 'This ZooKeeper instance is not currently serving requests\n'})
    expect(await pollServer(target(starting))).toMatchObject({status: 'down', reason: 'not currently serving requests'})
    const garbage = await serve({stat: 'hello\n', srvr: 'hello\n'})
    const g = await pollServer(target(garbage))
    expect(g).toMatchObject({status: 'blind', reason: 'replies not understood (see the notes)'})
    expect(g.notes.join()).toMatch(/cannot parse the 'stat' reply/)
  })

  it('srst, and its refusal', async () => {
    const ok = await serve({srst: sample('srst.txt')})
    expect(await resetServerStats(target(ok))).toBeNull()
    const no = await serve({srst: NOT_WHITELISTED('srst')})
    expect(await resetServerStats(target(no))).toMatch(/srst not whitelisted .*add srst to 4lw.commands.whitelist/)
  })

  it('half-closes after the word unless --fix_330', async () => {
    const s = await serve({ruok: 'imok'})
    expect(await sendFourLetterWord('127.0.0.1', s.port, 'ruok')).toBe('imok')
    expect(await sendFourLetterWord('127.0.0.1', s.port, 'ruok', {halfClose: false})).toBe('imok')
  })
})

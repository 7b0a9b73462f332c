// ktool zktop against ktool's own ZooKeeper server (in-process, test/helpers/zookeeper.ts): the
// same --once/--json checks as against Apache ZooKeeper 3.8, the fallbacks, srst from the screen,
// and a server stopped while watched that comes back.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ktool} from '../../helpers/cli.js'
import {startZooKeeper, type StartedZooKeeper} from '../../helpers/zookeeper.js'
import {parseWhitelist} from '../../../src/zookeeper/config.js'
import {sendFourLetterWord} from '../../../src/tools/zktop/four-letter-client.js'
import {parseSrvr} from '../../../src/tools/zktop/parse-four-letter.js'
import {Monitor} from '../../../src/tools/zktop/monitor.js'
import {runScreen} from '../../../src/tools/zktop/screen.js'
import {checkJson, checkOnce, clientRows} from './snapshot-checks.js'
import {FakeTerminal, until} from './fake-terminal.js'
import {openSession, type Session} from './zk-session.js'

describe('zktop against ktool zookeeper-start', () => {
  let open: StartedZooKeeper // 4lw.commands.whitelist=*
  let closed: StartedZooKeeper // srvr only, AdminServer on
  const sessions: Session[] = []

  beforeAll(async () => {
    open = await startZooKeeper({fourLetterWords: parseWhitelist('*')})
    closed = await startZooKeeper({fourLetterWords: parseWhitelist('srvr'), adminEnableServer: true, adminServerPort: 0, adminServerAddress: '127.0.0.1'})
    sessions.push(await openSession(open.connectString, '/zktop'), await openSession(open.connectString, '/zktop'), await openSession(closed.connectString, '/zktop'))
  })
  afterAll(async () => {
    for (const s of sessions) s.close()
    await open?.stop()
    await closed?.stop()
  })

  it('--once: the same screen checks as against Apache ZooKeeper', async () => {
    await checkOnce(open.port, 2)
  })

  it('--json: the same fields as against Apache ZooKeeper', async () => {
    await checkJson(open.port, 2)
  })

  it('falls back to srvr, then to the AdminServer', async () => {
    const r = await ktool(['zktop', '--servers', `127.0.0.1:${closed.port}`, '--once'])
    expect(r.status).toBe(0)
    expect(clientRows(r.stdout)).toHaveLength(0)
    expect(r.stderr).toMatch(/stat, cons not whitelisted: no client list \(or give --admin-url\); add stat, cons to 4lw.commands.whitelist/)
    const adminUrl = `http://127.0.0.1:${closed.server.adminPort}`
    const j = JSON.parse((await ktool(['zktop', '--servers', `127.0.0.1:${closed.port}`, '--admin-url', adminUrl, '--json'])).stdout)
    expect(j.servers[0]).toMatchObject({status: 'up', source: 'srvr+admin', mode: 'standalone'})
    expect(j.servers[0].mntr).toMatchObject({ephemeralsCount: 1, serverState: 'standalone'})
    expect(j.clients.filter((c: {sessionId?: string}) => c.sessionId)).toHaveLength(1)
  })

  it('r then y resets the server statistics (srst); a stopped server shows as down and comes back', async () => {
    const extra = await startZooKeeper({fourLetterWords: parseWhitelist('*')})
    let restarted: StartedZooKeeper | undefined
    const term = new FakeTerminal()
    const targets = [{id: 0, host: '127.0.0.1', port: open.port}, {id: 1, host: '127.0.0.1', port: extra.port}]
    const monitor = new Monitor(targets, {delayMs: 200, unicode: false, poll: {timeoutMs: 1000}})
    const done = runScreen(monitor, {input: term.input, output: term.output, color: false, terminal: 'xterm', signals: [], onScreen: (s) => (term.screen = s)})
    try {
      await until(() => new RegExp(`^1  127\\.0\\.0\\.1 +${extra.port} S `, 'm').test(term.text()), 'both servers')
      const before = parseSrvr(await sendFourLetterWord('127.0.0.1', open.port, 'srvr')).received
      expect(before).toBeGreaterThan(10)
      term.key('r')
      await until(() => /srst\)\? y\/n/.test(term.text()), 'the question')
      term.key('y')
      await until(() => /Server stats reset$/m.test(term.text()), 'the reset')
      expect(parseSrvr(await sendFourLetterWord('127.0.0.1', open.port, 'srvr')).received).toBeLessThan(before)

      const {port, dataDir} = extra
      await extra.stop({keepData: true})
      await until(() => new RegExp(`^1  127\\.0\\.0\\.1 +${port} U  down: connection refused`, 'm').test(term.text()), 'server 1 down')
      restarted = await startZooKeeper({fourLetterWords: parseWhitelist('*'), clientPort: port, dataDir})
      await until(() => new RegExp(`^1  127\\.0\\.0\\.1 +${port} S `, 'm').test(term.text()), 'server 1 back')
    } finally {
      term.key('q')
      expect(await done).toBe(0)
      await restarted?.stop()
      await extra.stop().catch(() => {})
    }
  })
})

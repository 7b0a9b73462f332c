// ktool zktop against Apache ZooKeeper 3.8 from Debian: --once and --json, the fallback chain on a
// server with the default whitelist and its AdminServer, the screen in tmux, and Debian's zktop
// beside ours on the same server. Two JVMs are started once for the whole file.
import {execFileSync, spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ktool, ROOT} from '../../helpers/cli.js'
import {requirePeers} from '../../helpers/peers.js'
import {sendFourLetterWord} from '../../../src/tools/zktop/four-letter-client.js'
import {parseSrvr} from '../../../src/tools/zktop/parse-four-letter.js'
import {checkJson, checkOnce, clientRows} from './snapshot-checks.js'
import {freePort, startApacheZooKeeper, type ApacheZooKeeper} from './apache-zookeeper.js'
import {openSession, type Session} from './zk-session.js'

const word = (zk: ApacheZooKeeper, w: string): Promise<string> => sendFourLetterWord('127.0.0.1', zk.port, w)

describe.skipIf(!requirePeers('zookeeper', 'java'))('zktop against Apache ZooKeeper 3.8', () => {
  let open: ApacheZooKeeper // 4lw.commands.whitelist=*
  let closed: ApacheZooKeeper // the default whitelist (srvr only)
  const sessions: Session[] = []

  beforeAll(async () => {
    ;[open, closed] = await Promise.all([startApacheZooKeeper({whitelist: '*'}), startApacheZooKeeper()])
    sessions.push(await openSession(open.connectString, '/zktop'), await openSession(open.connectString, '/zktop'), await openSession(closed.connectString, '/zktop'))
  }, 60_000)

  afterAll(async () => {
    for (const s of sessions) s.close()
    await Promise.all([open?.cleanup(), closed?.cleanup()])
  })

  it('--once prints zktop.py\'s screen with the server\'s own figures, exit 0', async () => {
    await checkOnce(open.port, 2)
  })

  it('--json carries the same fields, with mntr figures and session details', async () => {
    await checkJson(open.port, 2)
  })

  it('falls back to srvr where stat is not whitelisted (the 3.5+ default) and names the setting', async () => {
    const r = await ktool(['zktop', '--servers', `127.0.0.1:${closed.port}`, '--once'])
    expect(r.status).toBe(0)
    const lines = r.stdout.split('\n')
    // no client lines to count: CONNS is the server's Connections figure
    const srvr = parseSrvr(await word(closed, 'srvr'))
    expect(lines[3]).toMatch(new RegExp(`^0  127\\.0\\.0\\.1 +${closed.port} S +0 +\\d+ +\\d+ +${srvr.connections} `))
    expect(clientRows(r.stdout)).toHaveLength(0)
    expect(r.stderr).toMatch(/stat, cons not whitelisted: no client list \(or give --admin-url\); add stat, cons to 4lw.commands.whitelist/)
  })

  it('reads the AdminServer\'s /commands when given --admin-url', async () => {
    const r = await ktool(['zktop', '--servers', `127.0.0.1:${closed.port}`, '--admin-url', closed.adminUrl, '--json'])
    expect(r.status).toBe(0)
    const j = JSON.parse(r.stdout)
    expect(j.servers[0]).toMatchObject({status: 'up', source: 'srvr+admin', mode: 'standalone'})
    expect(j.servers[0].mntr).toMatchObject({ephemeralsCount: 1, serverState: 'standalone'})
    expect(j.servers[0].notes[0]).toMatch(/read from the AdminServer/)
    const conns = (await (await fetch(`${closed.adminUrl}/commands/connections`)).text())
    const sid = BigInt(/"session_id" : (\d+)/.exec(conns)![1]!)
    expect(j.clients.map((c: {sessionId?: string}) => c.sessionId)).toContain('0x' + sid.toString(16))
  })

  it('exits 1 with the unreachable server shown as down', async () => {
    const port = await freePort()
    const r = await ktool(['zktop', '--servers', `127.0.0.1:${open.port},127.0.0.1:${port}`, '--once'])
    expect(r.status).toBe(1)
    expect(r.stdout.split('\n')[4]).toBe(`1  127.0.0.1       ${port} U  down: connection refused by 127.0.0.1:${port}`)
    const j = JSON.parse((await ktool(['zktop', '--servers', `127.0.0.1:${port}`, '--json'])).stdout)
    expect(j.servers[0]).toMatchObject({status: 'down', modeLetter: 'U', reason: `connection refused by 127.0.0.1:${port}`})
  })

  describe.skipIf(!requirePeers('tmux'))('in tmux', () => {
    const socket = `ktool-zktop-${process.pid}`
    const dir = mkdtempSync(join(tmpdir(), 'ktool-'))
    const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'})
    const capture = (session: string): string => tmux('capture-pane', '-t', session, '-p')
    async function until(session: string, re: RegExp, what: string, ms = 15_000): Promise<string> {
      const end = Date.now() + ms
      for (;;) {
        const text = capture(session)
        if (re.test(text)) return text
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}; screen:\n${text}`)
        await new Promise((r) => setTimeout(r, 100))
      }
    }
    function start(session: string, command: string): void {
      const env = `NCURSES_NO_UTF8_ACS=1 NODE_ENV=production LANG=C.UTF-8 TERM=xterm-256color`
      tmux('new-session', '-d', '-s', session, '-x', '132', '-y', '36', `cd ${ROOT} && env ${env} ${command}; echo EXIT=$?; sleep 60`)
    }
    const childPid = (session: string): number => {
      const shell = tmux('display', '-p', '-t', session, '#{pane_pid}').trim()
      return Number(execFileSync('ps', ['--ppid', shell, '-o', 'pid='], {encoding: 'utf8'}).trim().split('\n')[0])
    }

    afterAll(() => {
      spawnSync('tmux', ['-L', socket, 'kill-server'])
      rmSync(dir, {recursive: true, force: true})
    })

    it('starts, sorts, selects, pauses, sees a server stop and come back, quits with 0', async () => {
      start('a', `node bin/run.js zktop --servers 127.0.0.1:${open.port},127.0.0.1:${closed.port} --delay 0.5`)
      await until('a', new RegExp(`^1  127\\.0\\.0\\.1 +${closed.port} S `, 'm'), 'both servers')
      // the 2 sessions on the open server and our own stat connection (the cons and mntr connections
      // of the last poll may still be listed); the first screen may be drawn before the open
      // server's first stat reply, so wait for a poll that has it
      let screen = await until('a', /^Ensemble -- nodecount:\d+ zxid:0x[0-9a-f]+ sessions:([3-9]|\d\d+)$/m, 'the open server\'s sessions')
      expect(screen).toMatch(new RegExp(`^0  127\\.0\\.0\\.1 +${open.port} S `, 'm'))
      expect(screen).toMatch(/stat, cons, mntr not whitelisted: no client list, no mntr figures/) // the note for the closed server
      expect(screen).toMatch(/^sort:queued  every 0\.5s/m)
      tmux('send-keys', '-t', 'a', 's')
      await until('a', /^sort:received/m, 'sort by received')
      tmux('send-keys', '-t', 'a', 'j')
      await until('a', new RegExp(`^Server 1  127\\.0\\.0\\.1:${closed.port}  standalone`, 'm'), 'select server 1')
      tmux('send-keys', '-t', 'a', 'p')
      await until('a', /PAUSED/, 'pause')
      tmux('send-keys', '-t', 'a', 'p')
      await until('a', /^sort:received  every 0\.5s {3}q:quit/m, 'resume')
      // a smaller terminal: redrawn, every line cut to the width - 1
      tmux('resize-window', '-t', 'a', '-x', '50', '-y', '12')
      screen = await until('a', /^ID SERVER           PORT M    OUTST    RECVD *$/m, 'resize')
      expect(screen.split('\n').every((l) => l.length <= 49)).toBe(true)
      tmux('resize-window', '-t', 'a', '-x', '132', '-y', '36')
      await until('a', /^ID SERVER .* MAXLAT/m, 'resize back')

      await closed.stop()
      screen = await until('a', new RegExp(`^1  127\\.0\\.0\\.1 +${closed.port} U  down: connection refused`, 'm'), 'server 1 down')
      expect(screen).toMatch(/down: connection refused .*asking again every 0\.5s/)
      await closed.start()
      await until('a', new RegExp(`^1  127\\.0\\.0\\.1 +${closed.port} S `, 'm'), 'server 1 back', 30_000)
      sessions.push(await openSession(closed.connectString, '/zktop'))

      tmux('send-keys', '-t', 'a', 'q')
      screen = await until('a', /^EXIT=\d+/m, 'exit')
      expect(screen).toMatch(/^EXIT=0$/m)
      expect(screen).not.toMatch(/Ensemble/) // the alternate screen is gone: the terminal is back
    }, 90_000)

    it('gives the terminal back on SIGTERM (exit 143), and logs to -l', async () => {
      const log = join(dir, 'zktop.log')
      start('b', `node bin/run.js zktop --servers 127.0.0.1:${open.port} --delay 1 -l ${log} -v DEBUG`)
      await until('b', /^0  127\.0\.0\.1 +\d+ S /m, 'the screen')
      process.kill(childPid('b'), 'SIGTERM')
      const screen = await until('b', /^EXIT=\d+/m, 'exit')
      expect(screen).toMatch(/^EXIT=143$/m)
      expect(screen).not.toMatch(/Ensemble/)
      // -l/-v as zktop.py's: the polls went to the log file, never to the screen
      expect(readFileSync(log, 'utf8')).toMatch(new RegExp(`^\\[[\\d-]+ [\\d:,]+\\] DEBUG 127\\.0\\.0\\.1:${open.port} standalone via stat: received \\d+, \\d+ clients \\(zktop\\)$`, 'm'))
    }, 30_000)

    it.skipIf(!requirePeers('zktop'))('shows the same counts as Debian\'s zktop on the same server', async () => {
      start('py', `/usr/bin/zktop --servers=127.0.0.1:${open.port}`)
      const theirs = await until('py', new RegExp(`^0  127\\.0\\.0\\.1 +${open.port} S `, 'm'), "zktop.py's screen")
      const ours = (await ktool(['zktop', '--servers', `127.0.0.1:${open.port}`, '--once'])).stdout
      const ensemble = (t: string): string => /^Ensemble -- (nodecount:\d+ zxid:0x[0-9a-f]+) sessions:(\d+)/m.exec(t)!.slice(1).join(' ')
      expect(ensemble(ours)).toBe(ensemble(theirs))
      // the same header lines, column for column
      expect(ours.split('\n')[2]).toBe(theirs.split('\n')[2]!.trimEnd())
      expect(ours.split('\n')[5]).toBe(theirs.split('\n')[5]!.trimEnd())
      // the same sessions (each tool also lists its own stat connection: recved 1, sent 0)
      const sessionsOf = (t: string): string[] => clientRows(t).filter((r) => Number(r[5]) > 1).map((r) => `${r[1]} ${r[2]} ${r[3]}`).sort()
      expect(sessionsOf(ours)).toEqual(sessionsOf(theirs))
      expect(sessionsOf(ours).length).toBeGreaterThanOrEqual(2)
      // the same server row up to the counters that move between two polls
      const row = (t: string): string[] => t.split('\n')[3]!.trim().split(/ +/)
      expect(row(ours).slice(0, 5)).toEqual(row(theirs).slice(0, 5))
      expect(row(ours)[7]).toBe(row(theirs)[7]) // CONNS
      tmux('send-keys', '-t', 'py', 'q')
      await until('py', /^EXIT=0$/m, 'zktop.py quit')
    }, 30_000)
  })
})

// Starts Debian's Apache ZooKeeper 3.8 (the jars in /usr/share/java) standalone on a free port with
// a temp dataDir, for the zktop interop tests. The AdminServer needs servlet-api beside the jars that
// zookeeper.jar's manifest names.
import {spawn, type ChildProcess} from 'node:child_process'
import {mkdtempSync, mkdirSync, rmSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {sendFourLetterWord} from '../../../src/tools/zktop/four-letter-client.js'

const CLASSPATH = ['/usr/share/java/zookeeper.jar', '/usr/share/java/servlet-api.jar', '/usr/share/java/slf4j-nop.jar'].join(':')

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as {port: number}).port
      s.close(() => resolve(port))
    })
  })
}

export interface ApacheZooKeeper {
  port: number
  adminPort: number
  adminUrl: string
  connectString: string
  dir: string
  start(): Promise<void>
  /** Kills the JVM (SIGKILL: the port is free at once). */
  stop(): Promise<void>
  cleanup(): Promise<void>
}

export async function startApacheZooKeeper(opts: {whitelist?: string} = {}): Promise<ApacheZooKeeper> {
  const dir = mkdtempSync(join(tmpdir(), 'ktool-'))
  mkdirSync(join(dir, 'data'))
  const port = await freePort()
  const adminPort = await freePort()
  const cfg = join(dir, 'zoo.cfg')
  writeFileSync(cfg, [
    `dataDir=${join(dir, 'data')}`, `clientPort=${port}`, 'clientPortAddress=127.0.0.1', 'tickTime=2000', 'maxClientCnxns=0',
    ...(opts.whitelist ? [`4lw.commands.whitelist=${opts.whitelist}`] : []),
  ].join('\n') + '\n')
  let child: ChildProcess | undefined
  const zk: ApacheZooKeeper = {
    port, adminPort, dir,
    adminUrl: `http://127.0.0.1:${adminPort}`,
    connectString: `127.0.0.1:${port}`,
    async start() {
      child = spawn('java', [
        '-Xmx256m', '-XX:TieredStopAtLevel=1', '-Xshare:auto',
        '-Dzookeeper.admin.enableServer=true', `-Dzookeeper.admin.serverPort=${adminPort}`, '-Dzookeeper.admin.serverAddress=127.0.0.1',
        '-cp', CLASSPATH, 'org.apache.zookeeper.server.ZooKeeperServerMain', cfg,
      ], {stdio: ['ignore', 'ignore', 'pipe']})
      let stderr = ''
      child.stderr!.on('data', (d) => (stderr += d))
      const deadline = Date.now() + 30_000
      // srvr answers only once the database is loaded (ruok can hang in the first ~20 ms).
      for (;;) {
        if (child.exitCode !== null) throw new Error(`ZooKeeper exited with ${child.exitCode}: ${stderr}`)
        try {
          if ((await sendFourLetterWord('127.0.0.1', port, 'srvr', {timeoutMs: 500})).includes('Mode:')) break
        } catch { /* not yet */ }
        if (Date.now() > deadline) throw new Error(`ZooKeeper on ${port} did not start: ${stderr}`)
        await new Promise((r) => setTimeout(r, 100))
      }
      for (;;) {
        try {
          if ((await fetch(`${zk.adminUrl}/commands/ruok`)).ok) break
        } catch { /* Jetty starts a little later */ }
        if (Date.now() > deadline) throw new Error(`ZooKeeper's AdminServer on ${adminPort} did not start`)
        await new Promise((r) => setTimeout(r, 100))
      }
    },
    async stop() {
      const c = child
      child = undefined
      if (!c || c.exitCode !== null) return
      await new Promise<void>((resolve) => {
        c.once('exit', () => resolve())
        c.kill('SIGKILL')
      })
    },
    async cleanup() {
      await zk.stop()
      rmSync(dir, {recursive: true, force: true})
    },
  }
  await zk.start()
  return zk
}

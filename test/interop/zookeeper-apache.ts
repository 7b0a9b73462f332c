// Starts Apache ZooKeeper 3.8 (Debian's package) on a free port with a temp dataDir, for the
// interop tests. Not a test file: test/interop/zookeeper*.test.ts import it.
import {spawn, type ChildProcess} from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import {ZOOKEEPER_HOME} from '../helpers/peers.js'

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port
      s.close(() => resolve(port))
    })
  })
}

export function word(port: number, w: string): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => s.end(w))
    let out = ''
    s.setEncoding('utf8').on('data', (d) => (out += d))
    s.on('close', () => resolve(out))
    s.on('error', () => resolve(''))
    s.setTimeout(1000, () => s.destroy())
  })
}

export interface ApacheZk {
  port: number
  dataDir: string
  child: ChildProcess
  stop(): Promise<void>
}

export const ZK_CFG = {tickTime: 500, extendedTypesEnabled: true}

export async function startApacheZk(dataDir?: string): Promise<ApacheZk> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'ktool-'))
  const dir = dataDir ?? path.join(base, 'data')
  fs.mkdirSync(dir, {recursive: true})
  const port = await freePort()
  const conf = path.join(base, 'conf')
  fs.mkdirSync(conf)
  fs.writeFileSync(path.join(conf, 'zoo.cfg'), [
    `tickTime=${ZK_CFG.tickTime}`, `dataDir=${dir}`, `clientPort=${port}`, 'clientPortAddress=127.0.0.1', 'maxClientCnxns=0',
    'admin.enableServer=false', '4lw.commands.whitelist=*', 'extendedTypesEnabled=true', '',
  ].join('\n'))
  const child = spawn(path.join(ZOOKEEPER_HOME, 'bin/zkServer.sh'), ['start-foreground', path.join(conf, 'zoo.cfg')], {
    env: {...process.env, ZOOCFGDIR: conf, ZOO_LOG_DIR: base},
    stdio: process.env.KTOOL_ZK_DEBUG ? 'inherit' : 'ignore',
  })
  const end = Date.now() + 30000
  // ruok answers imok before the database is loaded; srvr says so until it is serving.
  while (!(await word(port, 'srvr')).startsWith('Zookeeper version')) {
    if (Date.now() > end || child.exitCode !== null) throw new Error('Apache ZooKeeper did not start')
    await new Promise((r) => setTimeout(r, 100))
  }
  return {
    port,
    dataDir: dir,
    child,
    async stop() {
      if (child.exitCode === null) {
        const done = new Promise((r) => child.on('exit', r))
        child.kill('SIGTERM')
        await Promise.race([done, new Promise((r) => setTimeout(r, 5000))])
        if (child.exitCode === null) child.kill('SIGKILL')
      }
      fs.rmSync(base, {recursive: true, force: true})
    },
  }
}

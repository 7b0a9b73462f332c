// Starts a ktool ZooKeeper server in-process on a free port with a temp dataDir.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {Logger} from '../../src/common/logger.js'
import {ZooKeeperServer, type ZooKeeperConfig} from '../../src/zookeeper/server.js'

export interface StartedZooKeeper {
  server: ZooKeeperServer
  port: number
  connectString: string
  dataDir: string
  /** Log lines, when opts.captureLogs is set. */
  logs: string[]
  stop(opts?: {keepData?: boolean}): Promise<void>
}

export async function startZooKeeper(opts: Partial<ZooKeeperConfig> & {captureLogs?: boolean} = {}): Promise<StartedZooKeeper> {
  const {captureLogs, ...config} = opts
  const dataDir = config.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ktool-'))
  const logs: string[] = []
  const logger = captureLogs
    ? new Logger('org.apache.zookeeper.server.ZooKeeperServer', (l) => logs.push(l), 'DEBUG')
    : new Logger('org.apache.zookeeper.server.ZooKeeperServer', () => {}, 'ERROR')
  const server = new ZooKeeperServer({clientPort: 0, clientPortAddress: '127.0.0.1', tickTime: 500, preAllocSize: 1024 * 1024, ...config, dataDir}, logger)
  await server.start()
  const port = server.port
  return {
    server,
    port,
    connectString: `127.0.0.1:${port}`,
    dataDir,
    logs,
    async stop({keepData = false} = {}) {
      await server.stop()
      if (!keepData && !config.dataDir) fs.rmSync(dataDir, {recursive: true, force: true})
    },
  }
}

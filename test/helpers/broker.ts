// Starts a real KafkaBroker in-process on a free port with a temporary log dir. The embedded
// ZooKeeper listens on a free port (never 2181 in tests). Lines go to memory unless
// KTOOL_TEST_LOG=1.
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Logger} from '../../src/common/logger.js'
import {KafkaBroker} from '../../src/broker/server.js'

export interface StartedBroker {
  broker: KafkaBroker
  port: number
  bootstrap: string
  logDir: string
  lines: string[]
  /** Stops the broker; the log dir is removed unless keepLogDir. */
  stop(opts?: {keepLogDir?: boolean}): Promise<void>
}

export async function startBroker(overrides: Record<string, string> = {}): Promise<StartedBroker> {
  const logDir = overrides['log.dirs'] ?? mkdtempSync(join(tmpdir(), 'ktool-'))
  const props = new Map<string, string>([
    ['broker.id', '0'],
    ['listeners', 'PLAINTEXT://127.0.0.1:0'],
    ['log.dirs', logDir],
    ['offsets.topic.replication.factor', '1'],
    ['offsets.topic.num.partitions', '4'],
    ['group.initial.rebalance.delay.ms', '0'],
    ['ktool.zookeeper.port', '0'],
    ...Object.entries(overrides),
  ])
  const lines: string[] = []
  const sink = process.env.KTOOL_TEST_LOG === '1' ? (l: string) => process.stderr.write(l + '\n') : (l: string) => void lines.push(l)
  const logger = new Logger('kafka.server.KafkaServer', sink, 'INFO')
  const broker = new KafkaBroker(props, logger)
  await broker.start()
  const port = broker.port
  return {
    broker,
    port,
    bootstrap: `127.0.0.1:${port}`,
    logDir,
    lines,
    async stop(opts = {}) {
      await broker.stop()
      if (!opts.keepLogDir && !overrides['log.dirs']) rmSync(logDir, {recursive: true, force: true})
    },
  }
}

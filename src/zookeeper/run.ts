// What `ktool zookeeper-start` does once its arguments are parsed (QuorumPeerMain in standalone
// mode): read the config, start a ZooKeeperServer, stop it cleanly on SIGTERM/SIGINT (a second
// SIGINT exits at once) and return the process exit code:
//   0 clean stop, 1 unexpected error, 2 invalid config or arguments, 3 data dir not usable,
//   4 AdminServer failed to start. Log lines go to stdout as ZooKeeper's log4j console does.
import {applyOverrides, PropertiesError, readPropertiesFile} from '../common/properties.js'
import {Logger} from '../common/logger.js'
import {ConfigError, parseZooKeeperConfig} from './config.js'
import {ServerStartError, ZooKeeperServer} from './server.js'

export interface RunOptions {
  /** A properties file, or ZooKeeper's positional form: port dataDir [tickTime] [maxClientCnxns]. */
  args: string[]
  overrides: string[]
  /** Where log lines go (stdout by default). */
  sink?: (line: string) => void
  /** Resolves when the server is serving (tests). */
  onStarted?: (server: ZooKeeperServer) => void
  signals?: boolean
}

/** Kafka's shipped config/zookeeper.properties, used when no file is given. */
export const KAFKA_ZOOKEEPER_PROPERTIES: [string, string][] = [
  ['dataDir', '/tmp/zookeeper'],
  ['clientPort', '2181'],
  ['maxClientCnxns', '0'],
  ['admin.enableServer', 'false'],
]

function positional(args: string[]): Map<string, string> | null {
  if (args.length < 2 || !/^\d+$/.test(args[0]!)) return null
  const m = new Map<string, string>([['clientPort', args[0]!], ['dataDir', args[1]!]])
  if (args[2] !== undefined) m.set('tickTime', args[2])
  if (args[3] !== undefined) m.set('maxClientCnxns', args[3])
  return m
}

/**
 * KTOOL_ZK_DEBUG_MEMORY=<ms>: log where the memory goes every <ms> (RSS, V8 heap by space,
 * external and array buffers), to study the footprint under load. Off by default.
 */
async function debugMemory(logger: Logger, everyMs: number): Promise<void> {
  const v8 = await import('node:v8')
  const mb = (n: number) => (n / 1048576).toFixed(1)
  setInterval(() => {
    const m = process.memoryUsage()
    const spaces = v8.getHeapSpaceStatistics().map((s) => `${s.space_name.replace('_space', '')}=${mb(s.space_size)}/${mb(s.physical_space_size)}/${mb(s.space_used_size)}`).join(' ')
    logger.info(`memory: rss=${mb(m.rss)} heapTotal=${mb(m.heapTotal)} heapUsed=${mb(m.heapUsed)} external=${mb(m.external)} arrayBuffers=${mb(m.arrayBuffers)} ${spaces}`)
  }, everyMs).unref()
}

/**
 * Keeps the V8 heap close to what the server holds. Measured with bench/zookeeper.mjs and 16 s
 * runs of 32 kazoo sessions (bench/zk-load.py), server CPU per 1000 requests unchanged within
 * noise:
 * - the young generation stays at its start-up size (1 MB semi-spaces) instead of doubling up to
 *   16 MB per semi-space under load (--semi-space-growth-factor=1): a request's garbage lives for
 *   the few ms of an fsync, so a small nursery collects it as well; saves 12-16 MB of RSS;
 * - the old generation grows by 20% of what survived the last full collection before the next
 *   one (--heap-growing-percent=20, V8's default heuristics allow 1.1-4x): the tree and sessions
 *   are the only long-lived data, and requests promoted while waiting for an fsync are garbage;
 *   peak RSS under a sustained load 66-67 MB instead of 74-76.
 * --max-semi-space-size would do the first but is only read when the isolate is created; these
 * two are read at each collection, so setting them here, before the server starts, holds. After
 * a load, V8's memory reducer (about 8 s after the load stops) shrinks both spaces further.
 * A heap flag given by the user (NODE_OPTIONS or the command line) wins.
 */
async function limitHeapGrowth(): Promise<void> {
  const given = `${process.env.NODE_OPTIONS ?? ''} ${process.execArgv.join(' ')}`
  if (/semi[-_]space|heap[-_]growing/.test(given)) return
  const v8 = await import('node:v8')
  v8.setFlagsFromString('--semi-space-growth-factor=1')
  v8.setFlagsFromString('--heap-growing-percent=20')
}

export async function runZooKeeperStart(opts: RunOptions): Promise<number> {
  await limitHeapGrowth()
  const sink = opts.sink ?? ((line: string) => process.stdout.write(line + '\n'))
  const logger = new Logger('org.apache.zookeeper.server.ZooKeeperServerMain', sink)
  const fail = (code: number, headline: string, detail?: string) => {
    if (detail) logger.error(detail)
    process.stderr.write(`${headline}\n`)
    return code
  }
  if (opts.args.length > 4) {
    process.stderr.write('Invalid arguments, exiting abnormally\nUsage: ZooKeeperServerMain configfile | port datadir [ticktime] [maxcnxns]\n')
    return 2
  }
  let config
  try {
    let props = positional(opts.args)
    if (!props) {
      if (opts.args.length > 1) {
        process.stderr.write('Invalid arguments, exiting abnormally\nUsage: ZooKeeperServerMain configfile | port datadir [ticktime] [maxcnxns]\n')
        return 2
      }
      if (opts.args[0]) {
        logger.info(`Reading configuration from: ${opts.args[0]}`)
        props = readPropertiesFile(opts.args[0])
      } else {
        logger.info('No configuration file given: using Kafka\'s config/zookeeper.properties defaults')
        props = new Map(KAFKA_ZOOKEEPER_PROPERTIES)
      }
    }
    config = parseZooKeeperConfig(applyOverrides(props, opts.overrides))
  } catch (e) {
    if (e instanceof ConfigError || e instanceof PropertiesError) {
      return fail(2, `Invalid config, exiting abnormally: ${e.message}`, `Invalid config, exiting abnormally: ${e.message}`)
    }
    throw e
  }
  const server = new ZooKeeperServer(config, logger.child('org.apache.zookeeper.server.ZooKeeperServer'))
  // Signals are handled from here on, so that one arriving during start-up (scripts may signal
  // as soon as they see "binding to port") still stops the server cleanly.
  let signalled: NodeJS.Signals | null = null
  let onStop: ((code: number) => void) | null = null
  const stopped = new Promise<number>((resolve) => (onStop = resolve))
  const shutdown = () => {
    logger.info(`Received ${signalled}: shutting down`)
    server.stop().then(
      () => onStop!(0),
      (e) => {
        logger.error(`error while stopping: ${(e as Error).message}`)
        onStop!(1)
      },
    )
  }
  let running = false
  const onSignal = (sig: NodeJS.Signals) => {
    if (signalled) {
      if (sig === 'SIGINT') process.exit(130)
      return
    }
    signalled = sig
    if (running) shutdown()
  }
  if (opts.signals !== false) {
    process.on('SIGTERM', onSignal)
    process.on('SIGINT', onSignal)
  }
  try {
    await server.start()
  } catch (e) {
    if (e instanceof ServerStartError) return fail(e.exitCode, e.message, e.message)
    const err = e as NodeJS.ErrnoException
    if (err.code === 'EADDRINUSE' || err.code === 'EACCES' || err.code === 'EADDRNOTAVAIL') {
      return fail(1, `Unexpected exception, exiting abnormally: ${err.message}`, `Unexpected exception, exiting abnormally: java.net.BindException: ${err.message}`)
    }
    return fail(1, `Unexpected exception, exiting abnormally: ${err.message}`, `Unexpected exception, exiting abnormally: ${err.stack ?? err.message}`)
  }
  running = true
  const memLog = Number(process.env.KTOOL_ZK_DEBUG_MEMORY ?? 0)
  if (memLog > 0) debugMemory(logger, memLog)
  logger.info(`ZooKeeper server is serving on ${config.clientPortAddress}:${server.port} (standalone, dataDir ${config.dataDir})`)
  opts.onStarted?.(server)
  if (signalled) shutdown()
  void server.failed.then((e) => {
    logger.error(`Unexpected exception, exiting abnormally: ${e.message}`)
    onStop!(1)
  })
  return await stopped
}

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
 * Keeps the V8 heap close to what the server holds: the young generation may grow to 4 MB
 * (V8 doubles it up to 32 MB under load) and then stops growing. A request's garbage lives for
 * the few ms of an fsync, so a small nursery collects it as well; a 1 MB one (growth off from the
 * start) promoted requests waiting for their fsync and cost about a quarter more CPU per request
 * at 32 sessions. Measured with bench/zookeeper.mjs (2026-11-22): RSS after the 32-session load
 * 66 MB with the cap, 91 MB without; server CPU per request 16.4k ops/CPU-s with the cap, 17.8k
 * without, 13.8-14.7k with a 1 MB nursery and the old generation held to 20% growth (an earlier
 * choice). --semi-space-growth-factor is read at each collection, so
 * setting it once the nursery reaches the cap holds (checked after each collection: it can
 * overshoot by one doubling); --max-semi-space-size is only read when the isolate is created.
 * A heap flag given by the user (NODE_OPTIONS or the command line) wins.
 */
async function limitHeapGrowth(): Promise<void> {
  const given = `${process.env.NODE_OPTIONS ?? ''} ${process.execArgv.join(' ')}`
  if (/semi[-_]space|heap[-_]growing/.test(given)) return
  const v8 = await import('node:v8')
  const {PerformanceObserver} = await import('node:perf_hooks')
  const newSpace = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0
  const observer = new PerformanceObserver(() => {
    if (newSpace() < NURSERY_CAP_BYTES) return
    v8.setFlagsFromString('--semi-space-growth-factor=1')
    observer.disconnect()
  })
  observer.observe({entryTypes: ['gc']})
}
const NURSERY_CAP_BYTES = 4 * 1024 * 1024

export async function runZooKeeperStart(opts: RunOptions): Promise<number> {
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
  // Once serving (start-up time: node:v8 and perf_hooks cost about 5 ms to load before the port
  // opens): start-up allocates far less than the nursery cap, so the cap still applies from the
  // first collection that reaches it.
  await limitHeapGrowth()
  if (signalled) shutdown()
  void server.failed.then((e) => {
    logger.error(`Unexpected exception, exiting abnormally: ${e.message}`)
    onStop!(1)
  })
  return await stopped
}

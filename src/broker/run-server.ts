// What `ktool server-start` does once its arguments are parsed: read server.properties and the
// overrides, start a KafkaBroker, and stop it cleanly on SIGTERM or SIGINT (a second SIGINT exits
// at once). Start-up failures (bad config, port in use, unwritable log dir, unreachable ZooKeeper)
// are logged the way Kafka logs them and end with exit status 1.
//
// Differences from kafka-server-start.sh: no properties file means Kafka's defaults (Kafka prints
// its usage and exits 1); a signal-initiated clean stop exits 0 (the JVM exits 130/143); no
// -daemon; log lines go to stdout only (no server.log under kafka.logs.dir).
import {Logger} from '../common/logger.js'
import {PropertiesError, applyOverrides, readPropertiesFile, type Properties} from '../common/properties.js'
import {ConfigError, parseBrokerConfig} from './config.js'

export interface ServerStartOptions {
  propertiesFile?: string
  overrides: string[]
  /** Where log lines go (stdout by default, like Kafka's console appender). */
  write?: (line: string) => void
  /** For tests: resolve with the broker once started instead of installing signal handlers. */
  onStarted?: (broker: import('./server.js').KafkaBroker) => void
  installSignalHandlers?: boolean
}

/** Runs the broker until it is stopped by a signal. Resolves with the process exit status. */
export async function runServerStart(opts: ServerStartOptions): Promise<number> {
  const write = opts.write ?? ((line: string) => process.stdout.write(line + '\n'))
  const logger = new Logger('kafka.Kafka$', write)
  const fatal = (message: string): number => {
    logger.error(message)
    process.stderr.write(`ktool server-start: ${message.split('\n')[0]}\n`)
    return 1
  }
  let props: Properties = new Map()
  try {
    if (opts.propertiesFile !== undefined) props = readPropertiesFile(opts.propertiesFile)
    props = applyOverrides(props, opts.overrides)
  } catch (error) {
    if (error instanceof PropertiesError) return fatal(`Exiting Kafka due to fatal exception: ${error.message}`)
    throw error
  }
  let parsed
  try {
    parsed = parseBrokerConfig(props)
  } catch (error) {
    if (error instanceof ConfigError) return fatal(`Exiting Kafka due to fatal exception: org.apache.kafka.common.config.ConfigException: ${error.message}`)
    throw error
  }
  const {KafkaBroker} = await import('./server.js')
  const broker = new KafkaBroker(parsed.config, logger.child('kafka.server.KafkaServer'), {configNotes: parsed})
  const serverLog = logger.child('kafka.server.KafkaServer')

  // Signal handlers go in before start(): a signal that arrives while starting stops the broker
  // as soon as it is up (the "started" line is printed before start() returns).
  let signalled: string | undefined
  let started = false
  let finish: (code: number) => void = () => {}
  const stopped = new Promise<number>((resolve) => (finish = resolve))
  const stop = (signal: string) => {
    if (signalled) {
      if (signal === 'SIGINT') {
        process.stderr.write('ktool server-start: second interrupt, exiting without a clean shutdown\n')
        process.exit(130)
      }
      return
    }
    signalled = signal
    logger.info(`Terminating process due to signal ${signal.replace('SIG', '')}`)
    if (started) shutdown()
  }
  const shutdown = () =>
    broker.stop().then(
      () => finish(0),
      (error) => {
        logger.error(`Error during shutdown: ${(error as Error).message}`)
        finish(1)
      },
    )
  if (opts.installSignalHandlers !== false) {
    process.on('SIGINT', () => stop('SIGINT'))
    process.on('SIGTERM', () => stop('SIGTERM'))
  }
  try {
    await broker.start()
  } catch (error) {
    serverLog.error(`[KafkaServer id=${parsed.config.brokerId}] Fatal error during KafkaServer startup. Prepare to shutdown`)
    return fatal(`Exiting Kafka due to fatal exception during startup. ${(error as Error).message}`)
  }
  started = true
  opts.onStarted?.(broker)
  if (signalled) shutdown()
  return stopped
}

// connect-standalone: start a worker, create the connectors named on the command line, run until
// SIGINT or SIGTERM, then stop the tasks and flush offsets. Returns Kafka's exit code.
import {Logger} from '../common/logger.js'
import {PropertiesError, readPropertiesFile} from '../common/properties.js'
import {readConnectorFile} from '../connect/connector-config.js'
import {ConnectWorker} from '../connect/worker.js'
import {ConnectConfigError, parseWorkerConfig} from '../connect/worker-config.js'

export async function runConnectStandalone(files: string[], logger = new Logger('org.apache.kafka.connect.cli.ConnectStandalone')): Promise<number> {
  if (files.length < 1) {
    process.stdout.write('USAGE: ktool connect-standalone [-daemon] connect-standalone.properties [connector1.properties connector2.json ...]\n')
    return 1
  }
  let worker: ConnectWorker
  try {
    const config = parseWorkerConfig(readPropertiesFile(files[0]!), logger)
    worker = new ConnectWorker(config, logger)
    await worker.start()
  } catch (error) {
    const known = error instanceof ConnectConfigError || error instanceof PropertiesError
    logger.error(`Stopping due to error: ${known ? (error as Error).message : (error as Error).stack}`)
    return 2
  }
  for (const file of files.slice(1)) {
    try {
      const request = readConnectorFile(file)
      await worker.addConnector(request)
    } catch (error) {
      logger.error(`Failed to create connector for ${file}: ${(error as Error).message}`)
      logger.error('Stopping after connector error')
      await worker.stop()
      return 3
    }
  }
  return new Promise((resolve) => {
    let stopping = false
    const stop = (signal: string) => {
      if (stopping) process.exit(1) // a second signal: leave at once
      stopping = true
      logger.info(`Received ${signal}, stopping the worker`)
      worker.stop().then(() => resolve(0), (error: Error) => {
        logger.error(`Error while stopping: ${error.message}`)
        resolve(1)
      })
    }
    process.on('SIGINT', () => stop('SIGINT'))
    process.on('SIGTERM', () => stop('SIGTERM'))
  })
}

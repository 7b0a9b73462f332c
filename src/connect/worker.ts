// A standalone Connect worker: plugins, the offset file, a kafkajs client, the herder and the REST
// server, started and stopped in Kafka's order. `connect-standalone` only constructs one of these,
// so tests run the same worker in-process.
import {hostname} from 'node:os'
import type {Kafka} from 'kafkajs'
import {Logger} from '../common/logger.js'
import type {ConnectorRequest} from './connector-config.js'
import {Herder} from './herder.js'
import {OffsetStore} from './offset-store.js'
import {PluginRegistry} from './plugins.js'
import {ConnectRestServer} from './rest-server.js'
import type {WorkerConfig} from './worker-config.js'

export class ConnectWorker {
  herder!: Herder
  restPort = 0
  private rest: ConnectRestServer | null = null
  private kafka!: Kafka
  private clusterId = ''

  constructor(private readonly config: WorkerConfig, private readonly logger = new Logger('org.apache.kafka.connect.cli.ConnectStandalone')) {}

  /** Starts everything; throws (with the reason) when the worker cannot start. */
  async start(): Promise<void> {
    const kafkajs = (await import('kafkajs')).default
    const {registerKafkajsCodecs} = await import('../protocol/kafka/records/kafkajs-codecs.js')
    registerKafkajsCodecs()
    const clientLogger = this.logger.child('org.apache.kafka.clients')
    const levels: Record<number, 'ERROR' | 'WARN' | 'INFO' | 'DEBUG'> = {1: 'ERROR', 2: 'WARN', 4: 'INFO', 5: 'DEBUG'}
    this.kafka = new kafkajs.Kafka({
      clientId: this.config.raw['client.id'] ?? 'connect-1',
      brokers: this.config.bootstrapServers,
      logLevel: kafkajs.logLevel.WARN,
      logCreator: () => ({level, log}) => {
        // kafkajs reports every retried broker hiccup at ERROR; they are our DEBUG unless fatal.
        if (level <= kafkajs.logLevel.WARN) clientLogger.log(level === kafkajs.logLevel.ERROR ? 'WARN' : levels[level] ?? 'INFO', `${log.message}`)
      },
      retry: {retries: 5, initialRetryTime: 100},
      connectionTimeout: 3000,
    })

    const plugins = new PluginRegistry()
    await plugins.loadPluginPath(this.config.pluginPath, this.logger)
    const offsets = new OffsetStore(this.config.offsetStorageFile)
    offsets.load()

    const admin = this.kafka.admin()
    try {
      await admin.connect()
      this.clusterId = (await admin.describeCluster()).clusterId
    } catch (error) {
      throw new Error(`Failed to connect to and describe Kafka cluster (bootstrap.servers=${this.config.bootstrapServers.join(',')}): ${(error as Error).message}`)
    } finally {
      await admin.disconnect().catch(() => undefined)
    }
    this.logger.info(`Kafka cluster ID: ${this.clusterId}`)

    const host = this.config.restHost
    this.herder = new Herder(this.config, this.kafka, offsets, plugins, this.logger.child('org.apache.kafka.connect.runtime.standalone.StandaloneHerder'), '')
    this.rest = new ConnectRestServer(this.herder, () => this.clusterId, this.logger.child('org.apache.kafka.connect.runtime.rest.RestServer'))
    try {
      this.restPort = await this.rest.listen(host, this.config.restPort)
    } catch (error) {
      throw new Error(`Unable to initialize REST server on ${host || '0.0.0.0'}:${this.config.restPort}: ${(error as Error).message}`)
    }
    const workerId = `${this.config.advertisedHost ?? (host || hostname())}:${this.config.advertisedPort ?? this.restPort}`
    this.herder.workerId = workerId
    this.herder.partitioner = kafkajs.Partitioners.DefaultPartitioner
    this.herder.start()
    this.logger.info(`REST server listening at http://${host || '0.0.0.0'}:${this.restPort}/, advertising URL http://${workerId}/`)
    this.logger.info('Kafka Connect started')
  }

  async addConnector(request: ConnectorRequest): Promise<void> {
    await this.herder.put(request.name, request.config, {replace: false, initialState: request.initialState})
  }

  /** Stops the tasks, flushes offsets, closes the REST server. */
  async stop(): Promise<void> {
    this.logger.info('Kafka Connect stopping')
    await this.rest?.close()
    await this.herder?.shutdown()
    this.logger.info('Kafka Connect stopped')
  }
}

// Where the broker keeps cluster state, in Kafka's ZooKeeper layout:
//   - zookeeper.connect set: that ZooKeeper (ktool zookeeper-start, Apache ZooKeeper, ...);
//     unreachable within zookeeper.connection.timeout.ms is a start failure, as in Kafka.
//   - not set (self-contained): an embedded ZooKeeperServer in this process, on
//     ktool.zookeeper.port (2181) when free, else on a free port (a log line says which), with its
//     data in <first log dir>/.ktool-zookeeper. If it cannot start, the broker keeps its topic
//     metadata in <first log dir>/ktool-metadata.json instead and says so.
// Either way the broker registers /brokers/ids/<id> (ephemeral), becomes /controller, and keeps
// /cluster/id.
import {join} from 'node:path'
import {mkdirSync} from 'node:fs'
import type {Clock} from '../../common/clock.js'
import type {Logger} from '../../common/logger.js'
import type {BrokerConfig} from '../config.js'
import type {MetadataBackend, MetadataStore} from './metadata-store.js'
import {ZkClient, ZkTimeoutError, isNodeExists} from './zk-client.js'
import {ZkMetadataBackend} from './zk-backend.js'

export class CoordinationError extends Error {}

export interface Coordination {
  clusterId: string | null
  controllerEpoch: number
  connectString: string | undefined
  createBackend(store: MetadataStore): MetadataBackend | null
  generateBrokerId(): Promise<number>
  registerBroker(config: BrokerConfig, ports: number[]): Promise<void>
  /** Closes the ZooKeeper session (our ephemeral nodes go away). */
  stop(): Promise<void>
  stopEmbedded(): Promise<void>
}

interface EmbeddedServer {
  start(): Promise<void>
  stop(): Promise<void>
  readonly port: number
}

// A variable, so that the broker builds even where the ZooKeeper server is absent.
const ZOOKEEPER_SERVER_MODULE = '../../zookeeper/server.js'

async function startEmbedded(config: BrokerConfig, logger: Logger): Promise<EmbeddedServer | null> {
  let mod: {ZooKeeperServer: new (config: Record<string, unknown>, logger?: Logger) => EmbeddedServer}
  try {
    mod = await import(ZOOKEEPER_SERVER_MODULE)
  } catch (error) {
    logger.warn(`Embedded ZooKeeper is not available (${(error as Error).message}); topic metadata is kept in ${join(config.logDirs[0]!, 'ktool-metadata.json')}`)
    return null
  }
  const dataDir = join(config.logDirs[0]!, '.ktool-zookeeper')
  mkdirSync(dataDir, {recursive: true})
  const zkLogger = logger.child('org.apache.zookeeper.server.ZooKeeperServer')
  const quiet = new (logger.constructor as typeof Logger)('org.apache.zookeeper.server.ZooKeeperServer', () => {}, 'ERROR')
  const make = (port: number) => new mod.ZooKeeperServer({dataDir, dataLogDir: dataDir, clientPort: port, clientPortAddress: '127.0.0.1'}, process.env.KTOOL_ZK_LOG === '1' ? zkLogger : quiet)
  const wanted = config.embeddedZooKeeperPort
  let server = make(wanted)
  try {
    await server.start()
    logger.info(`Embedded ZooKeeper listening on 127.0.0.1:${server.port} (data in ${dataDir})`)
    return server
  } catch (error) {
    await server.stop().catch(() => undefined)
    if (wanted === 0) throw error
    server = make(0)
    try {
      await server.start()
    } catch (error2) {
      logger.warn(`Embedded ZooKeeper could not start (${(error2 as Error).message}); topic metadata is kept in ${join(config.logDirs[0]!, 'ktool-metadata.json')}`)
      return null
    }
    logger.info(`Port ${wanted} is in use (${(error as Error).message}); embedded ZooKeeper listening on 127.0.0.1:${server.port} instead (data in ${dataDir})`)
    return server
  }
}

export async function startCoordination(config: BrokerConfig, logger: Logger, clock: Clock, storedClusterId: string | null): Promise<Coordination> {
  const zkLog = logger.child('kafka.zookeeper.ZooKeeperClient')
  let embedded: EmbeddedServer | null = null
  let connectString = config.zookeeperConnect ?? undefined
  if (!connectString) {
    embedded = await startEmbedded(config, logger.child('kafka.server.KafkaServer'))
    if (embedded) connectString = `127.0.0.1:${embedded.port}`
  }
  if (!connectString) return fileOnly()

  // A chroot (host:port/kafka) is honoured by node-zookeeper-client itself.
  zkLog.info(`[ZooKeeperClient Kafka server] Initializing a new session to ${connectString}.`)
  let zk: ZkClient
  try {
    zk = await ZkClient.connect(connectString, config.zookeeperSessionTimeoutMs, embedded ? 10_000 : config.zookeeperConnectionTimeoutMs)
  } catch (error) {
    await embedded?.stop().catch(() => undefined)
    if (error instanceof ZkTimeoutError) throw new CoordinationError(`kafka.zookeeper.ZooKeeperClientTimeoutException: Timed out waiting for connection while in state: CONNECTING (zookeeper.connect=${connectString})`)
    throw error
  }
  zkLog.info('[ZooKeeperClient Kafka server] Connected.')
  try {
    // A chroot that does not exist yet is created first, from the root, as Kafka does.
    const slash = connectString.indexOf('/')
    if (slash >= 0 && connectString.length > slash + 1 && !(await zk.exists('/'))) {
      zk.close()
      const root = await ZkClient.connect(connectString.slice(0, slash), config.zookeeperSessionTimeoutMs, config.zookeeperConnectionTimeoutMs)
      try {
        await root.mkdirp(connectString.slice(slash))
      } finally {
        root.close()
      }
      zk = await ZkClient.connect(connectString, config.zookeeperSessionTimeoutMs, config.zookeeperConnectionTimeoutMs)
    }
    // A chroot must exist before anything under it (Kafka creates it too). The reads go out
    // together with the layout check, and the two writes together after it: the session keeps
    // them in order and the ZooKeeper server syncs them in one batch (start-up time).
    const [, stored, epochData] = await Promise.all([
      ZkMetadataBackend.ensureLayout(zk),
      zk.getJson<{id: string}>('/cluster/id'),
      zk.getData('/controller_epoch').catch(() => null),
    ])
    let clusterId: string | null = null
    if (stored?.id) clusterId = stored.id
    else if (storedClusterId) {
      clusterId = storedClusterId
    }
    const createClusterId = async () => {
      const {newClusterId} = await import('../server.js')
      clusterId ??= newClusterId()
      try {
        await zk.create('/cluster/id', JSON.stringify({version: '1', id: clusterId}))
      } catch (error) {
        if (!isNodeExists(error)) throw error
        clusterId = (await zk.getJson<{id: string}>('/cluster/id'))!.id
      }
    }
    // Controller epoch: bumped once per election, like Kafka's controller.
    let controllerEpoch = 1
    if (epochData?.data?.length) controllerEpoch = Number(epochData.data.toString()) + 1
    const writeEpoch = () => (epochData?.data?.length ? zk.setData('/controller_epoch', String(controllerEpoch)) : zk.put('/controller_epoch', String(controllerEpoch)))
    const writes = await Promise.allSettled([stored?.id ? Promise.resolve() : createClusterId(), writeEpoch()])
    for (const w of writes) if (w.status === 'rejected') throw w.reason
    return {
      clusterId,
      controllerEpoch,
      connectString,
      createBackend: (store) => new ZkMetadataBackend(zk, store, store.brokerId, controllerEpoch, logger.child('kafka.controller.KafkaController')),
      async generateBrokerId() {
        const stat = await zk.setData('/brokers/seqid', '')
        return 1000 + stat.version
      },
      async registerBroker(cfg, ports) {
        const listeners = cfg.advertisedListeners
        const endpoints = listeners.map((l, i) => `${l.name}://${l.host}:${l.port || ports[i] || ports[0]}`)
        const first = listeners.find((l) => l.securityProtocol === 'PLAINTEXT') ?? listeners[0]!
        const body: Record<string, unknown> = {
          features: {},
          listener_security_protocol_map: Object.fromEntries(listeners.map((l) => [l.name, l.securityProtocol])),
          endpoints,
          jmx_port: -1,
          port: first.port,
          host: first.host,
          version: 5,
          timestamp: String(clock.now()),
        }
        if (cfg.rack) body.rack = cfg.rack
        await ephemeral(zk, `/brokers/ids/${cfg.brokerId}`, JSON.stringify(body), zkLog)
        logger.child('kafka.zk.KafkaZkClient').info(`Registered broker ${cfg.brokerId} at path /brokers/ids/${cfg.brokerId} with addresses: ${endpoints.join(',')}`)
        await ephemeral(zk, '/controller', JSON.stringify({version: 1, brokerid: cfg.brokerId, timestamp: String(clock.now())}), zkLog)
        logger.child('kafka.controller.KafkaController').info(`[Controller id=${cfg.brokerId}] ${cfg.brokerId} successfully elected as the controller. Epoch incremented to ${controllerEpoch} and epoch zk version is now ${controllerEpoch}`)
        // Session expiry drops our ephemeral nodes: register again on the next connection.
        zk.on('expired', () => zkLog.warn('[ZooKeeperClient Kafka server] Session expired.'))
      },
      async stop() {
        zk.close()
      },
      async stopEmbedded() {
        await embedded?.stop()
      },
    }
  } catch (error) {
    zk.close()
    await embedded?.stop().catch(() => undefined)
    throw error
  }
}

/** Creates an ephemeral node; a stale one left by our previous session (a restart within the session timeout) is replaced. */
async function ephemeral(zk: ZkClient, path: string, data: string, logger: Logger): Promise<void> {
  try {
    await zk.create(path, data, 'ephemeral')
  } catch (error) {
    if (!isNodeExists(error)) throw error
    logger.warn(`${path} already exists (a previous session of this broker?); replacing it`)
    await zk.remove(path)
    await zk.create(path, data, 'ephemeral')
  }
}

function fileOnly(): Coordination {
  return {
    clusterId: null,
    controllerEpoch: 1,
    connectString: undefined,
    createBackend: () => null,
    generateBrokerId: async () => 1001,
    registerBroker: async () => {},
    stop: async () => {},
    stopEmbedded: async () => {},
  }
}

// Where the broker keeps cluster state, in Kafka's ZooKeeper layout:
//   - zookeeper.connect set: that ZooKeeper (ktool zookeeper-start, Apache ZooKeeper, ...);
//     unreachable within zookeeper.connection.timeout.ms is a start failure, as in Kafka.
//   - not set (self-contained): an embedded ZooKeeperServer in this process, on
//     ktool.zookeeper.port (2181) when free, else on a free port (a log line says which), with its
//     data in <first log dir>/.ktool-zookeeper. If it cannot start, the broker keeps its topic
//     metadata in <first log dir>/ktool-metadata.json instead and says so.
// Either way the broker registers /brokers/ids/<id> (ephemeral), becomes /controller, and keeps
// /cluster/id. When the ZooKeeper session expires, it does what Kafka does: a new session, the
// ephemeral /brokers/ids/<id> created again (waiting out a node the old session still holds), a
// controller election (the epoch bumped), and the metadata watches installed again.
import {join} from 'node:path'
import {mkdirSync} from 'node:fs'
import type {Clock} from '../../common/clock.js'
import type {Logger} from '../../common/logger.js'
import type {BrokerConfig} from '../config.js'
import type {MetadataBackend, MetadataStore} from './metadata-store.js'
import {ZkClient, ZkTimeoutError, isBadVersion, isNoNode, isNodeExists, type MultiOp} from './zk-client.js'
import {ZkMetadataBackend, LAYOUT_PATHS} from './zk-backend.js'
import {ZooKeeperError} from '../../protocol/zookeeper/client/zookeeper-error.js'

export class CoordinationError extends Error {}

export interface Coordination {
  clusterId: string | null
  controllerEpoch: number
  connectString: string | undefined
  createBackend(store: MetadataStore): MetadataBackend | null
  generateBrokerId(): Promise<number>
  registerBroker(config: BrokerConfig, ports: number[]): Promise<void>
  /** The broker's session (tests: expire it; tools: watch it). Undefined without ZooKeeper. */
  readonly zk?: ZkClient
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
  if (!connectString) return fileOnly(config)

  // A chroot (host:port/kafka) is applied by the client to every path.
  zkLog.info(`[ZooKeeperClient Kafka server] Initializing a new session to ${connectString}.`)
  let zk: ZkClient
  try {
    zk = await ZkClient.connect(connectString, config.zookeeperSessionTimeoutMs, embedded ? 10_000 : config.zookeeperConnectionTimeoutMs, zkLog)
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
      await zk.close()
      const root = await ZkClient.connect(connectString.slice(0, slash), config.zookeeperSessionTimeoutMs, config.zookeeperConnectionTimeoutMs)
      try {
        await root.mkdirp(connectString.slice(slash))
      } finally {
        await root.close()
      }
      zk = await ZkClient.connect(connectString, config.zookeeperSessionTimeoutMs, config.zookeeperConnectionTimeoutMs, zkLog)
    }
    // A chroot must exist before anything under it (Kafka creates it too). Start-up time: one
    // round of reads (the layout check, the cluster id, the controller epoch, all pipelined on the
    // session), then one multi with every write (missing layout nodes, the cluster id, the new
    // epoch): one transaction, one sync on the ZooKeeper server. If the multi fails (another broker
    // raced us), the same writes are made one by one, tolerating what exists.
    const [present, stored, epochData] = await Promise.all([
      Promise.all(LAYOUT_PATHS.map((p) => zk.exists(p))),
      zk.getJson<{id: string}>('/cluster/id'),
      zk.getData('/controller_epoch').catch((error) => {
        if (isNoNode(error)) return null
        throw error
      }),
    ])
    const {newClusterId} = stored?.id ? {newClusterId: () => stored.id} : await import('../server.js')
    let clusterId: string = stored?.id ?? storedClusterId ?? newClusterId()
    // Controller epoch: bumped once per election, like Kafka's controller.
    const epochStored = epochData?.data?.length ? Number(epochData.data.toString()) : null
    let controllerEpoch = (epochStored ?? 0) + 1
    const ops: MultiOp[] = LAYOUT_PATHS.filter((_, i) => !present[i]).map((path) => ({type: 'create', path}))
    if (!stored?.id) ops.push({type: 'create', path: '/cluster/id', data: JSON.stringify({version: '1', id: clusterId})})
    ops.push(epochData ? {type: 'setData', path: '/controller_epoch', data: String(controllerEpoch)} : {type: 'create', path: '/controller_epoch', data: String(controllerEpoch)})
    try {
      await zk.multi(ops)
    } catch (error) {
      if (!(error instanceof ZooKeeperError)) throw error
      await ZkMetadataBackend.ensureLayout(zk)
      if (!stored?.id) {
        try {
          await zk.create('/cluster/id', JSON.stringify({version: '1', id: clusterId}))
        } catch (e) {
          if (!isNodeExists(e)) throw e
          clusterId = (await zk.getJson<{id: string}>('/cluster/id'))!.id
        }
      }
      controllerEpoch = await bumpControllerEpoch(zk, controllerEpoch - 1)
    }
    const controllerLog = logger.child('kafka.controller.KafkaController')
    let backend: ZkMetadataBackend | undefined
    let store: MetadataStore | undefined
    let registration: {cfg: BrokerConfig; body: string; endpoints: string[]} | undefined

    const register = async () => {
      const {cfg, body, endpoints} = registration!
      await createEphemeral(zk, `/brokers/ids/${cfg.brokerId}`, body, zkLog, config.zookeeperSessionTimeoutMs)
      logger.child('kafka.zk.KafkaZkClient').info(`Registered broker ${cfg.brokerId} at path /brokers/ids/${cfg.brokerId} with addresses: ${endpoints.join(',')}`)
    }
    const elect = async (brokerId: number) => {
      await createEphemeral(zk, '/controller', JSON.stringify({version: 1, brokerid: brokerId, timestamp: String(clock.now())}), zkLog, config.zookeeperSessionTimeoutMs)
      controllerLog.info(`[Controller id=${brokerId}] ${brokerId} successfully elected as the controller. Epoch incremented to ${controllerEpoch} and epoch zk version is now ${controllerEpoch}`)
    }
    // A new session: register again, elect again (a new epoch), watch again, as Kafka's
    // RegisterBrokerAndReelect does after its ZooKeeperClient re-initialises.
    zk.onExpired(() => {
      if (registration) controllerLog.info(`[Controller id=${registration.cfg.brokerId}] Resigned`)
    })
    zk.onNewSession(async () => {
      if (!registration) return
      await register()
      controllerEpoch = await bumpControllerEpoch(zk, controllerEpoch)
      if (store) store.controllerEpoch = controllerEpoch
      if (backend) backend.controllerEpoch = controllerEpoch
      await elect(registration.cfg.brokerId)
      await backend?.resync()
    })
    return {
      clusterId,
      get controllerEpoch() {
        return controllerEpoch
      },
      connectString,
      zk,
      createBackend: (s) => {
        store = s
        s.brokerConfigs.bind(config.props)
        backend = new ZkMetadataBackend(zk, s, s.brokerId, controllerEpoch, controllerLog)
        return backend
      },
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
        registration = {cfg, body: JSON.stringify(body), endpoints}
        // Both go out together (the session keeps their order; one sync on the server).
        const done = await Promise.allSettled([register(), elect(cfg.brokerId)])
        for (const d of done) if (d.status === 'rejected') throw d.reason
      },
      async stop() {
        await zk.close()
      },
      async stopEmbedded() {
        await embedded?.stop()
      },
    }
  } catch (error) {
    await zk.close()
    await embedded?.stop().catch(() => undefined)
    throw error
  }
}

/** Reads /controller_epoch and writes it + 1 (conditionally: another controller may be electing). */
async function bumpControllerEpoch(zk: ZkClient, current: number): Promise<number> {
  for (;;) {
    try {
      const {data, stat} = await zk.getData('/controller_epoch')
      const next = Math.max(current, Number(data?.toString() || 0)) + 1
      await zk.setData('/controller_epoch', String(next), stat.version)
      return next
    } catch (error) {
      if (isNoNode(error)) {
        await zk.put('/controller_epoch', String(current + 1))
        return current + 1
      }
      if (!isBadVersion(error)) throw error
    }
  }
}

/**
 * Creates an ephemeral node. When it exists already:
 * - owned by this session (a create retried after a lost connection): done;
 * - owned by an earlier session of this process (it expired, and ZooKeeper has not removed its
 *   nodes yet): wait for the node to go, then create it (Kafka's "backoff for this node to be
 *   deleted by Zookeeper and retry");
 * - owned by another session (a previous run of this broker, restarted within the session timeout):
 *   replaced, with a warning.
 */
export async function createEphemeral(zk: ZkClient, path: string, data: string, logger: Logger, sessionTimeoutMs: number): Promise<void> {
  const deadline = Date.now() + sessionTimeoutMs * 2
  for (;;) {
    try {
      await zk.create(path, data, 'ephemeral')
      return
    } catch (error) {
      if (!isNodeExists(error)) throw error
    }
    let gone!: () => void
    const deleted = new Promise<void>((resolve) => (gone = resolve))
    const stat = await zk.stat(path, () => gone())
    if (!stat) {
      logger.info(`The ephemeral node at ${path} went away while reading it, attempting create() again`)
      continue
    }
    if (stat.ephemeralOwner === zk.sessionId) return
    if (zk.previousSessions.includes(stat.ephemeralOwner) && Date.now() < deadline) {
      logger.info(`I wrote this conflicted ephemeral node [${data}] at ${path} a while back in a different session, hence I will backoff for this node to be deleted by Zookeeper and retry`)
      let timer: NodeJS.Timeout | undefined
      await Promise.race([deleted, new Promise<void>((r) => (timer = setTimeout(r, Math.max(0, deadline - Date.now()))))])
      clearTimeout(timer)
      continue
    }
    logger.warn(`${path} already exists, owned by session 0x${stat.ephemeralOwner.toString(16)} (a previous run of this broker?); replacing it`)
    await zk.remove(path)
  }
}

function fileOnly(config: BrokerConfig): Coordination {
  return {
    clusterId: null,
    controllerEpoch: 1,
    connectString: undefined,
    // The file backend the broker falls back to keeps dynamic broker configs too.
    createBackend: (s) => {
      s.brokerConfigs.bind(config.props)
      return null
    },
    generateBrokerId: async () => 1001,
    registerBroker: async () => {},
    stop: async () => {},
    stopEmbedded: async () => {},
  }
}

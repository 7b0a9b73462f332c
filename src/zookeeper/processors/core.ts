// What the processors share: the server's state and its other processors. ZooKeeperServer
// implements it; tests can too.
import type {Clock} from '../../common/clock.js'
import type {Logger} from '../../common/logger.js'
import type {ZooKeeperConfig} from '../config.js'
import type {DataTree} from '../data-tree.js'
import type {TxnLog} from '../persistence/txn-log.js'
import type {SessionTracker} from '../sessions.js'
import type {FinalProcessor} from './final.js'
import type {PrepProcessor} from './prep.js'
import type {SyncProcessor} from './sync.js'
import type {ServerStats} from '../stats.js'

export interface ZkCore {
  readonly config: ZooKeeperConfig
  readonly tree: DataTree
  readonly sessions: SessionTracker
  readonly clock: Clock
  readonly logger: Logger
  readonly prep: PrepProcessor
  readonly sync: SyncProcessor
  readonly final: FinalProcessor
  readonly txnLog: TxnLog
  readonly stats: ServerStats
  nextZxid(): number
  takeSnapshot(): Promise<void>
  fatal(e: Error): void
  /** A session's close transaction was applied: drop its connection. */
  sessionClosed(sessionId: bigint): void
}

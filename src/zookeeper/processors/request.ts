// A client request on its way through the processors. Writes get hdr/txn in prep; every request
// ends with `reply` set (null when nothing is sent back) and `done`.
import type {Id} from '../../protocol/zookeeper/generated/records.js'
import type {Txn, TxnHeader} from '../txn.js'

export interface RequestOwner {
  /** Called by the final processor, in the session's request order. */
  complete(req: Request): void
}

export interface Request {
  owner: RequestOwner | null
  sessionId: bigint
  xid: number
  type: number
  record: any
  authInfo: Id[]
  receivedAt: number
  /** When sync queued it (mntr's sync queue times). */
  syncQueuedAt?: number
  kind: 'write' | 'read'
  opName: string
  hdr?: TxnHeader
  txn?: Txn
  reply?: Buffer | null
  err?: number
  done: boolean
  /** Close the connection once the reply is out (closeSession, failed handshakes). */
  closeAfter?: boolean
  /** For createSession: the session timeout and connect details. */
  connect?: {timeout: number; readOnlyField: boolean}
}

// Which client op codes the server accepts, how each request body decodes, and whether it is a
// write (prep -> sync -> final) or a read (straight to final, after the session's earlier
// requests). Anything not listed closes the connection: ZooKeeper answers unknown codes
// differently per version, and a client that sends one is broken.
import {JuteError, type JuteReader} from '../../protocol/zookeeper/jute.js'
import {OpCode} from '../../protocol/zookeeper/generated/opcodes.js'
import * as R from '../../protocol/zookeeper/generated/records.js'

export type OpKind = 'write' | 'read'

export interface SubOp {
  type: number
  record: any
}

/** MultiOperationRecord: MultiHeader + record, repeated, ending with a header whose done=true. */
export function decodeMulti(r: JuteReader, read: boolean): SubOp[] {
  const ops: SubOp[] = []
  for (;;) {
    const h = R.decodeMultiHeader(r)
    if (h.done) break
    let record: any
    switch (h.type) {
      case OpCode.create:
      case OpCode.create2:
      case OpCode.createContainer:
        if (read) throw new JuteError(`op ${h.type} not allowed in multiRead`)
        record = R.decodeCreateRequest(r)
        break
      case OpCode.createTTL:
        if (read) throw new JuteError(`op ${h.type} not allowed in multiRead`)
        record = R.decodeCreateTTLRequest(r)
        break
      case OpCode.delete:
        if (read) throw new JuteError(`op ${h.type} not allowed in multiRead`)
        record = R.decodeDeleteRequest(r)
        break
      case OpCode.setData:
        if (read) throw new JuteError(`op ${h.type} not allowed in multiRead`)
        record = R.decodeSetDataRequest(r)
        break
      case OpCode.check:
        if (read) throw new JuteError(`op ${h.type} not allowed in multiRead`)
        record = R.decodeCheckVersionRequest(r)
        break
      case OpCode.getChildren:
        if (!read) throw new JuteError('read op in a write multi')
        record = R.decodeGetChildrenRequest(r)
        break
      case OpCode.getData:
        if (!read) throw new JuteError('read op in a write multi')
        record = R.decodeGetDataRequest(r)
        break
      default:
        throw new JuteError(`invalid type of op ${h.type} in multi`)
    }
    ops.push({type: h.type, record})
  }
  return ops
}

export const OPS: Record<number, {kind: OpKind; name: string; decode: (r: JuteReader) => any}> = {
  [OpCode.create]: {kind: 'write', name: 'CREA', decode: R.decodeCreateRequest},
  [OpCode.create2]: {kind: 'write', name: 'CREA', decode: R.decodeCreateRequest},
  [OpCode.createContainer]: {kind: 'write', name: 'CREA', decode: R.decodeCreateRequest},
  [OpCode.createTTL]: {kind: 'write', name: 'CREA', decode: R.decodeCreateTTLRequest},
  [OpCode.delete]: {kind: 'write', name: 'DELE', decode: R.decodeDeleteRequest},
  [OpCode.setData]: {kind: 'write', name: 'SETD', decode: R.decodeSetDataRequest},
  [OpCode.setACL]: {kind: 'write', name: 'SETA', decode: R.decodeSetACLRequest},
  [OpCode.check]: {kind: 'write', name: 'CHEC', decode: R.decodeCheckVersionRequest},
  [OpCode.multi]: {kind: 'write', name: 'MULT', decode: (r) => decodeMulti(r, false)},
  [OpCode.reconfig]: {kind: 'write', name: 'RECO', decode: R.decodeReconfigRequest},
  [OpCode.closeSession]: {kind: 'write', name: 'CLOS', decode: () => null},
  [OpCode.exists]: {kind: 'read', name: 'EXIS', decode: R.decodeExistsRequest},
  [OpCode.getData]: {kind: 'read', name: 'GETD', decode: R.decodeGetDataRequest},
  [OpCode.getACL]: {kind: 'read', name: 'GETA', decode: R.decodeGetACLRequest},
  [OpCode.getChildren]: {kind: 'read', name: 'GETC', decode: R.decodeGetChildrenRequest},
  [OpCode.getChildren2]: {kind: 'read', name: 'GETC', decode: R.decodeGetChildren2Request},
  [OpCode.sync]: {kind: 'read', name: 'SYNC', decode: R.decodeSyncRequest},
  [OpCode.ping]: {kind: 'read', name: 'PING', decode: () => null},
  [OpCode.checkWatches]: {kind: 'read', name: 'CHKW', decode: R.decodeCheckWatchesRequest},
  [OpCode.removeWatches]: {kind: 'read', name: 'REMW', decode: R.decodeRemoveWatchesRequest},
  [OpCode.multiRead]: {kind: 'read', name: 'MLTR', decode: (r) => decodeMulti(r, true)},
  [OpCode.setWatches]: {kind: 'read', name: 'SETW', decode: R.decodeSetWatches},
  [OpCode.setWatches2]: {kind: 'read', name: 'STW2', decode: R.decodeSetWatches2},
  [OpCode.getEphemerals]: {kind: 'read', name: 'GETE', decode: R.decodeGetEphemeralsRequest},
  [OpCode.getAllChildrenNumber]: {kind: 'read', name: 'GETACN', decode: R.decodeGetAllChildrenNumberRequest},
  [OpCode.addWatch]: {kind: 'read', name: 'ADDW', decode: R.decodeAddWatchRequest},
  [OpCode.whoAmI]: {kind: 'read', name: 'HOMI', decode: () => null},
}

// Transactions: what prep decides and what the log, the snapshot replay and the tree apply. The
// body records are ZooKeeper's (txn module of zookeeper.jute), keyed by the header's op type, so
// a log entry is TxnHeader + body exactly as ZooKeeper's FileTxnLog writes it (minus the optional
// TxnDigest trailer, which ZooKeeper's reader treats as absent).
import {JuteReader, JuteWriter, JuteError} from '../protocol/zookeeper/jute.js'
import {OpCode} from '../protocol/zookeeper/generated/opcodes.js'
import type {ACL} from '../protocol/zookeeper/generated/records.js'
import {
  decodeACL, decodeCloseSessionTxn, decodeCreateContainerTxn, decodeCreateSessionTxn, decodeCreateTTLTxn,
  decodeCreateTxn, decodeDeleteTxn, decodeErrorTxn, decodeMultiTxn, decodeSetACLTxn, decodeSetDataTxn,
  decodeCheckVersionTxn, encodeACL, encodeTxn,
} from '../protocol/zookeeper/generated/records.js'

export interface TxnHeader {
  clientId: bigint
  cxid: number
  zxid: number
  time: number
  type: number
}

export type Txn =
  | {type: typeof OpCode.create | typeof OpCode.create2; path: string; data: Buffer | null; acl: ACL[]; ephemeral: boolean; parentCVersion: number}
  | {type: typeof OpCode.createContainer; path: string; data: Buffer | null; acl: ACL[]; parentCVersion: number}
  | {type: typeof OpCode.createTTL; path: string; data: Buffer | null; acl: ACL[]; parentCVersion: number; ttl: bigint}
  | {type: typeof OpCode.delete | typeof OpCode.deleteContainer; path: string}
  | {type: typeof OpCode.setData; path: string; data: Buffer | null; version: number}
  | {type: typeof OpCode.setACL; path: string; acl: ACL[]; version: number}
  | {type: typeof OpCode.check; path: string; version: number}
  | {type: typeof OpCode.multi; txns: Txn[]}
  | {type: typeof OpCode.createSession; timeOut: number}
  | {type: typeof OpCode.closeSession; paths2Delete: string[]}
  | {type: typeof OpCode.error; err: number}

const aclVec = (w: JuteWriter, acl: ACL[]) => w.vector(acl, (w, a) => encodeACL(w, a))

export function encodeTxnBody(w: JuteWriter, t: Txn): void {
  switch (t.type) {
    case OpCode.create:
    case OpCode.create2:
      w.ustring(t.path).buffer(t.data)
      aclVec(w, t.acl)
      w.bool(t.ephemeral).int(t.parentCVersion)
      return
    case OpCode.createContainer:
      w.ustring(t.path).buffer(t.data)
      aclVec(w, t.acl)
      w.int(t.parentCVersion)
      return
    case OpCode.createTTL:
      w.ustring(t.path).buffer(t.data)
      aclVec(w, t.acl)
      w.int(t.parentCVersion).long(t.ttl)
      return
    case OpCode.delete:
    case OpCode.deleteContainer:
      w.ustring(t.path)
      return
    case OpCode.setData:
      w.ustring(t.path).buffer(t.data).int(t.version)
      return
    case OpCode.setACL:
      w.ustring(t.path)
      aclVec(w, t.acl)
      w.int(t.version)
      return
    case OpCode.check:
      w.ustring(t.path).int(t.version)
      return
    case OpCode.multi:
      w.vector(t.txns, (w, sub) => {
        const inner = new JuteWriter(64)
        encodeTxnBody(inner, sub)
        encodeTxn(w, {type: sub.type, data: inner.finish()})
      })
      return
    case OpCode.createSession:
      w.int(t.timeOut)
      return
    case OpCode.closeSession:
      w.vector(t.paths2Delete, (w, p) => w.ustring(p))
      return
    case OpCode.error:
      w.int(t.err)
      return
  }
}

export function decodeTxnBody(type: number, r: JuteReader): Txn {
  switch (type) {
    case OpCode.create:
    case OpCode.create2: {
      const t = decodeCreateTxn(r)
      return {type, path: t.path, data: t.data, acl: t.acl, ephemeral: t.ephemeral, parentCVersion: t.parentCVersion}
    }
    case OpCode.createContainer:
      return {type, ...decodeCreateContainerTxn(r)}
    case OpCode.createTTL:
      return {type, ...decodeCreateTTLTxn(r)}
    case OpCode.delete:
    case OpCode.deleteContainer:
      return {type, ...decodeDeleteTxn(r)}
    case OpCode.setData:
      return {type, ...decodeSetDataTxn(r)}
    case OpCode.setACL:
      return {type, ...decodeSetACLTxn(r)}
    case OpCode.check:
      return {type, ...decodeCheckVersionTxn(r)}
    case OpCode.multi:
      return {type, txns: decodeMultiTxn(r).txns.map((s) => decodeTxnBody(s.type, new JuteReader(s.data ?? Buffer.alloc(0))))}
    case OpCode.createSession:
      return {type, ...decodeCreateSessionTxn(r)}
    case OpCode.closeSession:
      return {type, paths2Delete: r.remaining() > 0 ? decodeCloseSessionTxn(r).paths2Delete : []}
    case OpCode.error:
      return {type, ...decodeErrorTxn(r)}
    default:
      throw new JuteError(`unknown txn type ${type}`)
  }
}

export function encodeTxnHeader(w: JuteWriter, h: TxnHeader): void {
  w.long(h.clientId).int(h.cxid).longNum(h.zxid).longNum(h.time).int(h.type)
}

export function decodeTxnHeader(r: JuteReader): TxnHeader {
  return {clientId: r.long(), cxid: r.int(), zxid: r.longNum(), time: r.longNum(), type: r.int()}
}

/** TxnHeader + body, the bytes a log entry's checksum covers. */
export function serializeTxn(h: TxnHeader, t: Txn): Buffer {
  const w = new JuteWriter(128)
  encodeTxnHeader(w, h)
  encodeTxnBody(w, t)
  return w.finish()
}

export function deserializeTxn(buf: Buffer): {hdr: TxnHeader; txn: Txn} {
  const r = new JuteReader(buf)
  const hdr = decodeTxnHeader(r)
  return {hdr, txn: decodeTxnBody(hdr.type, r)}
}

export {decodeACL}

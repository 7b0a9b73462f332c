// The requests this client sends: for each operation, its op code, how its record is written,
// how its response is read, and which watch a successful reply installs. Paths here are the
// server's (chroot already applied); the client strips the chroot from what comes back.
import type {JuteReader, JuteWriter} from '../jute.js'
import {OpCode} from '../generated/opcodes.js'
import {CreateMode} from '../generated/constants.js'
import {Err} from '../generated/errors.js'
import * as R from '../generated/records.js'
import type {ACL, Stat} from '../generated/records.js'

export type WatchKind = 'data' | 'exist' | 'child'

export interface OpSpec<T = unknown> {
  type: number
  /** For errors: the operation's name and the client's path. */
  op: string
  path: string
  write(w: JuteWriter): void
  read(r: JuteReader): T
  /** A watch to install: `ok` on success, `noNode` when the reply is NONODE (exists). */
  watch?: {ok?: WatchKind; noNode?: WatchKind; path: string}
}

/** world:anyone with every permission (ZooDefs.Ids.OPEN_ACL_UNSAFE). */
export const OPEN_ACL_UNSAFE: ACL[] = [{perms: 31, id: {scheme: 'world', id: 'anyone'}}]

export type CreateModeName = 'persistent' | 'ephemeral' | 'persistent_sequential' | 'ephemeral_sequential'

export function createFlags(mode: CreateModeName): number {
  switch (mode) {
    case 'persistent':
      return CreateMode.PERSISTENT
    case 'ephemeral':
      return CreateMode.EPHEMERAL
    case 'persistent_sequential':
      return CreateMode.PERSISTENT_SEQUENTIAL
    case 'ephemeral_sequential':
      return CreateMode.EPHEMERAL_SEQUENTIAL
  }
}

const noBody = () => undefined

export function createOp(path: string, serverPath: string, data: Buffer | null, flags: number, acl: ACL[]): OpSpec<string> {
  return {
    type: OpCode.create,
    op: 'create',
    path,
    write: (w) => R.encodeCreateRequest(w, {path: serverPath, data, acl, flags}),
    read: (r) => R.decodeCreateResponse(r).path,
  }
}

export function deleteOp(path: string, serverPath: string, version: number): OpSpec<void> {
  return {type: OpCode.delete, op: 'delete', path, write: (w) => R.encodeDeleteRequest(w, {path: serverPath, version}), read: noBody}
}

export function existsOp(path: string, serverPath: string, watch: boolean): OpSpec<Stat> {
  return {
    type: OpCode.exists,
    op: 'exists',
    path,
    write: (w) => R.encodeExistsRequest(w, {path: serverPath, watch}),
    read: (r) => R.decodeExistsResponse(r).stat,
    watch: watch ? {ok: 'data', noNode: 'exist', path: serverPath} : undefined,
  }
}

export function getDataOp(path: string, serverPath: string, watch: boolean): OpSpec<{data: Buffer | null; stat: Stat}> {
  return {
    type: OpCode.getData,
    op: 'getData',
    path,
    write: (w) => R.encodeGetDataRequest(w, {path: serverPath, watch}),
    // The reply frame is ours alone: keep the data as a subarray of it.
    read: (r) => R.decodeGetDataResponse(r),
    watch: watch ? {ok: 'data', path: serverPath} : undefined,
  }
}

export function setDataOp(path: string, serverPath: string, data: Buffer | null, version: number): OpSpec<Stat> {
  return {
    type: OpCode.setData,
    op: 'setData',
    path,
    write: (w) => R.encodeSetDataRequest(w, {path: serverPath, data, version}),
    read: (r) => R.decodeSetDataResponse(r).stat,
  }
}

export function getChildrenOp(path: string, serverPath: string, watch: boolean): OpSpec<string[]> {
  return {
    type: OpCode.getChildren,
    op: 'getChildren',
    path,
    write: (w) => R.encodeGetChildrenRequest(w, {path: serverPath, watch}),
    read: (r) => R.decodeGetChildrenResponse(r).children,
    watch: watch ? {ok: 'child', path: serverPath} : undefined,
  }
}

/** One operation of a multi (a transaction: all or none). Paths are the client's. */
export type MultiOp =
  | {type: 'create'; path: string; data?: Buffer | string | null; mode?: CreateModeName}
  | {type: 'delete'; path: string; version?: number}
  | {type: 'setData'; path: string; data: Buffer | string | null; version?: number}
  | {type: 'check'; path: string; version: number}

export type MultiResult =
  | {type: 'create'; path: string}
  | {type: 'delete'}
  | {type: 'setData'; stat: Stat}
  | {type: 'check'}
  | {type: 'error'; err: number}

export function toBuffer(data: Buffer | string | null | undefined): Buffer | null {
  if (data === null || data === undefined) return null
  return typeof data === 'string' ? Buffer.from(data) : data
}

/**
 * MultiOperationRecord: a MultiHeader before each op, ended by {type: -1, done: true, err: -1}.
 * The reply repeats the pattern; a failed transaction answers every op with an error record
 * (type -1, ErrorResponse) and the reply header carries the first failure's code.
 */
export function multiOp(ops: MultiOp[], chroot: (p: string) => string, unchroot: (p: string) => string): OpSpec<MultiResult[]> {
  return {
    type: OpCode.multi,
    op: 'multi',
    path: ops.map((o) => o.path).join(','),
    write(w) {
      for (const o of ops) {
        const path = chroot(o.path)
        switch (o.type) {
          case 'create':
            R.encodeMultiHeader(w, {type: OpCode.create, done: false, err: -1})
            R.encodeCreateRequest(w, {path, data: toBuffer(o.data), acl: OPEN_ACL_UNSAFE, flags: createFlags(o.mode ?? 'persistent')})
            break
          case 'delete':
            R.encodeMultiHeader(w, {type: OpCode.delete, done: false, err: -1})
            R.encodeDeleteRequest(w, {path, version: o.version ?? -1})
            break
          case 'setData':
            R.encodeMultiHeader(w, {type: OpCode.setData, done: false, err: -1})
            R.encodeSetDataRequest(w, {path, data: toBuffer(o.data), version: o.version ?? -1})
            break
          case 'check':
            R.encodeMultiHeader(w, {type: OpCode.check, done: false, err: -1})
            R.encodeCheckVersionRequest(w, {path, version: o.version})
            break
        }
      }
      R.encodeMultiHeader(w, {type: -1, done: true, err: -1})
    },
    read(r) {
      const out: MultiResult[] = []
      for (;;) {
        const h = R.decodeMultiHeader(r)
        if (h.done) break
        switch (h.type) {
          case OpCode.create:
          case OpCode.create2:
            out.push({type: 'create', path: unchroot(R.decodeCreateResponse(r).path)})
            if (h.type === OpCode.create2) R.decodeStat(r)
            break
          case OpCode.delete:
            out.push({type: 'delete'})
            break
          case OpCode.setData:
            out.push({type: 'setData', stat: R.decodeSetDataResponse(r).stat})
            break
          case OpCode.check:
            out.push({type: 'check'})
            break
          case OpCode.error:
            out.push({type: 'error', err: R.decodeErrorResponse(r).err})
            break
          default:
            throw new Error(`unexpected op ${h.type} in a multi response`)
        }
      }
      return out
    },
  }
}

export {Err}

// A request failure carrying ZooKeeper's error code (generated/errors.ts), thrown by prep and by
// the tree and turned into ReplyHeader.err (or an ErrorTxn) by the processors.
import {Err, errMessage} from '../protocol/zookeeper/generated/errors.js'

export {Err}

export class KeeperError extends Error {
  constructor(readonly code: number, readonly path?: string) {
    super(path ? `${errMessage(code)} for ${path}` : errMessage(code))
    this.name = 'KeeperError'
  }
}

// A failed ZooKeeper operation: ZooKeeper's error code and its name, the operation and the path,
// with Java's KeeperException message ("KeeperErrorCode = NoNode for /brokers/ids/0").
import {Err, errMessage, errName} from '../generated/errors.js'

export class ZooKeeperError extends Error {
  readonly codeName: string

  constructor(
    readonly code: number,
    readonly op: string,
    readonly path: string,
  ) {
    super(`${errMessage(code)}${path ? ` for ${path}` : ''} (${op})`)
    this.name = 'ZooKeeperError'
    this.codeName = errName(code) ?? `UNKNOWN(${code})`
  }

  /** node-zookeeper-client's accessor, kept for callers written against it. */
  getCode(): number {
    return this.code
  }
}

export function hasCode(error: unknown, code: number): boolean {
  return error instanceof ZooKeeperError && error.code === code
}

export {Err}

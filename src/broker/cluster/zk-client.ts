// Promise wrapper over node-zookeeper-client with what the broker needs: connect with a timeout,
// create/ensure/get/set/remove (recursive), children with watches.
import zookeeper from 'node-zookeeper-client'
import type {Client, Stat, Event} from 'node-zookeeper-client'

const {CreateMode, Exception} = zookeeper

export class ZkTimeoutError extends Error {}

/** node-zookeeper-client errors carry no path; add the operation and path to the message. */
function annotate(error: unknown, op: string, path: string): unknown {
  if (error && typeof error === 'object' && 'message' in error) {
    try {
      ;(error as Error).message = `${(error as Error).message} (${op} ${path})`
    } catch {
      // read-only message: leave it
    }
  }
  return error
}

export function isNoNode(error: unknown): boolean {
  return (error as {getCode?: () => number})?.getCode?.() === Exception.NO_NODE
}
export function isNodeExists(error: unknown): boolean {
  return (error as {getCode?: () => number})?.getCode?.() === Exception.NODE_EXISTS
}

export class ZkClient {
  private constructor(readonly client: Client, readonly connectString: string) {}

  static async connect(connectString: string, sessionTimeoutMs: number, connectionTimeoutMs: number): Promise<ZkClient> {
    const client = zookeeper.createClient(connectString, {sessionTimeout: sessionTimeoutMs, spinDelay: 200, retries: 1_000_000})
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        client.close()
        reject(new ZkTimeoutError('Timed out waiting for connection while in state: CONNECTING'))
      }, connectionTimeoutMs)
      client.once('connected', () => {
        clearTimeout(timer)
        resolve()
      })
      client.connect()
    })
    return new ZkClient(client, connectString)
  }

  close(): void {
    this.client.close()
  }

  on(event: 'expired' | 'disconnected' | 'connected', fn: () => void): void {
    this.client.on(event, fn)
  }

  create(path: string, data: Buffer | string | null, mode: 'persistent' | 'ephemeral' | 'persistent_sequential' = 'persistent'): Promise<string> {
    const m = mode === 'ephemeral' ? CreateMode.EPHEMERAL : mode === 'persistent_sequential' ? CreateMode.PERSISTENT_SEQUENTIAL : CreateMode.PERSISTENT
    const buf = data === null ? null : Buffer.isBuffer(data) ? data : Buffer.from(data)
    return new Promise((resolve, reject) => {
      this.client.create(path, buf as Buffer, m, (error, p) => (error ? reject(annotate(error, 'create', path)) : resolve(p)))
    })
  }

  /** Creates persistent empty nodes in one multi-op (all or none). */
  createAll(paths: string[]): Promise<void> {
    const tx = this.client.transaction()
    for (const p of paths) tx.create(p, CreateMode.PERSISTENT)
    return new Promise((resolve, reject) => tx.commit((error) => (error ? reject(annotate(error, 'multi', paths.join(','))) : resolve())))
  }

  /** Creates the path and its parents when missing. */
  mkdirp(path: string): Promise<void> {
    return new Promise((resolve, reject) => this.client.mkdirp(path, (error) => (error ? reject(annotate(error, 'mkdirp', path)) : resolve())))
  }

  /** Creates a node (parents included) or overwrites its data. */
  async put(path: string, data: string): Promise<void> {
    try {
      await this.setData(path, data)
    } catch (error) {
      if (!isNoNode(error)) throw error
      const parent = path.slice(0, path.lastIndexOf('/'))
      if (parent) await this.mkdirp(parent)
      try {
        await this.create(path, data)
      } catch (e) {
        if (!isNodeExists(e)) throw e
        await this.setData(path, data)
      }
    }
  }

  getData(path: string, watcher?: (event: Event) => void): Promise<{data: Buffer | null; stat: Stat}> {
    return new Promise((resolve, reject) => {
      const cb = (error: unknown, data: Buffer, stat: Stat) => (error ? reject(annotate(error, 'getData', path)) : resolve({data: data ?? null, stat}))
      if (watcher) this.client.getData(path, watcher, cb as never)
      else this.client.getData(path, cb as never)
    })
  }

  async getJson<T>(path: string, watcher?: (event: Event) => void): Promise<T | null> {
    try {
      const {data} = await this.getData(path, watcher)
      return data && data.length ? (JSON.parse(data.toString('utf8')) as T) : null
    } catch (error) {
      if (isNoNode(error)) return null
      throw error
    }
  }

  setData(path: string, data: string | Buffer, version = -1): Promise<Stat> {
    return new Promise((resolve, reject) => this.client.setData(path, Buffer.isBuffer(data) ? data : Buffer.from(data), version, (error, stat) => (error ? reject(annotate(error, 'setData', path)) : resolve(stat))))
  }

  getChildren(path: string, watcher?: (event: Event) => void): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const cb = (error: unknown, children: string[]) => (error ? reject(annotate(error, 'getChildren', path)) : resolve(children))
      if (watcher) this.client.getChildren(path, watcher, cb as never)
      else this.client.getChildren(path, cb as never)
    })
  }

  exists(path: string): Promise<boolean> {
    return new Promise((resolve, reject) => this.client.exists(path, (error, stat) => (error ? reject(error) : resolve(!!stat))))
  }

  remove(path: string): Promise<void> {
    return new Promise((resolve, reject) =>
      this.client.remove(path, -1, (error) => (error && !isNoNode(error) ? reject(annotate(error, 'remove', path)) : resolve())),
    )
  }

  async removeRecursive(path: string): Promise<void> {
    let children: string[]
    try {
      children = await this.getChildren(path)
    } catch (error) {
      if (isNoNode(error)) return
      throw error
    }
    for (const c of children) await this.removeRecursive(`${path}/${c}`)
    await this.remove(path)
  }
}

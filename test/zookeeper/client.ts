// node-zookeeper-client with promises, for the tests.
import zk from 'node-zookeeper-client'

// Loosely typed on purpose: the tests pass nulls and read the ACL constants that
// @types/node-zookeeper-client leaves out, and call() adapts every callback shape.
export type ZkClient = any
export const zookeeper: any = zk

export async function connectClient(connectString: string, opts: Partial<zk.Option> = {}): Promise<ZkClient> {
  const c = zk.createClient(connectString, {sessionTimeout: 4000, spinDelay: 100, retries: 0, ...opts})
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('connect timeout')), 10000)
    c.once('connected', () => {
      clearTimeout(t)
      resolve()
    })
    c.connect()
  })
  return c
}

export function call<T = unknown>(fn: (cb: any) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err: Error | null, ...rest: any[]) => (err ? reject(err) : resolve((rest.length > 1 ? rest : rest[0]) as T))))
}

/** The error code of a rejected call (node-zookeeper-client Exception), or 0. */
export async function code(p: Promise<unknown>): Promise<number> {
  try {
    await p
    return 0
  } catch (e) {
    return (e as {code?: number}).code ?? -999
  }
}

export async function closeClient(c: ZkClient): Promise<void> {
  await new Promise<void>((resolve) => {
    const t = setTimeout(resolve, 2000)
    c.once('disconnected', () => {
      clearTimeout(t)
      resolve()
    })
    c.close()
  })
}

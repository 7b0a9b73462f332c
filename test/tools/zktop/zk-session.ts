// Real ZooKeeper sessions for the interop tests (node-zookeeper-client): a persistent node, an
// ephemeral one and a data watch, so that the server has clients, watches and ephemerals to show.
import zookeeper from 'node-zookeeper-client'

export interface Session {
  close(): void
}

function call<T>(fn: (cb: (err: unknown, v: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, v) => (err ? reject(err) : resolve(v))))
}

export async function openSession(connectString: string, root: string): Promise<Session> {
  const client = zookeeper.createClient(connectString, {sessionTimeout: 30_000, retries: 0})
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no session with ${connectString}`)), 10_000)
    client.once('connected', () => {
      clearTimeout(timer)
      resolve()
    })
    client.connect()
  })
  await call<string>((cb) => client.mkdirp(root, cb)).catch(() => undefined)
  await call<string>((cb) => client.create(`${root}/eph-${Math.random().toString(36).slice(2, 8)}`, Buffer.from('x'), zookeeper.CreateMode.EPHEMERAL, cb))
  await call<Buffer>((cb) => client.getData(root, () => {}, (err, data) => cb(err, data)))
  return {close: () => client.close()}
}

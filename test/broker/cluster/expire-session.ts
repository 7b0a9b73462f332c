// Expires a ZooKeeper session for real: a second connection resumes it with its id and password,
// then closes it. The server drops the owner's connection when the session moves, and its
// reconnect then finds the session gone (expired), as after a long network partition.
import {ZooKeeperClient} from '../../../src/protocol/zookeeper/client/index.js'

export async function expireSession(connectString: string, session: {sessionId: bigint; sessionPassword: Buffer}): Promise<void> {
  const thief = new ZooKeeperClient(connectString, {sessionId: session.sessionId, sessionPassword: session.sessionPassword, sessionTimeoutMs: 6000})
  await thief.connect()
  await thief.close()
}

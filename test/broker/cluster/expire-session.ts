// Expires a ZooKeeper session for real: a second connection resumes it with its id and password,
// then closes it. The server drops the owner's connection when the session moves, and its
// reconnect then finds the session gone (expired), as after a long network partition. Should the
// owner win the session back before the close goes out, the steal is repeated until the server
// answers that the session has expired.
import {ZooKeeperClient, ZooKeeperError, Err} from '../../../src/protocol/zookeeper/client/index.js'

export async function expireSession(connectString: string, session: {sessionId: bigint; sessionPassword: Buffer}): Promise<void> {
  const sessionId = session.sessionId
  const sessionPassword = Buffer.from(session.sessionPassword)
  for (let attempt = 0; attempt < 10; attempt++) {
    const thief = new ZooKeeperClient(connectString, {sessionId, sessionPassword, sessionTimeoutMs: 6000})
    try {
      await thief.connect()
    } catch (error) {
      await thief.close()
      if (error instanceof ZooKeeperError && error.code === Err.SESSIONEXPIRED) return
      throw error
    }
    await thief.close()
  }
  throw new Error(`session 0x${sessionId.toString(16)} could not be expired`)
}

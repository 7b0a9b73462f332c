// The endpoints clients are told to use. A listener with no host (`PLAINTEXT://:9092`) and no
// advertised.listeners makes Kafka advertise the machine's canonical host name, which often does
// not resolve in containers; we advertise the address the client reached us on instead, which
// always works for that client. Port 0 (tests) becomes the port actually bound.
import type {BrokerInfo} from './cluster/metadata.js'
import type {ConnectionInfo} from './handlers/context.js'
import type {BrokerRuntime} from './runtime.js'

export function hostForClient(host: string, conn: ConnectionInfo | undefined): string {
  if (host !== '' && host !== '0.0.0.0' && host !== '::') return host
  const local = conn?.localAddress ?? ''
  if (local === '' ) return 'localhost'
  return local.startsWith('::ffff:') ? local.slice(7) : local
}

export function advertisedBrokers(rt: BrokerRuntime, conn: ConnectionInfo | undefined): BrokerInfo[] {
  return rt.metadata.brokers().map((b) => (b.id === rt.config.brokerId ? {...b, host: hostForClient(b.host, conn)} : b))
}

// What the tools need from a cluster, in the shape Kafka's admin client gives it. Implemented by
// AdminClient (src/tools/admin/admin-client.ts) over ktool's own codec on a plain connection.
export interface BrokerNode {
  nodeId: number
  host: string
  port: number
  rack: string | null
}

export interface PartitionInfo {
  partition: number
  /** -1 when the partition has no leader. */
  leader: number
  replicas: number[]
  isr: number[]
  errorCode: number
}

export interface TopicInfo {
  name: string
  /** Kafka's Uuid string; AAAAAAAAAAAAAAAAAAAAAA is the zero id. */
  topicId: string
  internal: boolean
  errorCode: number
  partitions: PartitionInfo[]
}

export interface ClusterMetadata {
  brokers: BrokerNode[]
  controllerId: number
  clusterId: string | null
  topics: TopicInfo[]
}

export interface ConfigEntry {
  name: string
  value: string | null
  /** Source as in DescribeConfigs v1+: 1 topic, 2 dynamic broker, 3 dynamic default, 4 static broker, 5 default. */
  source: number
  isDefault: boolean
  readOnly: boolean
  sensitive: boolean
}

export interface NewTopic {
  name: string
  numPartitions: number
  replicationFactor: number
  /** Explicit replica lists per partition (then numPartitions/replicationFactor are -1). */
  assignments?: number[][]
  configs: Map<string, string>
}

export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA'

/** A Kafka error reported by the cluster: code, name and the text Kafka's Java client shows. */
export class KafkaApiError extends Error {
  constructor(readonly code: number, readonly errorName: string, message: string, readonly exceptionClass: string) {
    super(message)
    this.name = 'KafkaApiError'
  }
}

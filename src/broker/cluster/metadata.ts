// The broker's view of the cluster: brokers with their advertised endpoints, the controller, and
// topics with their partitions. Shaped for replication (leaders, replicas, ISR, leader epochs,
// controller epoch) although, with one broker, that broker leads every partition.
export interface BrokerInfo {
  id: number
  host: string
  port: number
  rack: string | null
  listenerName: string
}

export interface PartitionInfo {
  partition: number
  leader: number
  leaderEpoch: number
  replicas: number[]
  isr: number[]
  offlineReplicas: number[]
}

export interface TopicInfo {
  name: string
  /** Kafka's Uuid.toString form (base64url, no padding). */
  topicId: string
  partitions: PartitionInfo[]
  internal: boolean
  /** Per-topic config overrides (what /config/topics/<t> holds); defaults come from the broker. */
  configs: Map<string, string>
}

/** Read-only view handed to handlers; the broker's MetadataStore implements it. */
export interface MetadataView {
  readonly clusterId: string
  readonly controllerId: number
  readonly controllerEpoch: number
  brokers(): BrokerInfo[]
  topic(name: string): TopicInfo | undefined
  topicById(topicId: string): TopicInfo | undefined
  topics(): TopicInfo[]
}

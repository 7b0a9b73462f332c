// Reads the topic list out of a consumer's subscription (the JoinGroup metadata of groups whose
// protocol type is "consumer"), which is otherwise opaque to the coordinator. Kafka uses it for
// two things only, and so do we: OffsetDelete refuses topics the group still consumes
// (GROUP_SUBSCRIBED_TO_TOPIC), and offset expiry drops offsets of topics no longer subscribed.
//
// ConsumerProtocolSubscription, every version starts the same way:
//   version int16 | topics int32 count, then (int16 length + UTF-8) each | ...

export const CONSUMER_PROTOCOL_TYPE = 'consumer'

/** The subscribed topics, or null when the bytes are not a consumer subscription. */
export function subscriptionTopics(metadata: Buffer): string[] | null {
  if (metadata.length < 6) return null
  const version = metadata.readInt16BE(0)
  if (version < 0) return null
  const count = metadata.readInt32BE(2)
  if (count < 0 || count > metadata.length) return null
  const topics: string[] = []
  let pos = 6
  for (let i = 0; i < count; i++) {
    if (pos + 2 > metadata.length) return null
    const len = metadata.readInt16BE(pos)
    pos += 2
    if (len < 0 || pos + len > metadata.length) return null
    topics.push(metadata.toString('utf8', pos, pos + len))
    pos += len
  }
  return topics
}

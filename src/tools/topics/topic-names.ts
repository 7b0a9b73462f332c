// Topic-name rules of Kafka's org.apache.kafka.common.internals.Topic, with the texts that
// kafka-topics prints for them (reference §2.2).
export const MAX_NAME_LENGTH = 249
export const INTERNAL_TOPICS = new Set(['__consumer_offsets', '__transaction_state'])
const LEGAL = /^[a-zA-Z0-9._-]+$/

/** The reason a name is invalid, or null when it is valid. */
export function invalidTopicName(name: string): string | null {
  const prefix = 'Topic name is invalid: '
  if (name === '') return `${prefix}the empty string is not allowed`
  if (name === '.') return `${prefix}'.' is not allowed`
  if (name === '..') return `${prefix}'..' is not allowed`
  if (name.length > MAX_NAME_LENGTH) return `${prefix}the length of '${name}' is longer than the max allowed length ${MAX_NAME_LENGTH}`
  if (!LEGAL.test(name)) return `${prefix}'${name}' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'`
  return null
}

/** '.' and '_' map to the same metric name, so topics differing only there collide. */
export function hasCollisionChars(name: string): boolean {
  return name.includes('.') || name.includes('_')
}

export function unifyCollisionChars(name: string): string {
  return name.replace(/\./g, '_')
}

export const COLLISION_WARNING =
  "WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both."

export function isInternalTopic(name: string): boolean {
  return INTERNAL_TOPICS.has(name)
}

/**
 * Kafka's TopicFilter.IncludeList: `,` becomes `|`, spaces are dropped, surrounding quotes are
 * stripped, and the result must match the whole name. Java and JavaScript regexes agree on the
 * constructs people use in topic filters.
 */
export function includeListMatcher(raw: string): (topic: string) => boolean {
  const regex = raw.trim().replace(/,/g, '|').replace(/ /g, '').replace(/^["']+/, '').replace(/["']+$/, '')
  let re: RegExp
  try {
    re = new RegExp(`^(?:${regex})$`)
  } catch {
    throw new Error(`${regex} is an invalid regex.`)
  }
  return (topic) => re.test(topic)
}

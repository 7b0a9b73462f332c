// Choosing the group's protocol (for consumers: the assignor) across members, as Kafka does: the
// candidates are the protocols every member supports; each member votes for the first candidate
// in its own preference order; the most votes win. Ties go to the candidate that comes first in
// the first member's list, so the choice is deterministic (Kafka leaves ties to map order).
import type {MemberMetadata} from './member.js'

export function candidateProtocols(members: MemberMetadata[]): Set<string> {
  if (members.length === 0) return new Set()
  const [first, ...rest] = members
  const candidates = new Set(first.protocolNames())
  for (const m of rest) {
    const names = new Set(m.protocolNames())
    for (const c of candidates) if (!names.has(c)) candidates.delete(c)
  }
  return candidates
}

export function selectProtocol(members: MemberMetadata[]): string {
  const candidates = candidateProtocols(members)
  if (candidates.size === 0) throw new Error('No protocol is supported by every member')
  const votes = new Map<string, number>()
  for (const m of members) {
    const choice = m.vote(candidates)
    votes.set(choice, (votes.get(choice) ?? 0) + 1)
  }
  let best: string | null = null
  let bestVotes = -1
  for (const name of members[0].protocolNames()) {
    const n = votes.get(name) ?? 0
    if (candidates.has(name) && n > bestVotes) {
      best = name
      bestVotes = n
    }
  }
  return best!
}

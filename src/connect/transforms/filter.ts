// org.apache.kafka.connect.transforms.Filter and its predicates (TopicNameMatches, HasHeaderKey,
// RecordIsTombstone). Filter drops every record it is applied to; a predicate (with negate)
// decides which records it is applied to.
import type {ConnectRecord} from '../data.js'
import {requireConfig, type Predicate, type Transformation} from './transformation.js'

export class Filter implements Transformation {
  configure(): void {}

  apply(): ConnectRecord | null {
    return null
  }
}

export class TopicNameMatches implements Predicate {
  private pattern = /$^/

  configure(props: Record<string, string>): void {
    const p = requireConfig(props, 'pattern')
    try {
      this.pattern = new RegExp(`^(?:${p})$`)
    } catch (error) {
      throw new Error(`Invalid value ${p} for configuration pattern: entry must be a Java-compatible pattern: ${(error as Error).message}`)
    }
  }

  test(r: ConnectRecord): boolean {
    return r.topic !== null && this.pattern.test(r.topic)
  }
}

export class HasHeaderKey implements Predicate {
  private name = ''

  configure(props: Record<string, string>): void {
    this.name = requireConfig(props, 'name')
  }

  test(r: ConnectRecord): boolean {
    return r.headers.some((h) => h.key === this.name)
  }
}

export class RecordIsTombstone implements Predicate {
  configure(): void {}

  test(r: ConnectRecord): boolean {
    return r.value === null || r.value === undefined
  }
}

// An example ktool Connect plugin: a source connector that emits the numbers 1..count to a topic,
// one record per number, and resumes after the last delivered number on restart.
// Load it with `plugin.path=examples/connect-plugin` in the worker properties, then use
// `connector.class=com.example.connect.SequenceSourceConnector` (or SequenceSource).
// The interfaces it implements are documented in src/connect/plugin-api.ts.

const STRING = {type: 'string', optional: false}
const INT64 = {type: 'int64', optional: false}

class SequenceSourceTask {
  start(config, context) {
    this.topic = config.topic
    this.count = Number(config.count ?? 100)
    this.batch = Number(config['batch.size'] ?? 10)
    this.partition = {sequence: config.name}
    const stored = context.offsetStorageReader.offset(this.partition)
    this.next = stored ? Number(stored.next) : 1
  }

  async poll() {
    if (this.next > this.count) {
      await new Promise((r) => setTimeout(r, 100))
      return null
    }
    const records = []
    for (let i = 0; i < this.batch && this.next <= this.count; i++, this.next++) {
      records.push({
        topic: this.topic, kafkaPartition: null,
        keySchema: STRING, key: `seq-${this.next}`,
        valueSchema: INT64, value: BigInt(this.next),
        timestamp: Date.now(), headers: [],
        sourcePartition: this.partition, sourceOffset: {next: this.next + 1},
      })
    }
    return records
  }

  stop() {}
}

class SequenceSourceConnector {
  start(config) {
    this.config = config
  }

  taskConfigs() {
    return [{...this.config}]
  }

  createTask() {
    return new SequenceSourceTask()
  }

  stop() {}
}

export const connectors = [{
  className: 'com.example.connect.SequenceSourceConnector',
  type: 'source',
  version: '1.0.0',
  configDef: {
    topic: {type: 'string', importance: 'high', documentation: 'Topic to write the numbers to', validate: (v) => (v === '' ? 'String must be non-empty' : null)},
    count: {type: 'long', default: 100, importance: 'medium', documentation: 'How many numbers to emit'},
    'batch.size': {type: 'int', default: 10, importance: 'low', documentation: 'Numbers per poll'},
  },
  create: () => new SequenceSourceConnector(),
}]

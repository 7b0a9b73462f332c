// org.apache.kafka.connect.file.FileStreamSinkConnector: appends each record's value in its Java
// string form and a newline to a file (or stdout when `file` is unset). Each put() is one write;
// data reaches the file (the OS) before the worker commits the offsets that cover it.
import {closeSync, openSync, writeSync} from 'node:fs'
import {connectToString, type ConnectRecord} from '../data.js'
import type {Connector, ConnectorPlugin, SinkTask} from '../plugin-api.js'

export const FILE_SINK_CLASS = 'org.apache.kafka.connect.file.FileStreamSinkConnector'
const TASK_CLASS = 'org.apache.kafka.connect.file.FileStreamSinkTask'

export class FileStreamSinkTask implements SinkTask {
  private fd: number | null = null

  start(config: Record<string, string>): void {
    const file = config.file?.trim() ? config.file : undefined
    if (file === undefined) return
    try {
      this.fd = openSync(file, 'a')
    } catch (error) {
      throw new Error(`Couldn't find or create file '${file}' for FileStreamSinkTask: ${(error as Error).message}`)
    }
  }

  put(records: ConnectRecord[]): void {
    if (records.length === 0) return
    let text = ''
    for (const r of records) text += connectToString(r.value) + '\n'
    if (this.fd === null) process.stdout.write(text)
    else writeSync(this.fd, text)
  }

  flush(): void {}

  stop(): void {
    if (this.fd !== null) closeSync(this.fd)
    this.fd = null
  }
}

class FileStreamSinkConnector implements Connector {
  private config: Record<string, string> = {}

  start(config: Record<string, string>): void {
    this.config = config
  }

  taskConfigs(maxTasks: number): Record<string, string>[] {
    return Array.from({length: Math.max(1, maxTasks)}, () => ({...this.config, 'task.class': TASK_CLASS}))
  }

  createTask(): SinkTask {
    return new FileStreamSinkTask()
  }

  stop(): void {}
}

export const fileStreamSinkPlugin: ConnectorPlugin = {
  className: FILE_SINK_CLASS,
  type: 'sink',
  version: '3.7.0',
  configDef: {
    file: {type: 'string', default: null, importance: 'high', documentation: 'Destination filename. If not specified, the standard output will be used'},
  },
  create: () => new FileStreamSinkConnector(),
}

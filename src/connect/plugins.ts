// The connector plugins a worker knows: the built-in file connectors, and modules found under
// plugin.path (each a .js/.mjs file, or a folder holding them, exporting `connectors` or a default
// ConnectorPlugin). A config may name a class in full, by its simple name, or by the simple name
// without "Connector": FileStreamSource == FileStreamSourceConnector == org.apache...FileStreamSourceConnector.
import {readdirSync, statSync} from 'node:fs'
import {extname, join, resolve} from 'node:path'
import {pathToFileURL} from 'node:url'
import type {Logger} from '../common/logger.js'
import {fileStreamSinkPlugin} from './connectors/file-stream-sink.js'
import {fileStreamSourcePlugin} from './connectors/file-stream-source.js'
import type {ConnectorPlugin} from './plugin-api.js'

const MODULE_EXTENSIONS = new Set(['.js', '.mjs', '.cjs'])

function simpleName(className: string): string {
  return className.slice(className.lastIndexOf('.') + 1)
}

function isPlugin(x: unknown): x is ConnectorPlugin {
  const p = x as ConnectorPlugin
  return !!p && typeof p.className === 'string' && (p.type === 'source' || p.type === 'sink') && typeof p.create === 'function'
}

export class PluginRegistry {
  private readonly plugins = new Map<string, ConnectorPlugin>()

  constructor(builtins: ConnectorPlugin[] = [fileStreamSourcePlugin, fileStreamSinkPlugin]) {
    for (const p of builtins) this.add(p)
  }

  add(plugin: ConnectorPlugin): void {
    this.plugins.set(plugin.className, plugin)
  }

  list(): ConnectorPlugin[] {
    return [...this.plugins.values()].sort((a, b) => a.className.localeCompare(b.className))
  }

  /** Finds a plugin by full class name, simple name, or simple name without the Connector suffix. */
  find(name: string): ConnectorPlugin | undefined {
    const n = name.trim()
    for (const p of this.plugins.values()) {
      const simple = simpleName(p.className)
      if (p.className === n || simple === n || simple.replace(/Connector$/, '') === n) return p
    }
    return undefined
  }

  /** Loads every plugin module under the plugin.path entries; a broken module is logged and skipped. */
  async loadPluginPath(paths: string[], logger: Logger): Promise<void> {
    for (const entry of paths) {
      for (const file of moduleFiles(resolve(entry))) {
        try {
          const mod = (await import(pathToFileURL(file).href)) as {connectors?: unknown[]; default?: unknown}
          const found = [...(Array.isArray(mod.connectors) ? mod.connectors : []), ...(isPlugin(mod.default) ? [mod.default] : [])].filter(isPlugin)
          for (const p of found) {
            this.add(p)
            logger.info(`Added plugin '${p.className}' from ${file}`)
          }
        } catch (error) {
          logger.error(`Failed to load plugin module ${file}: ${(error as Error).message}`)
        }
      }
    }
  }
}

function moduleFiles(path: string): string[] {
  let st
  try {
    st = statSync(path)
  } catch {
    return []
  }
  if (st.isFile()) return MODULE_EXTENSIONS.has(extname(path)) ? [path] : []
  if (!st.isDirectory()) return []
  return readdirSync(path).sort().flatMap((f) => (f === 'node_modules' || f.startsWith('.') ? [] : moduleFiles(join(path, f))))
}

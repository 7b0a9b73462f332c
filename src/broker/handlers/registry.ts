// Finds the handlers: every `NN-name.ts` (or `.js` once built) in this folder default-exports one
// Handler. One file per API key; two files claiming the same key is a programming error.
// ApiVersions (18-api-versions.ts) answers from this registry, so what is advertised is exactly
// what is implemented.
import {readdirSync} from 'node:fs'
import {fileURLToPath, pathToFileURL} from 'node:url'
import {dirname, join} from 'node:path'
import type {Handler} from './context.js'

const HANDLER_FILE = /^\d{2}-[a-z0-9-]+\.(ts|js)$/

export class HandlerRegistry {
  private readonly byKey = new Map<number, Handler>()

  register(handler: Handler, source = '<inline>'): void {
    if (this.byKey.has(handler.apiKey)) throw new Error(`two handlers for API key ${handler.apiKey} (${source})`)
    if (handler.minVersion > handler.maxVersion) throw new Error(`handler ${source}: minVersion > maxVersion`)
    this.byKey.set(handler.apiKey, handler)
  }

  get(apiKey: number): Handler | undefined {
    return this.byKey.get(apiKey)
  }

  /** [apiKey, minVersion, maxVersion] for every registered handler, by API key. */
  versions(): {apiKey: number; minVersion: number; maxVersion: number}[] {
    return [...this.byKey.values()]
      .map((h) => ({apiKey: h.apiKey, minVersion: h.minVersion, maxVersion: h.maxVersion}))
      .sort((a, b) => a.apiKey - b.apiKey)
  }
}

let loaded: Promise<HandlerRegistry> | undefined

/** Loads the handler modules once per process. */
export function loadHandlers(dir = dirname(fileURLToPath(import.meta.url))): Promise<HandlerRegistry> {
  if (dir === dirname(fileURLToPath(import.meta.url)) && loaded) return loaded
  const promise = (async () => {
    const registry = new HandlerRegistry()
    const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js'
    const files = readdirSync(dir).filter((f) => HANDLER_FILE.test(f) && f.endsWith(ext) && !f.endsWith('.d.ts')).sort()
    const modules = await Promise.all(files.map((f) => import(pathToFileURL(join(dir, f)).href)))
    modules.forEach((m, i) => {
      const handler = (m as {default?: Handler}).default
      if (!handler || typeof handler.handle !== 'function') throw new Error(`${files[i]} does not default-export a handler`)
      if (Number(files[i]!.slice(0, 2)) !== handler.apiKey) throw new Error(`${files[i]} exports a handler for API key ${handler.apiKey}`)
      registry.register(handler, files[i])
    })
    return registry
  })()
  if (dir === dirname(fileURLToPath(import.meta.url))) loaded = promise
  return promise
}

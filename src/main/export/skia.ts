/**
 * @napi-rs/canvas (Skia), loaded when a figure is first drawn. Loading its native module took
 * about a third of a second, which every CLI command and every start of the host paid before it
 * drew anything, if it ever did.
 */
import { createRequire } from 'node:module'

type Skia = typeof import('@napi-rs/canvas')

let loaded: Skia | null = null

export function skia(): Skia {
  loaded ??= createRequire(__filename)('@napi-rs/canvas') as Skia
  return loaded
}

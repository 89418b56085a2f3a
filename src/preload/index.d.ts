import type { LabClient } from '../shared/api'

declare global {
  interface Window {
    /** Present inside the Electron window only; the browser build talks HTTP instead. */
    lab?: LabClient
  }
}

export {}

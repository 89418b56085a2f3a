import type { LabBridge } from '../shared/api'

declare global {
  interface Window {
    /** Present inside the Electron window only; the browser build talks HTTP instead. */
    labBridge?: LabBridge
  }
}

export {}

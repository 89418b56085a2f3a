import type { LabBridge } from '../shared/api'
import type { DesktopBridge } from '../shared/desktop'

declare global {
  interface Window {
    /**
     * Present inside the Electron window only; the browser build talks HTTP instead. `desktop`
     * (native dialogs, menu commands) is there in the desktop window only.
     */
    labBridge?: LabBridge & { desktop?: DesktopBridge }
  }
}

export {}

/**
 * The time a run has left, from the share of its work done (the experiment's estimate, or
 * step / total). The rate is measured over the more recent half of the time since the first
 * report: what comes before the first report (a worker starting, data loading) does not repeat,
 * and where the experiment's estimate of a phase's cost is off, the rate follows the phase the
 * run is in. Until a second report, the rate is taken from the start of the run.
 */
export class EtaEstimator {
  private readonly reports: { work: number; at: number }[] = []

  /** Seconds left at time `now` (ms) with `work` (0 to 1) done, for a run started at `startedAt`. */
  update(work: number, now: number, startedAt: number): number | null {
    if (work >= 1) return 0
    if (!(work > 0)) return null
    if (this.reports.length > 0 && work < this.reports[this.reports.length - 1].work) {
      this.reports.length = 0 // a new count: start over
    }
    this.reports.push({ work, at: now })
    const first = this.reports[0]
    const since = first.at + (now - first.at) / 2
    let base = first
    for (const report of this.reports) if (report.at <= since) base = report
    const perWork =
      work > base.work ? (now - base.at) / (work - base.work) : (now - startedAt) / work
    return Math.max(0, (perWork * (1 - work)) / 1000)
  }
}

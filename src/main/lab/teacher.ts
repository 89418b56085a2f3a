/** The teacher task of SCIENCE.md section 9: labels from a clean random-ReLU network. */
import type { Dataset } from './data'
import { sampleReluWeights, scoreGrid } from './relu'
import { stream } from './rng'
import { medianThreshold } from './stats'

/**
 * Labels from a clean "teacher" network of the same width: +1 iff its score exceeds its training
 * median. Uses the streams 'teacher' and 'teacher/spike' of the run's seed; relabels in place.
 */
export function relabelWithTeacher(
  [train, test]: Dataset[],
  config: { m: number; d: number; seed: number }
): void {
  const teacher = sampleReluWeights(
    config.m,
    config.d,
    stream(config.seed, 'teacher'),
    stream(config.seed, 'teacher/spike')
  )
  const zero = new Float32Array(config.d)
  const trainScores = scoreGrid(train.x, train.n, teacher, zero, 0, [0]).clean[0]
  const testScores = scoreGrid(test.x, test.n, teacher, zero, 0, [0]).clean[0]
  const tau = medianThreshold(trainScores)
  for (const [data, values] of [
    [train, trainScores],
    [test, testScores]
  ] as const) {
    for (let i = 0; i < data.n; i++) data.y[i] = values[i] > tau ? 1 : -1
  }
}

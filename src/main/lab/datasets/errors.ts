/** The one error every data loader throws: a message for the user, naming the row and column. */
export class DatasetError extends Error {
  constructor(
    message: string,
    /** Where the problem is, when it is one place: a 1-based row (the header is row 1) and a column name. */
    readonly at: { row?: number; column?: string } = {},
    /** The dataset spec field the problem is about, when it is one (e.g. `labelColumn`). */
    readonly field?: 'datasetId' | 'labelColumn' | 'positiveLabel' | 'positiveClass' | 'digits'
  ) {
    super(message)
    this.name = 'DatasetError'
  }
}

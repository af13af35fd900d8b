/** What the people store refuses, with a code each edge turns into its own answer (exit 2, 400/404/409). */
export type PeopleErrorCode = 'invalid' | 'not_found' | 'conflict';

export class PeopleError extends Error {
  override readonly name = 'PeopleError';
  constructor(
    readonly code: PeopleErrorCode,
    message: string,
  ) {
    super(message);
  }
}

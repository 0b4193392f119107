/**
 * A request the code meant to send but did not, recorded with {@link Trace.recordSkip}: typically
 * one whose input came from another request that failed. The waterfall draws it as a placeholder
 * row, so the picture shows every request of the page, sent or not.
 */
export interface SkipRecord {
  /** What was not sent, as the caller named it (`GET /api/cart`); shown as given. */
  readonly name: string;
  /** Why, in a few words (`needs user, which failed`); shown as given. */
  readonly reason: string;
  /** When it was skipped, in ms since the trace began. */
  readonly at: number;
}

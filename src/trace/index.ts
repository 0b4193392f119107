/**
 * The public surface of the trace layer: `Trace` (its records, summary, HAR and waterfall) and the
 * types of what it records. Records are handed out to read, never made by users, so their classes
 * are exported as types only. Deliberately left out: the observer sources (the `Trace` source and
 * OpenTelemetry's, which `src/index.ts` installs), the record contexts, the HTTP semantic
 * conventions, the connection watcher and the renderers' helpers, which are not API.
 */

export type { Requester, RequestVerb, TraceBound } from './bound.ts';
export type { FlowRecord, FlowSummary, StepSummary } from './flow-record.ts';
export type {
  Har,
  HarContent,
  HarCookie,
  HarCreator,
  HarEntry,
  HarNameValue,
  HarPage,
  HarPageTimings,
  HarRequest,
  HarResponse,
  HarTimings,
} from './har.ts';
export type { LimitChange, LimitChangeRecord, LimitReason } from './limit-change.ts';
export type { PolicyRecord } from './policy-record.ts';
export type { AttemptRecord, Outcome, RequestRecord } from './request-record.ts';
export type { SectionOutcome, SectionRecord } from './section-record.ts';
export type { TracedFunction } from './session-trace.ts';
export type { SkipRecord } from './skip-record.ts';
export type { RequestSummary, TraceSummary } from './summary.ts';
export { currentTrace, Trace, type TraceOptions } from './trace.ts';
export type { WaterfallOptions } from './waterfall.ts';

import { FanoutError } from './fanout-error.ts';

/**
 * An `html` template interpolated text where escaping cannot make it safe: inside a tag (where it
 * would become attributes), inside `<script>` or `<style>`, or in an event-handler (`on*`) or
 * `srcdoc` attribute. Wrap trusted markup in `raw()` to insert it there on purpose.
 */
export class UnsafeTemplateError extends FanoutError {
  override name = 'UnsafeTemplateError';
  override readonly code = 'FANOUT_UNSAFE_TEMPLATE' as const;
}

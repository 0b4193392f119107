import { escapeHTML } from './html.ts';

/**
 * The markup of out-of-order streaming (BigPipe): a placeholder in the shell for each section not
 * ready yet, and, as each one is ready, its HTML in a fragment at the end of the document followed
 * by a one-line script that moves it into its placeholder. Without JavaScript the fragments stay
 * where they arrived, visible and readable, after the shell. Section names are checked to be
 * letters, digits, `-` and `_`, so they are safe in ids and scripts as they are.
 */

const PLACEHOLDER_ID = 'fanout-p-';
const FRAGMENT_ID = 'fanout-f-';

/**
 * Defines `fanoutMove(name)` once: moves a fragment's nodes to its placeholder and removes both,
 * and the script calling it, so the final DOM is the in-order page.
 */
const MOVE_FUNCTION =
  'function fanoutMove(n){var f=document.getElementById("' +
  FRAGMENT_ID +
  '"+n),p=document.getElementById("' +
  PLACEHOLDER_ID +
  '"+n),s=document.currentScript;if(s)s.remove();if(!f||!p)return;while(f.firstChild)p.parentNode.insertBefore(f.firstChild,p);p.remove();f.remove()}';

function scriptTag(code: string, nonce: string | undefined): string {
  const attribute = nonce === undefined ? '' : ` nonce="${escapeHTML(nonce)}"`;
  return `<script${attribute}>${code}</script>`;
}

/** The placeholder of a section in the shell. */
export function placeholder(name: string, content: string): string {
  return `<div id="${PLACEHOLDER_ID}${name}" data-fanout-placeholder="${name}">${content}</div>`;
}

/** A section's HTML streamed late, with the script moving it into place (and, first, the mover). */
export function fragment(
  name: string,
  content: string,
  isFirst: boolean,
  nonce: string | undefined,
): string {
  const mover = isFirst ? MOVE_FUNCTION : '';
  return (
    `<div id="${FRAGMENT_ID}${name}" data-fanout-section="${name}">${content}</div>` +
    scriptTag(`${mover}fanoutMove("${name}")`, nonce)
  );
}

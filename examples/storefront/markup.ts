// Interim: replaced by the page composer's `html` and `raw` once src/page/ is on main.
const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export class Raw {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
  toString() {
    return this.value;
  }
}
export const raw = (value: string) => new Raw(value);
const part = (value: unknown): string =>
  value instanceof Raw
    ? value.value
    : Array.isArray(value)
      ? value.map(part).join('')
      : value === undefined || value === null || value === false
        ? ''
        : String(value).replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
export function html(strings: TemplateStringsArray, ...values: unknown[]): Raw {
  return new Raw(
    strings.reduce((out, s, i) => out + s + (i < values.length ? part(values[i]) : ''), ''),
  );
}

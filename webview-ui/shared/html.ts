// A tiny tagged template for innerHTML: every interpolated value is escaped unless it is already
// markup made by `html` (or `raw` for a trusted constant), arrays are joined, and null, undefined
// and false render nothing. Everything the host sends (paths, model output, messages) is text.
import { escapeHtml } from './format';

export class Markup {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type Interpolation = Markup | string | number | boolean | null | undefined | readonly Interpolation[];

export function raw(value: string): Markup {
  return new Markup(value);
}

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Markup) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Interpolation[]): Markup {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new Markup(out);
}

// The little Markdown a recommendation's description or a hint uses, rendered safely: `code` and
// **bold**. Everything else stays text (escaped by `html`); no links, no HTML — descriptions can be
// model- or user-written, and the webview's CSP stays strict.
import { html, type Markup } from './html';

/** `code` and **bold** within one line of text. */
export function inlineMarkdown(text: string): Markup {
  const parts: (Markup | string)[] = [];
  const pattern = /`([^`\n]+)`|\*\*([^*\n]+)\*\*/g;
  let last = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    if (m.index > last) parts.push(text.slice(last, m.index));
    parts.push(m[1] !== undefined ? html`<code>${m[1]}</code>` : html`<strong>${m[2]}</strong>`);
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return html`${parts}`;
}

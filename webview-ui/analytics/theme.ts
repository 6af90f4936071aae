// The charts' colours, read from the theme's --vscode-* variables (VS Code's own chart colours,
// which every light, dark and high-contrast theme defines), and a watch for theme changes: VS Code
// swaps the body's class (vscode-light / vscode-dark / vscode-high-contrast[-light]) and the
// variables on <html> when the user switches themes.

export interface Palette {
  kind: string;
  foreground: string;
  grid: string;
  succeeded: string;
  failed: string;
  rolledBack: string;
  cancelled: string;
  interrupted: string;
  p50: string;
  p90: string;
  bars: string;
  tokens: string;
  cost: string;
  /** A border for bars in high-contrast themes (empty elsewhere). */
  outline: string;
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  return style.getPropertyValue(name).trim() || fallback;
}

export function readPalette(): Palette {
  const style = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => cssVar(style, name, fallback);
  const kind = document.body.getAttribute('data-vscode-theme-kind') ?? [...document.body.classList].find((c) => c.startsWith('vscode-')) ?? 'vscode-dark';
  const highContrast = kind.includes('high-contrast');
  return {
    kind,
    foreground: v('--vscode-charts-foreground', v('--vscode-foreground', '#cccccc')),
    grid: v('--vscode-charts-lines', 'rgba(128,128,128,0.35)'),
    succeeded: v('--vscode-charts-green', '#89d185'),
    failed: v('--vscode-charts-red', '#f14c4c'),
    rolledBack: v('--vscode-charts-orange', '#d18616'),
    cancelled: v('--vscode-charts-yellow', '#cca700'),
    interrupted: v('--vscode-charts-purple', '#b180d7'),
    p50: v('--vscode-charts-blue', '#3794ff'),
    p90: v('--vscode-charts-purple', '#b180d7'),
    bars: v('--vscode-charts-blue', '#3794ff'),
    tokens: v('--vscode-charts-blue', '#3794ff'),
    cost: v('--vscode-charts-orange', '#d18616'),
    outline: highContrast ? v('--vscode-contrastBorder', '#6fc3df') : '',
  };
}

/** Calls `onChange` (debounced) when the theme's colours change. */
export function watchTheme(onChange: (palette: Palette) => void): void {
  let last = JSON.stringify(readPalette());
  let timer: number | undefined;
  const check = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => {
      const palette = readPalette();
      const key = JSON.stringify(palette);
      if (key !== last) {
        last = key;
        onChange(palette);
      }
    }, 30);
  };
  const observer = new MutationObserver(check);
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
}

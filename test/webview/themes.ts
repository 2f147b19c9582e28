/**
 * The `--vscode-*` variables VS Code sets on a webview, for its default light, dark and
 * high-contrast themes (values from Light Modern, Dark Modern and Dark High Contrast).
 */
export type ThemeName = 'light' | 'dark' | 'high-contrast';

const common: Record<string, string> = {
  'font-family': 'system-ui, "Ubuntu", "Droid Sans", "NanumGothic", sans-serif',
  'font-size': '13px',
  'editor-font-family': '"DejaVu Sans Mono", "Droid Sans Mono", "NanumGothicCoding", monospace',
};

export const THEMES: Record<ThemeName, { bodyClass: string; vars: Record<string, string> }> = {
  light: {
    bodyClass: 'vscode-light',
    vars: {
      'editor-background': '#ffffff',
      'editor-foreground': '#3b3b3b',
      foreground: '#3b3b3b',
      descriptionForeground: '#717171',
      focusBorder: '#005fb8',
      'charts-red': '#e51400',
      'charts-blue': '#1a85ff',
      'editorWarning-foreground': '#bf8803',
      errorForeground: '#f85149',
      'badge-background': '#cccccc',
      'badge-foreground': '#3b3b3b',
      'panel-border': '#e5e5e5',
      'sideBar-background': '#f8f8f8',
      'list-hoverBackground': '#f2f2f2',
      'list-inactiveSelectionBackground': '#e4e6f1',
      'textLink-foreground': '#005fb8',
      'textLink-activeForeground': '#005fb8',
      'button-background': '#005fb8',
      'editor-selectionHighlightBackground': '#add6ff80',
      'textCodeBlock-background': '#f0f0f0',
      'toolbar-hoverBackground': 'rgba(184, 184, 184, 0.31)',
      'icon-foreground': '#3b3b3b',
      'inputValidation-errorBackground': '#f2dede',
      'inputValidation-errorBorder': '#be1100',
    },
  },
  dark: {
    bodyClass: 'vscode-dark',
    vars: {
      'editor-background': '#1f1f1f',
      'editor-foreground': '#cccccc',
      foreground: '#cccccc',
      descriptionForeground: '#9d9d9d',
      focusBorder: '#0078d4',
      'charts-red': '#f14c4c',
      'charts-blue': '#3794ff',
      'editorWarning-foreground': '#cca700',
      errorForeground: '#f85149',
      'badge-background': '#616161',
      'badge-foreground': '#f8f8f8',
      'panel-border': '#2b2b2b',
      'sideBar-background': '#181818',
      'list-hoverBackground': '#2a2d2e',
      'list-inactiveSelectionBackground': '#37373d',
      'textLink-foreground': '#4daafc',
      'textLink-activeForeground': '#4daafc',
      'button-background': '#0078d4',
      'editor-selectionHighlightBackground': '#add6ff26',
      'textCodeBlock-background': '#2b2b2b',
      'toolbar-hoverBackground': 'rgba(90, 93, 94, 0.31)',
      'icon-foreground': '#cccccc',
      'inputValidation-errorBackground': '#5a1d1d',
      'inputValidation-errorBorder': '#be1100',
    },
  },
  'high-contrast': {
    bodyClass: 'vscode-high-contrast',
    vars: {
      'editor-background': '#000000',
      'editor-foreground': '#ffffff',
      foreground: '#ffffff',
      descriptionForeground: '#ffffff',
      focusBorder: '#f38518',
      contrastBorder: '#6fc3df',
      contrastActiveBorder: '#f38518',
      'charts-red': '#f48771',
      'charts-blue': '#3794ff',
      'editorWarning-foreground': '#ffcc00',
      errorForeground: '#f48771',
      'badge-background': '#000000',
      'badge-foreground': '#ffffff',
      'panel-border': '#6fc3df',
      'sideBar-background': '#000000',
      'list-hoverBackground': '#000000',
      'list-inactiveSelectionBackground': '#000000',
      'textLink-foreground': '#21a6ff',
      'textLink-activeForeground': '#21a6ff',
      'button-background': '#f38518',
      'editor-selectionHighlightBackground': '#000000',
      'textCodeBlock-background': '#000000',
      'toolbar-hoverBackground': 'transparent',
      'icon-foreground': '#ffffff',
      'inputValidation-errorBackground': '#000000',
      'inputValidation-errorBorder': '#f48771',
    },
  },
};

/** CSS for a `<style nonce>` that sets a theme's variables the way VS Code does (on `html`). */
export function themeCss(name: ThemeName): string {
  const vars = { ...common, ...THEMES[name].vars };
  return `html { ${Object.entries(vars)
    .map(([k, v]) => `--vscode-${k}: ${v};`)
    .join(' ')} }`;
}

import { css } from 'lit';

export const styles = css`
  :host {
    display: inline-block;
    position: relative;
    max-width: 100%;
    font: var(--focus-quality-font, 13px/1.4 system-ui, sans-serif);
    color: var(--focus-quality-color, #222);
    background: var(--focus-quality-background, transparent);
  }
  :host([hidden]) {
    display: none;
  }
  .stage {
    position: relative;
    line-height: 0;
    background: var(--focus-quality-canvas-background, #000);
    /* A tap highlights a patch; panning and zooming the page still work. */
    touch-action: manipulation;
  }
  .stage:focus {
    outline: none;
  }
  .stage:focus-visible {
    outline: 3px solid var(--focus-quality-focus-color, #1a5fb4);
    outline-offset: 2px;
  }
  canvas {
    display: block;
    width: 100%;
    height: auto;
    image-rendering: pixelated;
  }
  canvas.overlay {
    position: absolute;
    inset: 0;
    height: 100%;
  }
  .summary {
    margin: 0.3em 0;
  }
  .verdict {
    font-weight: 600;
  }
  .verdict.uncertain {
    font-style: italic;
  }
  .description {
    margin: 0.3em 0;
  }
  .patch-info .reading:empty {
    display: none;
  }
  .patch-info .reading {
    font-weight: 600;
  }
  .patch-info .bars {
    font-size: 12px;
    line-height: 1.2;
    columns: 2;
    max-width: 24em;
  }
  .legend {
    display: flex;
    flex-wrap: wrap;
    gap: 2px;
    align-items: center;
    margin: 0.3em 0;
  }
  .legend .swatch {
    display: inline-block;
    min-width: 1.6em;
    text-align: center;
    border-radius: 2px;
    font-size: 0.85em;
  }
  .tooltip {
    position: absolute;
    z-index: 2;
    pointer-events: none;
    padding: 0.4em 0.6em;
    background: var(--focus-quality-tooltip-background, rgba(20, 20, 20, 0.9));
    color: var(--focus-quality-tooltip-color, #fff);
    border-radius: 4px;
    line-height: 1.3;
    white-space: nowrap;
    font-size: 12px;
  }
  .bar {
    display: inline-block;
    height: 0.7em;
    vertical-align: middle;
    background: currentColor;
  }
  progress {
    width: 100%;
  }
  .error {
    color: var(--focus-quality-error-color, #b00020);
    margin: 0.3em 0;
  }
`;

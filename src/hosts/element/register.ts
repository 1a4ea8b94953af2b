/**
 * Registers `<focus-quality-view>`. The bundle built from this file (dist/focus-quality-view.js) is all a page needs:
 *
 *   <script type="module" src="focus-quality-view.js"></script>
 *   <focus-quality-view src="cells.tif" border-width="3"></focus-quality-view>
 */
import { FocusQualityView, type FocusQualityErrorDetail, type FocusQualityResultDetail } from './focus-quality-view.js';

export { FocusQualityView };
export type { FocusQualityErrorDetail, FocusQualityResultDetail };

// Guarded so two bundles on one page (e.g. the app and an embedder's copy) do not throw on a second define.
if (!customElements.get('focus-quality-view')) customElements.define('focus-quality-view', FocusQualityView);

declare global {
  interface HTMLElementTagNameMap {
    'focus-quality-view': FocusQualityView;
  }
  interface HTMLElementEventMap {
    'focus-quality-result': CustomEvent<FocusQualityResultDetail>;
    'focus-quality-error': CustomEvent<FocusQualityErrorDetail>;
    'focus-quality-progress': CustomEvent<{ done: number; total: number }>;
  }
}

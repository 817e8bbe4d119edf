/**
 * Keeps chart internals out of the tab order. Recharts 3 draws each chart's layers as bare <g> elements
 * (recharts-zIndex-layer_N); Chromium makes them keyboard-focusable, so Tab stopped five times inside every
 * chart on nothing a reader can operate. They get tabindex="-1" as they appear; the chart's own surface
 * (tabindex 0, arrow keys move its tooltip) stays in the tab order.
 */
const SELECTOR = 'svg g[class^="recharts-zIndex-layer"]:not([tabindex])';

function fix(root: ParentNode): void {
  for (const g of root.querySelectorAll(SELECTOR)) g.setAttribute('tabindex', '-1');
}

export function installFocusFix(root: HTMLElement = document.body): () => void {
  fix(root);
  const observer = new MutationObserver((records) => {
    for (const r of records) {
      for (const n of r.addedNodes) {
        if (!(n instanceof Element)) continue;
        if (n.matches(SELECTOR)) n.setAttribute('tabindex', '-1');
        else if (n.firstElementChild) fix(n);
      }
    }
  });
  observer.observe(root, { childList: true, subtree: true });
  return () => observer.disconnect();
}

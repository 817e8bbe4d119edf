/** Downloads: a file, a CSV table (papaparse) and a PNG of a chart (its SVG drawn onto a canvas). */
import Papa from 'papaparse';

/** Saves `blob` as `filename`; its URL is revoked after `revokeAfterMs` (a large file wants longer to be taken). */
export function download(blob: Blob, filename: string, revokeAfterMs = 1000): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), revokeAfterMs);
}

export function downloadCsv(fields: string[], data: (number | string)[][], filename: string): void {
  const text = Papa.unparse({ fields, data });
  download(new Blob([text], { type: 'text/csv;charset=utf-8' }), filename);
}

/**
 * Draws an SVG element (e.g. a recharts surface) to a PNG at `scale`× resolution, on a solid background,
 * with an optional title line above it.
 */
export async function svgToPngBlob(svg: SVGSVGElement, opts: { background: string; fg: string; font: string; title?: string; scale?: number }): Promise<Blob> {
  const scale = opts.scale ?? 2;
  const box = svg.getBoundingClientRect();
  const w = Math.ceil(box.width);
  const h = Math.ceil(box.height);
  const titleH = opts.title ? 28 : 0;
  const clone = svg.cloneNode(true) as SVGSVGElement;
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(w));
  clone.setAttribute('height', String(h));
  clone.setAttribute('style', `font-family: ${opts.font}; font-size: 12px;`);
  const text = new XMLSerializer().serializeToString(clone);
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml;charset=utf-8' }));
  try {
    const img = new Image();
    await new Promise<void>((ok, fail) => {
      img.onload = () => ok();
      img.onerror = () => fail(new Error('the chart could not be drawn'));
      img.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = w * scale;
    canvas.height = (h + titleH) * scale;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas');
    ctx.scale(scale, scale);
    ctx.fillStyle = opts.background;
    ctx.fillRect(0, 0, w, h + titleH);
    if (opts.title) {
      ctx.fillStyle = opts.fg;
      ctx.font = `600 14px ${opts.font}`;
      ctx.fillText(opts.title, 12, 19);
    }
    ctx.drawImage(img, 0, titleH, w, h);
    return await new Promise<Blob>((ok, fail) => canvas.toBlob((b) => (b ? ok(b) : fail(new Error('PNG encoding failed'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** A CSV table of chart rows: the step, then one column per key (empty where a row has no value). */
export function rowsTable<Row extends { step: number }>(rows: readonly Row[], keys: readonly string[]): { fields: string[]; data: (number | string)[][] } {
  return {
    fields: ['step', ...keys],
    data: rows.map((r) => [r.step, ...keys.map((k) => ((r as Record<string, unknown>)[k] as number | undefined) ?? '')]),
  };
}

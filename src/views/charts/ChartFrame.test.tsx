/**
 * The chart frame, rendered to a string: the legend, the chips (a toggle is a whole-chip checkbox with its tick;
 * a plain chip has no input), the export buttons (off while nothing is drawn), the empty message, the test hooks
 * on card and box; and the CSV table of chart rows.
 */
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ARM_LEGEND, ChartFrame, ChipRow, runExport } from './ChartFrame';
import { rowsTable } from './exportChart';

const EXPORT = { png: 'x.png', title: 'X', csv: { file: 'x.csv', hint: 'rows', table: () => ({ fields: [], data: [] }) } };

function frame(hasData: boolean): string {
  return renderToString(
    <ChartFrame
      title="Accuracy"
      legend={ARM_LEGEND}
      exportAs={EXPORT}
      hasData={hasData}
      empty="Nothing yet."
      card={{ 'data-testid': 'card-hook' }}
      box={{ 'data-testid': 'box-hook', 'data-series': 3 }}
      above={
        <ChipRow
          label="Splits shown"
          chips={[
            { id: 'a', label: 'Split A', on: true, testId: 'chip-a', onChange: () => {} },
            { id: 'b', label: 'Split B', on: false },
          ]}
        />
      }
    >
      <svg />
    </ChartFrame>,
  );
}

describe('ChartFrame', () => {
  it('without data: the empty message shows and the export buttons are off', () => {
    const html = frame(false);
    expect(html).toContain('Nothing yet.');
    expect(html).toMatch(/<button[^>]*disabled=""[^>]*>CSV<\/button>/);
    expect(html).toMatch(/<button[^>]*disabled=""[^>]*>PNG<\/button>/);
  });

  it('with data: no empty message, the buttons on, the hooks on card and box, the arms in the legend', () => {
    const html = frame(true);
    expect(html).not.toContain('Nothing yet.');
    expect(html).not.toContain('disabled');
    expect(html).toMatch(/<div class="chart-card" data-testid="card-hook">/);
    expect(html).toMatch(/<div class="chart-box" data-testid="box-hook" data-series="3">/);
    expect(html).toContain('stroke-dasharray="5 3"'); // direct dashed
    expect(html).toContain('CoT');
  });

  it('a toggle chip is a checkbox with its tick and hook; a plain chip has no input', () => {
    const html = frame(true);
    expect(html).toContain('role="group" aria-label="Splits shown"');
    const chip = /<label class="split-chip on"><input ([^>]*)\/><span class="tick" aria-hidden="true"><\/span>Split A<\/label>/.exec(html);
    expect(chip?.[1].split(' ').sort()).toEqual(['checked=""', 'data-testid="chip-a"', 'type="checkbox"']);
    expect(html).toMatch(/<span class="split-chip">Split B<\/span>/);
  });
});

describe('rowsTable', () => {
  it('a column per key after the step, empty where a row has no value', () => {
    const t = rowsTable(
      [
        { step: 0, 'cot.a': 0.5 },
        { step: 10, 'cot.a': 0.75, 'direct.a': 0.25 },
      ],
      ['cot.a', 'direct.a'],
    );
    expect(t).toEqual({
      fields: ['step', 'cot.a', 'direct.a'],
      data: [
        [0, 0.5, ''],
        [10, 0.75, 0.25],
      ],
    });
  });
});

describe('runExport', () => {
  it('names the files by chart and run hash; the CSV by its own name where given; no CSV without a table', () => {
    const table = () => ({ fields: ['step'], data: [[0]] });
    const e = runExport('ab12', 'accuracy', 'Accuracy', { hint: 'rows', table, csvName: 'metrics' });
    expect(e.png).toBe('cot-playground-accuracy-ab12.png');
    expect(e.csv?.file).toBe('cot-playground-metrics-ab12.csv');
    expect(e.csv?.table()).toEqual({ fields: ['step'], data: [[0]] });
    expect(runExport(null, 'loss', 'Loss', { hint: 'rows', table }).csv?.file).toBe('cot-playground-loss-run.csv');
    expect(runExport(null, 'rl', 'RL').csv).toBeUndefined();
  });
});

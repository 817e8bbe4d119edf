/**
 * The inspector and the training bar read the task, not the knowledge graph: rendered (to a string, with the
 * training store stubbed) for a KG run and a parity run, they offer each task's test queries by split label,
 * show the query's steps and answer, the positions each arm reads and the headline split's label.
 */
import { renderToString } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import { generateDataset } from '../../data/dataset';
import { DEFAULT_CONFIG, taskDefaults, type Config } from '../../experiment/schema';
import type { TrainingData } from '../../store/reduce';
import { pickExamples, truthFor, vocabInfoOf } from '../../data/queries';

const state: Partial<TrainingData> & Record<string, unknown> = {};
vi.mock('../../store/trainingStore', () => ({ useTrainingStore: (select?: (s: unknown) => unknown) => (select ? select(state) : state) }));
const { Inspector } = await import('./Inspector');
const { TrainingBar } = await import('./TrainingBar');

/** The page's state after the workers sent their examples and a first look at the first offered query. */
function render(config: Config): string {
  const d = generateDataset(config);
  const examples = pickExamples(d, 2);
  const prompt = examples[0].prompt;
  const truth = truthFor(d, prompt);
  Object.assign(state, {
    vocab: vocabInfoOf(d),
    examples,
    runConfig: config,
    arms: ['cot', 'direct'],
    example: { prompt },
    history: { cot: [], direct: [] },
    armProgress: {},
    armStepsPerSec: {},
    fallbacks: [],
    lens: {},
    attention: {
      cot: {
        type: 'attention',
        arm: 'cot',
        step: 1,
        tokens: prompt,
        labels: [],
        teacherForced: true,
        layers: 1,
        heads: 1,
        weights: new Float32Array(0),
        generated: [],
        correct: null,
        truth,
      },
    },
  });
  return renderToString(
    <>
      <TrainingBar />
      <Inspector />
    </>,
  );
}

describe('Inspector and TrainingBar', () => {
  it('the knowledge graph: OOD and ID test queries, the bridge then the answer, h r1 r2 b t', () => {
    const html = render({ ...DEFAULT_CONFIG, entities: 40, relations: 6, degree: 3 });
    expect(html).toContain('<optgroup label="OOD test multi-hop">');
    expect(html).toContain('<optgroup label="ID test multi-hop">');
    expect(html).toMatch(/placeholder="e\d+ r\d+ r\d+"/);
    expect(html).toMatch(
      /Truth: <code>e\d+ r\d+ r\d+<\/code>.*<code class="step" title="bridge">e\d+<\/code>.*<code class="answer" title="answer">e\d+<\/code>.*OOD test<\/span><\/p>/,
    );
    expect(html).toContain('CoT reads <code>h r1 r2 b t</code>, direct reads <code>h r1 r2 t</code>');
    expect(html).toContain('<span class="headline-label">OOD test multi-hop<!-- -->:</span>');
  });

  it('parity: test strings by length, the running parities then the answer, x1 … = p1 … y', () => {
    const html = render({ ...taskDefaults('parity'), bits: 6, trainSize: 16, testBits: 8, evalSize: 50 });
    expect(html).toContain('<optgroup label="Test strings">');
    expect(html).toContain('<optgroup label="Test, 8 bits">');
    expect(html).toMatch(/placeholder="([01] ){6}="/);
    expect(html.match(/<code class="step"/g)).toHaveLength(5);
    expect(html).toMatch(/<code class="answer" title="answer">[EO]<\/code>/);
    expect(html).toContain('CoT reads <code>x1 x2 x3 x4 x5 x6 = p1 p2 p3 p4 p5 y</code>, direct reads <code>x1 x2 x3 x4 x5 x6 = y</code>');
    expect(html).toContain('<span class="headline-label">Test strings<!-- -->:</span>');
    expect(html).not.toMatch(/bridge|entit|OOD/);
  });
});

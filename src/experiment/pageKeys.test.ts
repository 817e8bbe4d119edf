import { describe, expect, it } from 'vitest';
import { queryToConfig } from './link';
import { PARAMS } from './schema';
import { compactLock, DEFAULT_PAGE, expandLock, isHidden, MAX_LIST, pageQuery, readPage, splitLink } from './pageKeys';

describe('page keys of a link', () => {
  it('splits them off, leaving the experiment segments untouched', () => {
    const s = splitLink('https://x.org/p/?v=1&entities=300&hide=designer,inspector&lock=entities,model&presenter=1&story=1&gallery=1#top');
    expect(s.experiment).toBe('v=1&entities=300');
    expect(s.page).toEqual({
      hide: ['designer', 'inspector'],
      lock: ['entities', ...PARAMS.filter((p) => p.group === 'model').map((p) => p.key)],
      presenter: true,
      story: true,
      gallery: true,
    });
    expect(s.corrections).toEqual([]);
    // the experiment reader sees no unknown keys
    expect(queryToConfig(s.experiment).corrections).toEqual([]);
  });

  it('a teacher can lock the task: a parity link whose students cannot switch to another task', () => {
    const s = splitLink('?v=3&task=parity&bits=8&lock=task,bits');
    expect(s.page.lock).toEqual(['task', 'bits']);
    expect(s.corrections).toEqual([]);
  });

  it('a link without page keys is the default page', () => {
    expect(splitLink('?entities=40&layers=1')).toEqual({ experiment: 'entities=40&layers=1', page: DEFAULT_PAGE, corrections: [] });
    expect(splitLink('')).toEqual({ experiment: '', page: DEFAULT_PAGE, corrections: [] });
  });

  it('unknown names and values are corrected in plain text, with a suggestion when one is close', () => {
    const s = splitLink('?hide=desginer,<img src=x onerror=alert(1)>,inspector&lock=entites,__proto__&presenter=maybe&story=2');
    expect(s.page).toEqual({ hide: ['inspector'], lock: [], presenter: false, story: false, gallery: false });
    const texts = s.corrections.map((c) => c.text);
    expect(texts).toContain('hide: "desginer" is not a part of the page or a parameter (did you mean designer?); ignored.');
    expect(texts.some((t) => t.startsWith('hide: "<img src=x onerror=alert…" is not'))).toBe(true);
    expect(texts).toContain('lock: "entites" is not a parameter, a group or all (did you mean entities?); ignored.');
    expect(texts).toContain('lock: "__proto__" is not a parameter, a group or all; ignored.');
    expect(texts).toContain('presenter: "maybe" is not 1 or 0; ignored.');
    expect(texts).toContain('story: "2" is not 1 or 0; ignored.');
    expect(s.corrections.every((c) => c.key === 'hide' || c.key === 'lock' || c.key === 'presenter' || c.key === 'story')).toBe(true);
  });

  it('flags accept 1/0, on/off, true/false and a bare key; names are case-insensitive and canonicalised', () => {
    expect(readPage({ presenter: '', story: 'ON' })).toMatchObject({ presenter: true, story: true });
    expect(readPage({ presenter: 'off', story: '0' })).toMatchObject({ presenter: false, story: false });
    expect(readPage({ hide: ' Inspector ,DESIGNER,,inspector', lock: 'OODSHARE' })).toMatchObject({ hide: ['designer', 'inspector'], lock: ['oodShare'] });
  });

  it('a repeated key uses the last value and says so; a huge list is cut', () => {
    const s = splitLink('hide=designer&hide=preview');
    expect(s.page.hide).toEqual(['preview']);
    expect(s.corrections.map((c) => c.text)).toEqual(['hide appears more than once; the last value is used.']);
    const long = splitLink(
      `hide=${Array(MAX_LIST + 10)
        .fill('preview')
        .join(',')}`,
    );
    expect(long.page.hide).toEqual(['preview']);
    expect(long.corrections[0].text).toBe(`hide: ${MAX_LIST + 10} names; only the first ${MAX_LIST} were read.`);
  });

  it('writes a short, fixed-order query that reads back the same', () => {
    const page = { hide: ['inspector', 'designer'] as const, lock: expandLock(['training', 'seed']), presenter: true, story: false, gallery: true };
    const q = pageQuery({ ...page, hide: [...page.hide] });
    expect(q).toBe('hide=designer,inspector&lock=seed,training&presenter=1&gallery=1');
    expect(splitLink(q).page).toEqual({ ...page, hide: ['designer', 'inspector'] });
    expect(pageQuery(DEFAULT_PAGE)).toBe('');
    expect(compactLock(PARAMS.map((p) => p.key))).toEqual(['all']);
    expect(splitLink('lock=all').page.lock).toHaveLength(PARAMS.length);
  });

  it('hiding the designer or a group hides its controls', () => {
    const page = readPage({ hide: 'model' });
    expect(isHidden(page, 'layers')).toBe(true);
    expect(isHidden(page, 'entities')).toBe(false);
    expect(isHidden(readPage({ hide: 'designer' }), 'entities')).toBe(true);
    expect(isHidden(readPage({ hide: 'designer' }), 'data')).toBe(true);
    expect(isHidden(readPage({ hide: 'lr' }), 'lr')).toBe(true);
  });
});

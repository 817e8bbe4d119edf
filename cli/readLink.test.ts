import { describe, expect, it } from 'vitest';
import { readLink } from './readLink';

describe('readLink and page keys', () => {
  it('a classroom link runs its experiment: hide, lock, presenter and story are left aside', () => {
    const r = readLink('https://school.example/cot/?v=1&entities=40&hide=designer,inspector&lock=model&presenter=1&story=1', false);
    expect(r).toMatchObject({ ok: true, warnings: [] });
    expect(r.ok && r.config.entities).toBe(40);
  });

  it('a bad page key is a problem in strict mode and a warning when lenient', () => {
    expect(readLink('entities=40&hide=zzzzzz', false)).toEqual({
      ok: false,
      problems: [
        'hide "zzzzzz": is not a part of the page or a parameter (allowed: comma-separated parts (designer, data, model, training, run, explanation, preview, loss, inspector, mechanism, runs, tour, gallery, classroom) or parameter keys)',
      ],
    });
    const lenient = readLink('entities=40&presenter=maybe', true);
    expect(lenient).toMatchObject({ ok: true, warnings: ['presenter: "maybe" is not 1 or 0; ignored.'] });
  });
});

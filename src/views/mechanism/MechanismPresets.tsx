/** One-click presets that show the mechanism (src/experiment/mechanismPresets.ts); each keeps the rest of the experiment. */
import { MECHANISM_PRESETS, presetMatches } from '../../experiment/mechanismPresets';
import { useExperimentStore } from '../../store/experimentStore';

export function MechanismPresets() {
  const config = useExperimentStore((s) => s.config);
  const setConfig = useExperimentStore((s) => s.setConfig);
  return (
    <div className="mech-presets" role="group" aria-label="Presets that show the mechanism">
      <span className="muted small">Try:</span>
      {MECHANISM_PRESETS.map((p) => {
        const on = presetMatches(config, p.preset);
        return (
          <button
            key={p.id}
            type="button"
            className={`ghost small${on ? ' on' : ''}`}
            title={p.title}
            aria-pressed={on}
            data-testid={`mechanism-preset-${p.id}`}
            onClick={() => setConfig({ ...config, ...p.preset })}
          >
            {p.label}
          </button>
        );
      })}
    </div>
  );
}

import { i18n } from '#i18n';
import type { GrantDuration } from '../../broker/grant-expiry';

const CHOICES: Array<[GrantDuration, () => string]> = [
  ['hour', () => i18n.t('consent.durationHour')],
  ['today', () => i18n.t('consent.durationToday')],
  ['revoke', () => i18n.t('consent.durationRevoke')],
];

/** How long an approval lasts; the background turns the choice into a time with its own clock. */
export function DurationPicker(props: {
  kind: 'connect' | 'always';
  value: GrantDuration;
  disabled: boolean;
  onChange(value: GrantDuration): void;
}) {
  const label =
    props.kind === 'connect' ? i18n.t('consent.durationConnectLabel') : i18n.t('consent.durationAlwaysLabel');
  return (
    <label class="duration">
      {label}
      <select
        value={props.value}
        disabled={props.disabled}
        onChange={(e) => props.onChange((e.target as HTMLSelectElement).value as GrantDuration)}
        data-testid="consent-duration"
      >
        {CHOICES.map(([value, text]) => (
          <option value={value}>{text()}</option>
        ))}
      </select>
    </label>
  );
}

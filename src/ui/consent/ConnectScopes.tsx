import { i18n } from '#i18n';
import type { RiskGroup, ScopesByRisk } from '../../permissions/risk';

const GROUP_HEADINGS: Record<RiskGroup, () => string> = {
  read: () => i18n.t('consent.scopes.groupRead'),
  write: () => i18n.t('consent.scopes.groupWrite'),
  delete: () => i18n.t('consent.scopes.groupDelete'),
  services: () => i18n.t('consent.scopes.groupServices'),
  account: () => i18n.t('consent.scopes.groupAccount'),
};

/** A connect request's scopes: broad grants called out first, then every line under its risk group. */
export function ConnectScopes({ scopes }: { scopes: ScopesByRisk }) {
  return (
    <>
      {scopes.broad.length > 0 && (
        <section class="warning broad-grants" data-testid="consent-broad-warning">
          <h2>{i18n.t('consent.scopes.broadHeading')}</h2>
          <ul>
            {scopes.broad.map((grant) => (
              <li data-kind={grant.kind}>{grant.text}</li>
            ))}
          </ul>
        </section>
      )}
      <p class="note">{i18n.t('consent.permissionsConnect')}</p>
      <div class="permissions risk-groups" data-testid="consent-permissions">
        {scopes.groups.map(({ group, lines }) => (
          <section class="risk-group" data-group={group} data-testid="consent-risk-group">
            <h2>{GROUP_HEADINGS[group]()}</h2>
            <ul>
              {lines.map((line) => (
                <li>{line}</li>
              ))}
            </ul>
          </section>
        ))}
      </div>
    </>
  );
}

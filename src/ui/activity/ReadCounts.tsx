import { i18n } from '#i18n';
import type { ReadCount } from '../../activity/activity-log';

/** Reads are counted, not logged: one line per day, site and account. */
export function ReadCounts(props: { reads: ReadCount[]; accountName(did: string): string }) {
  return (
    <section class="activity-reads" data-testid="activity-reads">
      <h2>{i18n.t('activity.reads.heading')}</h2>
      {props.reads.length === 0 ? (
        <p class="note">{i18n.t('activity.reads.empty')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{i18n.t('activity.reads.day')}</th>
              <th scope="col">{i18n.t('activity.reads.site')}</th>
              <th scope="col">{i18n.t('activity.reads.account')}</th>
              <th scope="col">{i18n.t('activity.reads.count')}</th>
              <th scope="col">{i18n.t('activity.reads.failed')}</th>
            </tr>
          </thead>
          <tbody>
            {props.reads.map((row) => (
              <tr key={`${row.day} ${row.origin} ${row.did}`} data-testid="activity-read-row" data-origin={row.origin}>
                <td>{row.day}</td>
                <td>{row.origin}</td>
                <td>{props.accountName(row.did)}</td>
                <td data-testid="activity-read-count">{row.count}</td>
                <td>{row.failed}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

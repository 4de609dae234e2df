import { type CallRendererProps, rendererFor } from './registry';

/** What the call will do, shown from the very intent that will be sent (see broker/intent.ts). */
export function CallContent(props: CallRendererProps) {
  const renderer = rendererFor(props.details.intent);
  if (!renderer) return null;
  return (
    <div class="call-content" data-testid="consent-call-content" data-renderer={renderer.name}>
      {renderer.render(props)}
    </div>
  );
}

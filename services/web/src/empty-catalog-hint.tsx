/**
 * What an empty catalog means and how gifts get there: stocking the catalog is the operator's
 * part (until the page has an operator view, through the API). `where` says which panel asks.
 */
export function EmptyCatalogHint({ where }: { readonly where: 'catalog' | 'exchange' }) {
  return (
    <div class="empty-catalog muted" data-testid={`empty-catalog-${where}`}>
      <p>
        {where === 'catalog'
          ? 'No gifts in the catalog yet.'
          : 'No gifts to exchange for yet: your reward stays in your wallet until there are.'}
      </p>
      {where === 'catalog' && (
        <p class="small">
          Gifts appear here once an operator stocks them (<code>POST /v1/gifts</code> with a gift id, a name and a stock count; the README's
          walkthrough stocks one). They show up within a few seconds, no reload needed.
        </p>
      )}
    </div>
  );
}

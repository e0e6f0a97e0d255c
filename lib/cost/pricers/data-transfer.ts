/** The data-transfer line every endpoint pricer adds: responses sent out to the internet. */
import { BYTES_PER_GB } from '../assumptions';
import { both, type LineItemDraft } from '../line-item';
import { formatQuantity } from '../numbers';
import type { PricingContext } from '../pricing-context';

/** `requests` responses of the traffic profile's mean size, out to the internet. */
export function dataTransferOutLine(context: PricingContext, requests: number): LineItemDraft {
  const outGb = (requests * context.traffic.meanResponseBytes) / BYTES_PER_GB;
  return {
    id: 'data-transfer-out',
    description: 'responses out to the internet',
    kind: 'traffic',
    priceKey: 'dataTransfer.outToInternet',
    quantity: both(outGb),
    basis: `${formatQuantity(requests)} responses × ${context.traffic.meanResponseBytes} bytes`,
  };
}

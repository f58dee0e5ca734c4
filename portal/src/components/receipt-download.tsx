import { useState } from 'preact/hooks';
import { ApiError, type PortalApi } from '../api.js';

/**
 * "Download receipt" for a closed request: saves the signed receipt as the API gives it
 * (`{receipt, payload}`), the file `npx signoff-verify` checks (README, "Proving an approval to
 * an auditor"). A receipt is signed a moment after the request closes; until then, a note.
 */
export function ReceiptDownload({ api, requestId }: { api: PortalApi; requestId: string }) {
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string | null>(null);

  const download = async () => {
    setBusy(true);
    setNote(null);
    try {
      const receipt = await api.getReceipt(requestId);
      const url = URL.createObjectURL(new Blob([`${JSON.stringify(receipt, null, 2)}\n`], { type: 'application/json' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = `signoff-receipt-${requestId.split('.')[0]}.json`;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setNote('Receipt downloaded. Anyone can check it with the public keys, without access to Signoff.');
    } catch (error) {
      setNote(
        error instanceof ApiError && error.code === 'receipt_not_ready'
          ? 'The receipt is still being signed. Please try again in a moment.'
          : `The receipt could not be downloaded. ${error instanceof Error ? error.message : ''}`.trim(),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="receipt-download">
      <button type="button" class="button button-secondary" onClick={download} disabled={busy} aria-describedby="receipt-note">
        Download receipt
      </button>
      <p id="receipt-note" class="details-sub" role="status">
        {note ?? 'A signed record of this request and every decision on it.'}
      </p>
    </div>
  );
}

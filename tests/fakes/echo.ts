/**
 * Posts a platform's echo of a sent message to our webhook, as Zalo and Meta do, reports the answer's
 * status ('error' when it could not be delivered), and keeps the delivery in `pending` until it settles
 * so a fake can wait for its echoes.
 */
export function postEcho(pending: Set<Promise<void>>, url: string, headers: Record<string, string>, raw: string, report: (status: number | 'error') => void): void {
  const delivery: Promise<void> = fetch(url, { method: 'POST', headers, body: raw })
    .then(async (response) => {
      await response.arrayBuffer();
      report(response.status);
    })
    .catch(() => report('error'))
    .finally(() => pending.delete(delivery));
  pending.add(delivery);
}

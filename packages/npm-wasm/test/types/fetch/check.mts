// The Fetch adapter's declarations (shared with @cstar/webhooks/fetch) with the DOM lib only
// (Request/Response), as in Workers, Deno and browsers: no Node types.
import { verifyRequest, webhookHandler } from '../../../fetch.js'

export const handle: (request: Request) => Promise<Response> = webhookHandler({ secret: 'whsec_a' }, async (event) => {
  void event.id
})
export async function check(request: Request): Promise<string> {
  const { event, verified } = await verifyRequest(request, { secret: ['whsec_new', 'whsec_old'], tolerance: 300 })
  return `${event.type} ${verified.secretIndex}`
}

// Starts the receiver: CSTAR_WEBHOOK_SECRET=whsec_… PORT=3000 node server.mjs
import { createApp, work } from './app.mjs'

const secret = process.env.CSTAR_WEBHOOK_SECRET
if (!secret) {
  console.error('Set CSTAR_WEBHOOK_SECRET to the webhook signing secret (whsec_…).')
  process.exit(1)
}
// During a rotation, accept both: CSTAR_WEBHOOK_SECRET="whsec_new whsec_old".
const secrets = secret.split(/\s+/).filter(Boolean)
const port = Number(process.env.PORT || 3000)
createApp({ secret: secrets, work }).listen(port, () => {
  console.log(`listening on http://localhost:${port}/webhooks/cstar`)
})

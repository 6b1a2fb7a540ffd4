// The CommonJS declarations (require) compile too.
import webhooks = require('@cstar/webhooks')
import expressAdapter = require('@cstar/webhooks/express')
import fetchAdapter = require('@cstar/webhooks/fetch')

const v: webhooks.Verified = webhooks.verify('x', 't=1,v1=00', 'whsec_x')
const mw: expressAdapter.WebhookMiddleware = expressAdapter.webhookMiddleware({ secret: 'whsec_x' })
const handler = fetchAdapter.webhookHandler({ secret: 'whsec_x' }, () => undefined)
export = { v, mw, handler }

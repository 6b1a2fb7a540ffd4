// Loopback helpers for the adapter suites (Node only).
import { once } from 'node:events'

/** Starts `server` on 127.0.0.1 (any free port); returns its base URL. */
export async function listen(server) {
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return `http://127.0.0.1:${server.address().port}`
}

/** POSTs a body with headers; returns { status, body (parsed JSON when it is JSON), text }. */
export async function post(url, body, headers = {}) {
  const response = await fetch(url, { method: 'POST', body, headers })
  const text = await response.text()
  let json
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: response.status, body: json, text, headers: response.headers }
}

# frozen_string_literal: true

module CstarWebhooks
  # Rack middleware that verifies cStar webhook requests before your app sees them; works in
  # Rails (`config.middleware.use`), Sinatra (`use`) and any Rack app. Needs no gem beyond
  # Rack's interface (it does not require the rack gem).
  #
  #   use CstarWebhooks::RackMiddleware, secrets: [ENV.fetch('CSTAR_WEBHOOK_SECRET')], path: '/webhooks/cstar'
  #
  # On success the request goes on with `env['cstar_webhooks.event']` (an Event) and
  # `env['cstar_webhooks.verified']` (a Verified); the body stays readable. On failure it
  # answers 400 with `{"error": "<code>", "message": "<reason>"}` and the app is not called.
  # Requests whose path does not match `path` (a String prefix, a Regexp, or nil for every
  # path) and non-POST requests pass through untouched.
  class RackMiddleware
    EVENT_KEY = 'cstar_webhooks.event'
    VERIFIED_KEY = 'cstar_webhooks.verified'

    def initialize(app, secrets:, path: nil, tolerance: nil, max_age: nil, max_future: nil, allow_legacy: true,
                   clock: nil)
      @app = app
      @path = path
      @clock = clock
      @verifier = Verifier.new(secrets, tolerance: tolerance, max_age: max_age, max_future: max_future,
                                        allow_legacy: allow_legacy)
    end

    def call(env)
      return @app.call(env) unless applies?(env)

      body = read_body(env)
      now = @clock&.call
      signature = env['HTTP_X_SIGNATURE']
      verified = @verifier.verify(body, signature, now: now)
      event = CstarWebhooks.parse_event(body) # verify + parse = the core's construct_event
      env[VERIFIED_KEY] = verified
      env[EVENT_KEY] = event
      @app.call(env)
    rescue WebhookError => e
      payload = JSON.generate({ error: e.code, message: e.reason })
      [400, { 'content-type' => 'application/json', 'content-length' => payload.bytesize.to_s }, [payload]]
    end

    private

    def applies?(env)
      return false unless env['REQUEST_METHOD'] == 'POST'

      path = env['PATH_INFO'].to_s
      case @path
      when nil then true
      when Regexp then @path.match?(path)
      else path == @path || path.start_with?("#{@path.to_s.chomp('/')}/")
      end
    end

    # The raw bytes as received; rewinds so the app can read the body again.
    def read_body(env)
      input = env['rack.input']
      return ''.b if input.nil?

      input.rewind if input.respond_to?(:rewind)
      body = input.read || ''
      input.rewind if input.respond_to?(:rewind)
      body.b
    end
  end
end

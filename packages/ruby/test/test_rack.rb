# frozen_string_literal: true

require 'stringio'
require_relative 'test_helper'

# The middleware against Rack envs built by hand (the Rack spec's env Hash and
# [status, headers, body] triple); no rack gem needed.
class TestRackMiddleware < Minitest::Test
  SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
  T = 1_774_866_600
  BODY = CstarWebhooks.sample_event(CstarWebhooks::EventType::TICKET_CREATED.new).to_json

  def setup
    @seen = nil
    app = lambda do |env|
      @seen = env
      [200, { 'content-type' => 'text/plain' }, ["ok #{env['rack.input'].read.bytesize}"]]
    end
    @mw = CstarWebhooks::RackMiddleware.new(app, secrets: [SECRET], path: '/webhooks/cstar', clock: -> { T })
  end

  def env(body: BODY, signature: nil, path: '/webhooks/cstar', method: 'POST')
    e = { 'REQUEST_METHOD' => method, 'PATH_INFO' => path, 'CONTENT_TYPE' => 'application/json',
          'rack.input' => StringIO.new(body.b) }
    e['HTTP_X_SIGNATURE'] = signature if signature
    e
  end

  def json_error(response)
    status, headers, body = response
    assert_equal 400, status
    assert_equal 'application/json', headers['content-type']
    JSON.parse(body.join)
  end

  def test_valid_request_reaches_the_app_with_the_event
    status, _, body = @mw.call(env(signature: CstarWebhooks.sign(BODY, [SECRET], T)))
    assert_equal 200, status
    assert_equal "ok #{BODY.bytesize}", body.join # the app can still read the raw body
    assert_equal 'ticket.created', @seen[CstarWebhooks::RackMiddleware::EVENT_KEY].type
    assert_equal 0, @seen[CstarWebhooks::RackMiddleware::VERIFIED_KEY].secret_index
  end

  def test_missing_signature_is_400_with_code
    assert_equal 'missing_signature', json_error(@mw.call(env))['error']
    assert_nil @seen
  end

  def test_replayed_request_is_400
    err = json_error(@mw.call(env(signature: CstarWebhooks.sign(BODY, [SECRET], T - 301))))
    assert_equal 'timestamp_too_old', err['error']
    refute_includes err['message'], SECRET
  end

  def test_tampered_body_is_400
    header = CstarWebhooks.sign(BODY, [SECRET], T)
    assert_equal 'no_matching_signature', json_error(@mw.call(env(body: "#{BODY}\n", signature: header)))['error']
  end

  def test_binary_header_values_from_the_server
    header = "t=#{T},v1=\xff\xfe".b
    assert_equal 'no_matching_signature', json_error(@mw.call(env(signature: header)))['error']
    status, = @mw.call(env(signature: CstarWebhooks.sign(BODY, [SECRET], T).b))
    assert_equal 200, status
  end

  def test_signed_non_event_is_invalid_payload
    assert_equal 'invalid_payload', json_error(@mw.call(env(body: '[]', signature: CstarWebhooks.sign('[]', [SECRET], T))))['error']
  end

  def test_other_paths_and_methods_pass_through
    status, = @mw.call(env(path: '/health'))
    assert_equal 200, status
    status, = @mw.call(env(method: 'GET'))
    assert_equal 200, status
  end

  def test_regexp_path_and_nil_input
    mw = CstarWebhooks::RackMiddleware.new(->(_) { [204, {}, []] }, secrets: SECRET, path: %r{\A/hooks/}, clock: -> { T })
    e = env(path: '/hooks/a')
    e.delete('rack.input')
    assert_equal 'missing_signature', json_error(mw.call(e))['error']
  end

  def test_headers_from_rack_env
    h = CstarWebhooks.parse_headers(CstarWebhooks.headers_from_rack_env(env(signature: 't=1,v1=ab')))
    assert_equal 't=1,v1=ab', h.signature
    odd = CstarWebhooks.parse_headers(CstarWebhooks.headers_from_rack_env(env(signature: "t=1,v1=\xff".b)))
    assert_equal "t=1,v1=\uFFFD", odd.signature
    assert_equal 'application/json', h.content_type
  end
end

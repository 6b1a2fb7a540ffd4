# frozen_string_literal: true

require_relative 'test_helper'

class TestApi < Minitest::Test
  SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
  T = 1_774_866_600

  def sample_body
    CstarWebhooks.sample_event(CstarWebhooks::EventType::TICKET_CREATED.new).to_json
  end

  def test_every_core_error_code_has_its_own_class
    codes = CstarWebhooks.error_codes
    assert_equal 7, codes.size
    assert_equal codes.sort, EXPECTED_CLASSES.keys.sort
    codes.each do |code|
      err = CstarWebhooks.error_for_code(code)
      refute_nil err, "core code #{code} has no binding error"
      refute_instance_of CstarWebhooks::WebhookError::Other, err
      assert_instance_of EXPECTED_CLASSES.fetch(code), err
      assert_kind_of CstarWebhooks::WebhookError, err
      assert_kind_of StandardError, err
      assert_equal code, err.code
      assert_includes err.message, code
    end
    assert_equal codes.size, codes.map { |c| CstarWebhooks.error_for_code(c).class }.uniq.size
    assert_nil CstarWebhooks.error_for_code('not_a_code')
  end

  def test_rescue_by_module
    raised = begin
      CstarWebhooks::Verifier.new(SECRET).verify('{}', nil)
      nil
    rescue CstarWebhooks::WebhookError => e
      e
    end
    assert_equal 'missing_signature', raised.code
  end

  def test_defaults_are_the_cores
    body = sample_body
    v = CstarWebhooks::Verifier.new([SECRET])
    assert_equal 1, v.secret_count
    v.verify(body, CstarWebhooks.sign(body, [SECRET], T - 300), now: T)
    v.verify(body, CstarWebhooks.sign(body, [SECRET], T + 300), now: T)
    assert_raises(CstarWebhooks::WebhookError::TimestampTooOld) do
      v.verify(body, CstarWebhooks.sign(body, [SECRET], T - 301), now: T)
    end
    assert_equal 'legacy', v.verify(body, CstarWebhooks.sign_legacy(body, SECRET), now: T).scheme_name
    v.verify(body, CstarWebhooks.sign(body, [SECRET], Time.now.to_i)) # now: nil reads the clock
    strict = CstarWebhooks::Verifier.new(SECRET, tolerance: 10, allow_legacy: false)
    assert_raises(CstarWebhooks::WebhookError::LegacyNotAllowed) do
      strict.verify(body, CstarWebhooks.sign_legacy(body, SECRET), now: T)
    end
    assert_raises(CstarWebhooks::WebhookError::TimestampInFuture) do
      strict.verify(body, CstarWebhooks.sign(body, [SECRET], T + 11), now: T)
    end
  end

  def test_rotation_reports_secret_index
    body = sample_body
    v = CstarWebhooks::Verifier.new(%w[whsec_new whsec_old])
    assert_equal 1, v.verify(body, CstarWebhooks.sign(body, ['whsec_old'], T), now: T).secret_index
  end

  def test_secrets_never_leak
    v = CstarWebhooks::Verifier.new([SECRET])
    refute_includes v.inspect, SECRET
    refute_includes v.to_s, SECRET
    assert_includes v.inspect, 'redacted'
    err = assert_raises(CstarWebhooks::WebhookError) { v.verify(sample_body, "t=#{T},v1=#{'0' * 64}", now: T) }
    refute_includes err.message, SECRET
    refute_includes err.inspect, SECRET
  end

  def test_bad_input
    v = CstarWebhooks::Verifier.new([SECRET])
    assert_raises(CstarWebhooks::WebhookError::MissingSignature) { v.verify('', nil, now: T) }
    assert_raises(CstarWebhooks::WebhookError::MalformedSignature) { v.verify('', 't=99999999999999999999,v1=ab', now: T) }
    assert_raises(TypeError) { v.verify({ 'id' => 1 }, 'sha256=00', now: T) }
    assert_raises(TypeError) { v.verify(nil, 'sha256=00', now: T) }
    assert_raises(RangeError) { CstarWebhooks::Verifier.new([SECRET], tolerance: -1) }
    assert_raises(RangeError) { v.verify('', 'x', now: 2**64) }
    # Header values as Rack gives them (binary Strings), valid and invalid UTF-8 alike.
    full_width = "t=\uFF11\uFF17\uFF17\uFF14,v1=#{'0' * 64}".b
    assert_raises(CstarWebhooks::WebhookError::MalformedSignature) { v.verify('', full_width, now: T) }
    assert_raises(CstarWebhooks::WebhookError::MalformedSignature) { v.verify('', "t=\xff\xfe,v1=00".b, now: T) }
    assert_raises(CstarWebhooks::WebhookError::NoMatchingSignature) { v.verify('', "sha256=\xff".b, now: T) }
    ok = CstarWebhooks.sign(sample_body, [SECRET], T).b
    assert_equal T, v.verify(sample_body, ok, now: T).timestamp
    not_json = 'not json'
    err = assert_raises(CstarWebhooks::WebhookError::InvalidPayload) do
      v.construct_event(not_json, CstarWebhooks.sign(not_json, [SECRET], T), now: T)
    end
    assert_equal 'invalid_payload', err.code
    assert_raises(CstarWebhooks::WebhookError::InvalidPayload) { CstarWebhooks.flatten('{nope') }
    assert_raises(CstarWebhooks::WebhookError::InvalidPayload) { CstarWebhooks.parse_event("\xff\xfe".b) }
    # Non-UTF-8 bodies are bytes: they verify.
    raw = "\xff\xfe\x00".b
    assert_equal 0, v.verify(raw, CstarWebhooks.sign(raw, [SECRET], T), now: T).secret_index
  end

  def test_signing_refuses_input_that_could_never_verify
    calls = [
      -> { CstarWebhooks.sign(sample_body, [], T) },
      -> { CstarWebhooks.sign(sample_body, [SECRET, ''], T) },
      -> { CstarWebhooks.sign(sample_body, SECRET, -1) },
      -> { CstarWebhooks.generate_test_headers(sample_body, SECRET, timestamp: -1) }
    ]
    calls.each do |call|
      err = assert_raises(CstarWebhooks::WebhookError::InvalidArgument, &call)
      assert_equal 'invalid_argument', err.code
      refute_empty err.reason
    end
    assert_match(/\At=0,v1=\h{64}\z/, CstarWebhooks.sign(sample_body, SECRET, 0))
  end

  def test_samples_and_event_types
    types = CstarWebhooks.known_event_types
    assert_equal 14, types.size
    samples = CstarWebhooks.sample_events
    assert_equal types, samples.map(&:event_type)
    samples.each do |s|
      assert s.id.start_with?('evt_test_')
      assert s.event_type.is_known
      refute_instance_of CstarWebhooks::EventData::UNKNOWN, s.typed_data
      assert_equal s.event_type, CstarWebhooks.event_type_from_str(s.type)
    end
    unknown = CstarWebhooks.event_type_from_str('ticket.merged')
    assert_instance_of CstarWebhooks::EventType::UNKNOWN, unknown
    assert_equal 'ticket.merged', unknown.value
    assert_equal 'unknown', CstarWebhooks.family_name(unknown.family)
    assert_nil CstarWebhooks.sample_event(unknown)
    boss = CstarWebhooks.sample_event(CstarWebhooks::EventType::BOSS_DEFEATED.new).typed_data
    assert_equal 'The Backlog Hydra', boss.boss.name
    ticket = CstarWebhooks.parse_event(sample_body).typed_data
    assert_equal 'CST-1024', ticket.ticket.prefixed_id
    assert_equal 'casey@example.com', ticket.customer.email
  end

  def test_test_headers
    body = sample_body
    headers = CstarWebhooks.generate_test_headers(body, SECRET, attempt: 2, timestamp: T)
    assert_equal %w[Content-Type X-Webhook-ID X-Event-Type X-Event-ID X-Timestamp X-Signature X-Delivery-Attempt
                    User-Agent], headers.map(&:name)
    parsed = CstarWebhooks.parse_headers(headers.map { |h| CstarWebhooks::Header.new(name: h.name.downcase, value: h.value) })
    assert_equal 'whk_test', parsed.webhook_id
    assert_equal 'ticket.created', parsed.event_type
    assert_equal 2, parsed.attempt
    assert_equal T, parsed.timestamp_unix
    assert_equal T, CstarWebhooks::Verifier.new(SECRET).verify(body, parsed.signature, now: T).timestamp
  end

  def test_diagnose
    body = '{"id":"evt_1","type":"ticket.created","created_at":"x","team_id":"t","data":{"ticket":{"id":"tkt_1"}}}'
    pretty = JSON.pretty_generate(JSON.parse(body))
    d = CstarWebhooks.diagnose(body, CstarWebhooks.sign(pretty, [SECRET], T), [SECRET], now: T)
    assert_equal 'no_matching_signature', d.error_code
    assert_nil d.verified
    assert_equal 'body_reserialized', d.causes.first.code
    skew = CstarWebhooks.diagnose(body, CstarWebhooks.sign(body, [SECRET], T - 1000), [SECRET], now: T)
    assert_equal(-1000, skew.causes.find { |c| c.code == 'clock_skew' }.clock_skew_seconds)
    ok = CstarWebhooks.diagnose(body, CstarWebhooks.sign(body, [SECRET], T), [SECRET], now: T)
    refute_nil ok.verified
    assert_empty ok.causes
    assert_includes CstarWebhooks.cause_codes, 'wrong_secret'
  end

  def test_retry_schedule
    assert_equal [0, 30, 120, 600, 3600, 21_600, 86_400], CstarWebhooks.retry_schedule
    assert_equal 1030, CstarWebhooks.retry_next_due(1, 1000)
    assert_nil CstarWebhooks.retry_next_due(7, 1000)
  end
end

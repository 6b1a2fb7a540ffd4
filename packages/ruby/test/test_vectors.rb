# frozen_string_literal: true

require_relative 'test_helper'

# Every case of tests/vectors/signatures.json and events.json, one test method per case.
class TestSignatureVectors < Minitest::Test
  SIGNATURES = load_vectors('signatures.json')

  def test_format_version
    assert_equal 1, SIGNATURES['version']
    assert_operator SIGNATURES['verify'].size, :>=, 100
  end

  SIGNATURES['verify'].each do |c|
    define_method("test_verify_#{c['name']}") do
      opts = c['options']
      verifier = CstarWebhooks::Verifier.new(c['secrets'], max_age: opts['max_age'], max_future: opts['max_future'],
                                                           allow_legacy: opts['allow_legacy'])
      body = body_of(c)
      expected = c['expected']
      if expected['ok']
        v = verifier.verify(body, c['header'], now: c['now'])
        assert_equal expected['scheme'], v.scheme_name
        if expected['timestamp'].nil?
          assert_nil v.timestamp
        else
          assert_equal expected['timestamp'], v.timestamp
        end
        assert_equal expected['secret_index'], v.secret_index
      else
        err = assert_raises(CstarWebhooks::WebhookError) { verifier.verify(body, c['header'], now: c['now']) }
        assert_equal expected['code'], err.code
        assert_instance_of EXPECTED_CLASSES.fetch(expected['code']), err
        c['secrets'].each { |s| refute_includes err.message, s }
        err2 = assert_raises(CstarWebhooks::WebhookError) { verifier.construct_event(body, c['header'], now: c['now']) }
        assert_equal expected['code'], err2.code
      end
    end
  end

  SIGNATURES['sign'].each do |c|
    define_method("test_sign_#{c['name']}") do
      body = body_of(c)
      produced =
        case c['scheme']
        when 'v1' then CstarWebhooks.sign(body, c['secrets'], c['timestamp'])
        when 'legacy'
          assert_equal 1, c['secrets'].size
          CstarWebhooks.sign_legacy(body, c['secrets'][0])
        else flunk "unknown scheme #{c['scheme']}"
        end
      assert_equal c['expected_header'], produced
      c['secrets'].each do |secret|
        v = CstarWebhooks::Verifier.new([secret]).verify(body, produced, now: c['timestamp'] || 0)
        assert_equal c['scheme'], v.scheme_name
      end
    end
  end
end

class TestEventVectors < Minitest::Test
  EVENTS = load_vectors('events.json')

  def test_format_version
    assert_equal 1, EVENTS['version']
  end

  EVENTS['parse'].each do |c|
    define_method("test_parse_#{c['name']}") do
      body = c['body'].b
      expected = c['expected']
      if expected['ok']
        e = CstarWebhooks.parse_event(body)
        assert_equal expected['id'], e.id
        assert_equal expected['type'], e.type
        assert_equal expected['known_type'], e.event_type.is_known
        assert_equal !expected['known_type'], e.event_type.is_a?(CstarWebhooks::EventType::UNKNOWN)
        assert_equal expected['family'], e.family_name
        assert_equal expected['team_id'], e.team_id
        assert_equal expected['created_at'], e.created_at
        assert_equal expected['data_keys'], e.data_keys
        assert_equal expected['data_keys'], e.data.keys
        assert_equal e, CstarWebhooks.parse_event(e.to_json)
      else
        err = assert_raises(CstarWebhooks::WebhookError) { CstarWebhooks.parse_event(body) }
        assert_equal expected['code'], err.code
        assert_instance_of EXPECTED_CLASSES.fetch(expected['code']), err
      end
    end
  end

  EVENTS['flatten'].each do |c|
    define_method("test_flatten_#{c['name']}") do
      out = JSON.parse(CstarWebhooks.flatten(c['input_text']))
      assert_equal c['expected_keys'], out.keys
      assert_equal c['expected'], out
      # A Hash keeps its key order through JSON.generate, so it can be passed directly.
      assert_equal c['expected'], JSON.parse(CstarWebhooks.flatten_payload(c['input']))
    end
  end
end

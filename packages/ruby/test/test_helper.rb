# frozen_string_literal: true

require 'minitest/autorun'
require 'json'
require_relative '../lib/cstar_webhooks'

VECTORS_DIR = ENV.fetch('CSTAR_VECTORS') { File.expand_path('../../../tests/vectors', __dir__) }

def load_vectors(name)
  JSON.parse(File.read(File.join(VECTORS_DIR, name), encoding: 'UTF-8'))
end

# The raw body bytes of a case (exactly one of body / body_hex / body_repeat), as a binary String.
def body_of(c)
  fields = %w[body body_hex body_repeat].select { |k| c.key?(k) }
  raise "#{c['name']}: expected exactly one body field, got #{fields}" unless fields.size == 1

  case fields.first
  when 'body' then c['body'].b
  when 'body_hex' then [c['body_hex']].pack('H*')
  else (c['body_repeat']['pattern'] * c['body_repeat']['count']).b
  end
end

# Each core code's own Ruby exception class.
EXPECTED_CLASSES = {
  'missing_signature' => CstarWebhooks::WebhookError::MissingSignature,
  'malformed_signature' => CstarWebhooks::WebhookError::MalformedSignature,
  'timestamp_too_old' => CstarWebhooks::WebhookError::TimestampTooOld,
  'timestamp_in_future' => CstarWebhooks::WebhookError::TimestampInFuture,
  'no_matching_signature' => CstarWebhooks::WebhookError::NoMatchingSignature,
  'legacy_not_allowed' => CstarWebhooks::WebhookError::LegacyNotAllowed,
  'invalid_payload' => CstarWebhooks::WebhookError::InvalidPayload
}.freeze

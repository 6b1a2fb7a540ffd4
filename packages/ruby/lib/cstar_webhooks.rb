# frozen_string_literal: true

# cStar webhooks for Ruby: verify signed webhook requests, parse events, sign test requests.
#
# The functions and types come from the uniffi-generated bindings
# (lib/cstar_webhooks/generated/cstar_webhooks.rb, built with the gem) over the Rust core;
# this file loads the native library and adds Ruby idioms (keyword arguments, one rescuable
# error module with #code). Every rule lives in the core.
require 'ffi'
require_relative 'cstar_webhooks/version'

module CstarWebhooks
  # The native library: $CSTAR_WEBHOOKS_LIB when set, else the one bundled in the gem.
  def self.native_library_path
    ENV.fetch('CSTAR_WEBHOOKS_LIB') do
      File.expand_path("cstar_webhooks/generated/libcstar_webhooks_uniffi.#{FFI::Platform::LIBSUFFIX}", __dir__)
    end
  end
end

require_relative 'cstar_webhooks/generated/cstar_webhooks'

module CstarWebhooks
  # Performance fix for the generated serializer: uniffi 0.32's Ruby RustBufferBuilder copies
  # every String argument through `value.bytes` (an Array with one Integer per byte, built
  # twice), which made a 64 KiB body cost ~5 ms. These write the same bytes with one
  # FFI::Pointer#put_bytes. Behaviour is unchanged (the vector suite covers non-UTF-8 and
  # 1 MiB bodies).
  class RustBufferBuilder
    def write(value)
      reserve(value.bytesize) do
        @rust_buf.data.put_bytes(@rust_buf.len, value)
      end
    end

    def write_bytes(value)
      value = ::CstarWebhooks.uniffi_bytes(value)
      pack_into(4, 'l>', value.bytesize)
      write(value)
    end

    def pack_into(size, format, value)
      reserve(size) do
        @rust_buf.data.put_bytes(@rust_buf.len, [value].pack(format))
      end
    end
  end

  # Every error the library raises is one of the WebhookError::* classes (one per core code:
  # MissingSignature, MalformedSignature, TimestampTooOld, TimestampInFuture,
  # NoMatchingSignature, LegacyNotAllowed, InvalidPayload, InvalidArgument (signing input
  # that could never verify: no secret, an empty secret, a negative timestamp), and Other for
  # a code from a newer core). They all include this module, so `rescue CstarWebhooks::WebhookError => e` catches
  # any of them; `e.code` is the stable code, `e.reason` the explanation (never a secret).
  module WebhookError
    # Each variant class, keyed by its code (built from the core's codes, see .error_codes).
    def self.classes
      constants.map { |c| const_get(c) }.select { |k| k.is_a?(Class) && k < StandardError }
    end

    classes.each do |klass|
      klass.include(self)
      klass.class_eval do
        def to_s
          "#{code}: #{reason}"
        end

        alias_method :message, :to_s

        def inspect
          "#<#{self.class.name} code=#{code.inspect}>"
        end
      end
    end
  end

  class Verifier
    alias uniffi_initialize initialize
    private :uniffi_initialize
    alias uniffi_verify verify
    private :uniffi_verify
    alias uniffi_construct_event construct_event
    private :uniffi_construct_event

    # Verifier.new(secrets, tolerance: nil, max_age: nil, max_future: nil, allow_legacy: true)
    #
    # `secrets`: one secret or an array (newest first during a rotation). Tolerances in
    # seconds (default 300 each way); `tolerance` sets both directions.
    def initialize(secrets, tolerance: nil, max_age: nil, max_future: nil, allow_legacy: true)
      uniffi_initialize(Array(secrets), tolerance, max_age, max_future, allow_legacy ? true : false)
    end

    # Verifies the raw `body` (a String of bytes, as received) against `signature` (the
    # X-Signature value; nil when absent) at `now` (unix seconds; the system clock when nil).
    # Returns a Verified; raises a WebhookError.
    def verify(body, signature, now: nil)
      uniffi_verify(binary(body), header_text(signature), now)
    end

    # Verifies, then parses the event. Returns an Event; raises a WebhookError.
    def construct_event(body, signature, now: nil)
      uniffi_construct_event(binary(body), header_text(signature), now)
    end

    def to_s
      inspect
    end

    private

    # Rack hands header values over as binary (ASCII-8BIT) Strings: read them as UTF-8 text,
    # replacing invalid bytes with U+FFFD (such a header can only be malformed or
    # non-matching, which the core decides), instead of failing in the String conversion.
    def header_text(signature)
      CstarWebhooks.header_text(signature)
    end

    def binary(body)
      raise TypeError, "body must be a String of the raw request bytes, got #{body.class}" unless body.is_a?(String)

      body.b
    end
  end

  class Verified
    # "v1" or "legacy".
    def scheme_name
      CstarWebhooks.scheme_name(scheme)
    end
  end

  class Event
    # "tickets", "customers", "articles", "gamification" or "unknown".
    def family_name
      CstarWebhooks.family_name(family)
    end

    # The event type string exactly as sent.
    def type
      event_type.as_str
    end

    # `data` as a Hash (key order kept).
    def data
      JSON.parse(data_json)
    end
  end

  # Header values as text: Rack hands them over as binary (ASCII-8BIT) Strings; read them as
  # UTF-8, replacing invalid bytes with U+FFFD (the core then finds such a header malformed
  # or non-matching) instead of failing in the String conversion. Non-Strings pass through.
  def self.header_text(value)
    return value unless value.is_a?(String)
    return value if value.encoding == Encoding::UTF_8 && value.valid_encoding?

    value.dup.force_encoding(Encoding::UTF_8).scrub
  end

  class << self
    alias_method :uniffi_generate_test_headers, :generate_test_headers
    alias_method :uniffi_diagnose, :diagnose
    alias_method :uniffi_sign, :sign
    private :uniffi_generate_test_headers, :uniffi_diagnose, :uniffi_sign

    # The X-Signature value `t=<timestamp>,v1=<hex>[,v1=…]` for one secret or several.
    def sign(body, secrets, timestamp)
      uniffi_sign(body, Array(secrets), timestamp)
    end

    # The full header set cStar would send with `body` (Header records, SPEC order), for your
    # receiver's tests. Event id and type default to the body's own, the webhook id to
    # `whk_test`, the attempt to 1, the timestamp to now.
    def generate_test_headers(body, secrets, webhook_id: nil, event_id: nil, event_type: nil, attempt: nil,
                              timestamp: nil)
      uniffi_generate_test_headers(body, Array(secrets), webhook_id, event_id, event_type, attempt, timestamp)
    end

    # Why a signature fails (debugging only): a Diagnosis with likely causes.
    def diagnose(body, signature, secrets, now: nil)
      uniffi_diagnose(body, header_text(signature), Array(secrets), now)
    end
  end

  # The flat payload (SPEC §2) of a JSON String or of a Hash (serialized in its key order).
  def self.flatten_payload(payload)
    flatten(payload.is_a?(String) ? payload : JSON.generate(payload))
  end

  # The headers Rack puts in `env` (HTTP_X_SIGNATURE, CONTENT_TYPE, …) as Header records.
  def self.headers_from_rack_env(env)
    env.filter_map do |key, value|
      next unless value.is_a?(String)

      if key.start_with?('HTTP_')
        Header.new(name: key.delete_prefix('HTTP_').tr('_', '-'), value: header_text(value))
      elsif key == 'CONTENT_TYPE'
        Header.new(name: 'Content-Type', value: header_text(value))
      end
    end
  end
end

require 'json'
require_relative 'cstar_webhooks/rack'

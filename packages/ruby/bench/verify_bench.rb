# frozen_string_literal: true

# Benchmark (not a test): our Verifier#verify (Rust core through uniffi + ffi) beside a plain
# Ruby verifier built on OpenSSL::HMAC + OpenSSL.fixed_length_secure_compare — the primitives
# stripe-ruby's Webhook::Signature uses (the stripe gem itself is not installable offline
# here, so its algorithm is re-implemented in ~15 lines below). Same header, body, secret.
#
#   bash packages/ruby/test.sh   # builds the library and bindings once
#   ruby packages/ruby/bench/verify_bench.rb
require 'openssl'
require_relative '../lib/cstar_webhooks'

SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
NOW = 1_774_866_600

# stripe-ruby's verify_header, reduced to the v1 path: parse, tolerance, HMAC, compare.
def openssl_verify(payload, header, secret, now, tolerance: 300)
  items = header.split(',').map { |i| i.strip.split('=', 2) }
  t = items.find { |k, _| k == 't' }&.last
  raise ArgumentError, 'no timestamp' unless t&.match?(/\A\d+\z/)

  sigs = items.select { |k, _| k == 'v1' }.map(&:last)
  raise ArgumentError, 'too old' if (now - t.to_i).abs > tolerance

  expected = OpenSSL::HMAC.hexdigest('SHA256', secret, "#{t}.#{payload}")
  raise ArgumentError, 'no match' unless sigs.any? { |s| s.bytesize == 64 && OpenSSL.fixed_length_secure_compare(s, expected) }

  true
end

def ops_per_sec(seconds = 1.0)
  n = 0
  deadline = Process.clock_gettime(Process::CLOCK_MONOTONIC) + seconds
  while Process.clock_gettime(Process::CLOCK_MONOTONIC) < deadline
    20.times { yield }
    n += 20
  end
  n / seconds
end

verifier = CstarWebhooks::Verifier.new(SECRET)
puts "ruby #{RUBY_VERSION}, ffi #{FFI::VERSION}, #{OpenSSL::OPENSSL_LIBRARY_VERSION}"
[1024, 64 * 1024].each do |size|
  body = ('{"k":"' + ('x' * (size - 8)) + '"}').b
  header = CstarWebhooks.sign(body, [SECRET], NOW)
  raise 'setup' unless verifier.verify(body, header, now: NOW) && openssl_verify(body, header, SECRET, NOW)

  3.times { ops_per_sec(0.2) { verifier.verify(body, header, now: NOW) } } # warm up
  ours = ops_per_sec { verifier.verify(body, header, now: NOW) }
  peer = ops_per_sec { openssl_verify(body, header, SECRET, NOW) }
  printf("%6d B  cstar_webhooks %10.0f ops/s   OpenSSL::HMAC (stripe-ruby algorithm) %10.0f ops/s   ratio %.2fx\n",
         body.bytesize, ours, peer, ours / peer)
end

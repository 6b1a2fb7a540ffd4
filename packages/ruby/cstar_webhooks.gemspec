# frozen_string_literal: true

# A platform gem that bundles the native library (built by `bash test.sh`, or by your
# release pipeline per platform: x86_64-linux, aarch64-linux, arm64-darwin, x86_64-darwin):
#
#   bash test.sh                      # builds the library and the generated bindings
#   gem build cstar_webhooks.gemspec  # -> cstar_webhooks-<version>-<platform>.gem
require_relative 'lib/cstar_webhooks/version'

Gem::Specification.new do |spec|
  spec.name = 'cstar_webhooks'
  spec.version = CstarWebhooks::VERSION
  spec.authors = ['cStar webhooks SDK developers']
  spec.summary = 'Verify cStar webhooks (v1 and legacy signatures), parse events, Rack middleware.'
  spec.description = 'The cStar webhooks core (Rust) for Ruby through uniffi: signature verification with ' \
                     'secret rotation and replay protection, typed events, flat payloads, diagnosis, and a ' \
                     'Rack middleware for Rails and Sinatra.'
  spec.homepage = 'https://github.com/cstar/webhooks'
  spec.licenses = ['MIT', 'Apache-2.0']
  spec.required_ruby_version = '>= 3.0'
  spec.metadata = { 'source_code_uri' => 'https://github.com/cstar/webhooks/tree/main/packages/ruby',
                    'rubygems_mfa_required' => 'true' }

  native = Dir[File.join(__dir__, 'lib/cstar_webhooks/generated/libcstar_webhooks_uniffi.{so,dylib,dll}')]
  generated = File.join(__dir__, 'lib/cstar_webhooks/generated/cstar_webhooks.rb')
  unless File.exist?(generated) && !native.empty?
    raise 'lib/cstar_webhooks/generated is empty: run `bash test.sh` (or build the cdylib and uniffi-bindgen) first'
  end

  # The library is native code for one platform: the gem says which.
  spec.platform = Gem::Platform.local
  spec.files = Dir.chdir(__dir__) do
    Dir['lib/**/*.rb'] + Dir['lib/cstar_webhooks/generated/libcstar_webhooks_uniffi.{so,dylib,dll}'] +
      %w[README.md cstar_webhooks.gemspec]
  end
  spec.require_paths = ['lib']
  spec.add_dependency 'ffi', '~> 1.15'
end

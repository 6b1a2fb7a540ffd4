# frozen_string_literal: true

module CstarWebhooks
  VERSION = '0.1.0'
end

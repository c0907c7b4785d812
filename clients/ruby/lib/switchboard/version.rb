# frozen_string_literal: true

module Switchboard
  VERSION = "0.1.0"
end

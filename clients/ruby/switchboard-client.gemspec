# frozen_string_literal: true

require_relative "lib/switchboard/version"

Gem::Specification.new do |spec|
  spec.name = "switchboard-client"
  spec.version = Switchboard::VERSION
  spec.summary = "Ruby client for Switchboard's switchboard.v1.EventStream, with a resume-on-reconnect " \
                 "subscription and a consumer group member"
  spec.description = "Generated messages and stubs for switchboard.v1 (JustCall webhooks as typed events), " \
                     "Switchboard::Subscription, which reconnects with backoff and resumes by sequence, and " \
                     "Switchboard::Consumer, a consumer group member that acks, nacks and joins again by itself."
  spec.authors = ["Switchboard"]
  spec.license = "Apache-2.0"
  spec.files = Dir["lib/**/*.rb", "README.md"]
  spec.require_paths = ["lib"]
  spec.required_ruby_version = ">= 2.7"
  # The floor is what Debian 12 ships (ruby-grpc 1.51, ruby-google-protobuf 3.21).
  # The generated code uses the DescriptorPool#build DSL, which google-protobuf 4
  # no longer has: regenerate with a newer protoc before moving to it.
  spec.add_dependency "google-protobuf", "~> 3.21"
  spec.add_dependency "grpc", ">= 1.51", "< 2"
end

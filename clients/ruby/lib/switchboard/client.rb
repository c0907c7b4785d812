# frozen_string_literal: true

# Ruby client for Switchboard's switchboard.v1.EventStream: the generated
# messages and stub (Switchboard::V1::Event, Switchboard::V1::EventStream::Stub,
# ...) and Switchboard::Subscription, which resumes after reconnects.
#
#   require "switchboard/client"

require "switchboard/version"
require "switchboard/v1/event_pb"
require "switchboard/v1/event_stream_services_pb"
require "switchboard/subscription"

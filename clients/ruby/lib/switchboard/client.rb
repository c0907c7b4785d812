# frozen_string_literal: true

# Ruby client for Switchboard's switchboard.v1.EventStream: the generated
# messages and stubs (Switchboard::V1::Event, Switchboard::V1::EventStream::Stub,
# Switchboard::V1::ConsumerGroupService::Stub, ...), Switchboard::Subscription,
# which resumes after reconnects, and Switchboard::Consumer, a consumer group
# member that acks, nacks and joins again by itself.
#
#   require "switchboard/client"

require "switchboard/version"
require "switchboard/v1/event_pb"
require "switchboard/v1/event_stream_services_pb"
require "switchboard/v1/consumer_group_service_services_pb"
require "switchboard/subscription"
require "switchboard/consumer"

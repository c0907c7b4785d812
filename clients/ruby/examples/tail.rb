#!/usr/bin/env ruby
# frozen_string_literal: true

# Prints one line per event until Ctrl-C, reconnecting and resuming by itself
# when switchboard restarts. From the repository:
#
#   ruby -I clients/ruby/lib clients/ruby/examples/tail.rb --addr 127.0.0.1:50051 --types 'call.*,sms.received' --after 0
#
# Exit status: 0 after Ctrl-C/SIGTERM, 1 when the server refuses (the message
# says why), 2 bad flags.

require "optparse"
require "switchboard/client"

options = { addr: "127.0.0.1:50051", types: [] }
begin
  OptionParser.new do |o|
    o.banner = "usage: tail.rb [options]"
    o.on("--addr HOST:PORT", "switchboard's gRPC address (default #{options[:addr]})") { |v| options[:addr] = v }
    o.on("--types P1,P2", Array, "event type patterns (default: every type)") { |v| options[:types] = v }
    o.on("--after N", Integer, "resume after sequence N (0 = oldest retained; default: live)") { |v| options[:after] = v }
    o.on("--token_file FILE", "bearer token file") { |v| options[:token] = File.read(v).strip }
    o.on("--tls_ca FILE", "TLS: the CA that signed the server's certificate (PEM)") { |v| options[:ca] = v }
    o.on("--tls_cert FILE", "mTLS: client certificate (PEM)") { |v| options[:cert] = v }
    o.on("--tls_key FILE", "mTLS: client key (PEM)") { |v| options[:key] = v }
  end.parse!
rescue OptionParser::ParseError => e
  warn e.message
  exit 2
end

$stdout.sync = true
subscription = Switchboard::Subscription.new(
  options[:addr], event_types: options[:types], after_sequence: options[:after], token: options[:token],
  tls_ca_file: options[:ca], tls_cert_file: options[:cert], tls_key_file: options[:key],
  on_retry: ->(retry_info) { warn "reconnecting in #{(retry_info.delay * 1000).round} ms: #{retry_info.cause.details}" }
)
# A signal handler cannot take a Mutex (trap context): close from a thread.
%w[INT TERM].each { |signal| trap(signal) { Thread.new { subscription.close } } }

begin
  subscription.each do |event|
    line = "##{event.sequence} #{event.type} #{event.id}"
    call = event.call_completed&.call # JustCall's official object (a flat call.completed has none)
    if call&.has_id?
      line += " contact=#{call.contact_number} direction=#{call.call_info&.direction} " \
              "duration=#{call.call_duration&.total_duration}s"
    end
    puts line
  end
rescue GRPC::BadStatus => e
  warn "switchboard: #{e.code}: #{e.details}"
  exit 1
end

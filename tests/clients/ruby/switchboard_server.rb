# frozen_string_literal: true

require "json"
require "net/http"

# The real switchboard binary on 127.0.0.1 (like tests/clients/python/switchboard_server.py):
# HTTP on port 0, gRPC on +grpc_port+ (0: any), --store=memory unless +flags+ choose another.
class SwitchboardServer
  attr_reader :grpc_addr, :http_addr

  def initialize(binary, grpc_port: 0, flags: [], timeout: 10)
    command = [binary, "--http_addr=127.0.0.1:0", "--admin_addr=127.0.0.1:0",
               "--grpc_addr=127.0.0.1:#{grpc_port}"]
    command << "--store=memory" unless flags.any? { |f| f.start_with?("--store=") }
    command.concat(flags)
    err, writer = IO.pipe
    @pid = Process.spawn(*command, in: File::NULL, out: File::NULL, err: writer)
    writer.close
    @log = +""
    @drainer = Thread.new { err.each_line { |line| @log << line } }
    deadline = now + timeout
    sleep 0.05 until @log.include?(" ready\n") || !@drainer.alive? || now > deadline
    unless @log.include?(" ready\n")
      stop
      raise "switchboard not ready: #{command.join(' ')}\n#{@log}"
    end
    @grpc_addr = @log[/grpc server listening on (\S+)/, 1]
    @http_addr = @log[/http gateway listening on (\S+)/, 1]
  end

  def grpc_port
    Integer(@grpc_addr.split(":").last)
  end

  # POSTs a webhook (the bytes of a file, or a String of JSON); returns its sequence.
  def post(path: nil, json: nil)
    body = path ? File.binread(path) : json
    response = Net::HTTP.post(URI("http://#{@http_addr}/webhooks/justcall"), body,
                              "Content-Type" => "application/json")
    raise "POST answered #{response.code}: #{response.body}" unless response.code == "200"

    JSON.parse(response.body).fetch("sequence")
  end

  # POSTs each String of JSON on one keep-alive connection; returns their sequences.
  def post_all(bodies)
    host, port = @http_addr.split(":")
    Net::HTTP.start(host, Integer(port)) do |http|
      bodies.map do |body|
        response = http.post("/webhooks/justcall", body, "Content-Type" => "application/json")
        raise "POST answered #{response.code}: #{response.body}" unless response.code == "200"

        JSON.parse(response.body).fetch("sequence")
      end
    end
  end

  # SIGTERM, then SIGKILL after 5 s; returns the exit status.
  def stop
    return @status if @status

    Process.kill("TERM", @pid)
    deadline = now + 5
    until Process.wait(@pid, Process::WNOHANG)
      if now > deadline
        Process.kill("KILL", @pid)
        Process.wait(@pid)
        break
      end
      sleep 0.05
    end
    @drainer.join(5)
    @status = $?.exitstatus
  end

  private

  def now
    Process.clock_gettime(Process::CLOCK_MONOTONIC)
  end
end

import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real switchboard binary on 127.0.0.1 (like tests/clients/python/switchboard_server.py):
 * HTTP on port 0, gRPC on {@code grpcPort} (0: any), {@code --store=memory} unless the extra
 * flags choose another store.
 */
final class SwitchboardServer implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final String grpcAddr;
  final String httpAddr;
  private final Process process;
  private final StringBuffer log = new StringBuffer();

  SwitchboardServer(String binary, int grpcPort, String... flags)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(Arrays.asList(
        binary, "--http_addr=127.0.0.1:0", "--admin_addr=127.0.0.1:0",
        "--grpc_addr=127.0.0.1:" + grpcPort));
    if (Arrays.stream(flags).noneMatch(f -> f.startsWith("--store="))) command.add("--store=memory");
    command.addAll(Arrays.asList(flags));
    process = new ProcessBuilder(command)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    CountDownLatch ready = new CountDownLatch(1);
    Thread drainer = new Thread(() -> {
      try (BufferedReader err = new BufferedReader(
          new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = err.readLine()) != null; ) {
          log.append(line).append('\n');
          if (line.endsWith(" ready")) ready.countDown();
        }
      } catch (IOException e) {
        // the process ended
      }
    });
    drainer.setDaemon(true);
    drainer.start();
    if (!ready.await(10, TimeUnit.SECONDS)) {
      stop();
      throw new IllegalStateException("switchboard not ready: " + command + "\n" + log);
    }
    grpcAddr = find("grpc server listening on (\\S+)");
    httpAddr = find("http gateway listening on (\\S+)");
  }

  private String find(String regex) {
    Matcher m = Pattern.compile(regex).matcher(log);
    if (!m.find()) throw new IllegalStateException("no match for " + regex + " in:\n" + log);
    return m.group(1);
  }

  int grpcPort() {
    return Integer.parseInt(grpcAddr.substring(grpcAddr.lastIndexOf(':') + 1));
  }

  /** POSTs a webhook file's bytes; returns its sequence. */
  long post(Path file) throws IOException, InterruptedException {
    return post(HttpRequest.BodyPublishers.ofFile(file));
  }

  /** POSTs a webhook document; returns its sequence. */
  long post(String json) throws IOException, InterruptedException {
    return post(HttpRequest.BodyPublishers.ofString(json));
  }

  private long post(HttpRequest.BodyPublisher body) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + httpAddr + "/webhooks/justcall"))
        .header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(10))
        .POST(body)
        .build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("POST answered " + response.statusCode() + ": " + response.body());
    }
    return JsonParser.parseString(response.body()).getAsJsonObject().get("sequence").getAsLong();
  }

  /** SIGTERM, then SIGKILL after 5 s; returns the exit status. */
  int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
    return process.waitFor();
  }

  String log() {
    return log.toString();
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}

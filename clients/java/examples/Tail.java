// Prints one line per event until Ctrl-C, reconnecting and resuming by itself
// when switchboard restarts. Run from the repository (Java 11+, no build step):
//
//   java -cp "clients/java/target/classes:$(clients/java/classpath.sh)" clients/java/examples/Tail.java \
//     --addr 127.0.0.1:50051 --types 'call.*,sms.received' --after 0
//
// Flags: --addr HOST:PORT, --types P1,P2 (default: every type), --after N (resume
// after sequence N; 0 = oldest retained; default: live), --token_file FILE,
// --tls_ca FILE, --tls_cert FILE --tls_key FILE (mTLS). Exit status: 0 after
// Ctrl-C, 1 when the server refuses (the message says why), 2 bad flags.

import io.grpc.StatusRuntimeException;
import io.switchboard.client.Start;
import io.switchboard.client.Subscription;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import switchboard.v1.EventOuterClass.Event;

public class Tail {
  static final List<String> KNOWN_FLAGS =
      Arrays.asList("addr", "types", "after", "token_file", "tls_ca", "tls_cert", "tls_key");

  public static void main(String[] args) throws Exception {
    Map<String, String> flags = new HashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      String name = args[i].replaceFirst("^--", "");
      if (i + 1 == args.length || !KNOWN_FLAGS.contains(name)) {
        System.err.println("usage: Tail [--addr HOST:PORT] [--types P1,P2] [--after N] [--token_file FILE]"
            + " [--tls_ca FILE] [--tls_cert FILE --tls_key FILE]");
        System.exit(2);
      }
      flags.put(name, args[i + 1]);
    }
    Subscription.Builder builder = Subscription.newBuilder(flags.getOrDefault("addr", "127.0.0.1:50051"))
        .onRetry(retry -> System.err.println("reconnecting: " + retry));
    if (flags.containsKey("types")) builder.eventTypes(flags.get("types").split(","));
    if (flags.containsKey("after")) builder.start(Start.afterSequence(Long.parseUnsignedLong(flags.get("after"))));
    if (flags.containsKey("token_file")) {
      builder.bearerToken(new String(Files.readAllBytes(Paths.get(flags.get("token_file"))), StandardCharsets.UTF_8).trim());
    }
    if (flags.containsKey("tls_ca")) builder.tlsCaFile(Paths.get(flags.get("tls_ca")));
    if (flags.containsKey("tls_cert")) {
      builder.tlsClientCertificate(Paths.get(flags.get("tls_cert")), Paths.get(flags.get("tls_key")));
    }

    Subscription subscription = builder.build();
    Runtime.getRuntime().addShutdownHook(new Thread(subscription::close));  // Ctrl-C, SIGTERM
    try {
      subscription.run(event -> System.out.println(summary(event)));
    } catch (StatusRuntimeException e) {
      System.err.println("switchboard: " + e.getStatus().getCode() + ": " + e.getStatus().getDescription());
      System.exit(1);
    }
  }

  // "#SEQUENCE TYPE ID", and a few typed fields of an official call.completed.
  static String summary(Event event) {
    String line = "#" + Long.toUnsignedString(event.getSequence()) + " " + event.getType() + " " + event.getId();
    // JustCall's official call object (a flat call.completed has only some of its fields).
    if (event.hasCallCompleted() && event.getCallCompleted().getCall().hasId()) {
      switchboard.v1.CallOuterClass.Call call = event.getCallCompleted().getCall();
      line += " contact=" + call.getContactNumber() + " direction=" + call.getCallInfo().getDirection()
          + " duration=" + call.getCallDuration().getTotalDuration() + "s";
    }
    return line;
  }
}

import static org.junit.Assert.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A throwaway CA and a server and a client certificate signed by it (for 127.0.0.1 and
 * localhost), made with openssl in {@code dir}: ca.pem, server.pem, server.key, client.pem,
 * client.key; and a token file.
 */
final class TestCertificates {
  final Path dir;

  TestCertificates(Path dir) throws IOException, InterruptedException {
    this.dir = dir;
    String script = "set -e\n"
        + "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=test-ca -keyout ca.key -out ca.pem 2>/dev/null\n"
        + "for who in server client; do\n"
        + "  openssl req -newkey rsa:2048 -nodes -subj /CN=$who -keyout $who.key -out $who.csr 2>/dev/null\n"
        + "  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > $who.ext\n"
        + "  openssl x509 -req -in $who.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1"
        + " -extfile $who.ext -out $who.pem 2>/dev/null\n"
        + "done\n";
    Process openssl = new ProcessBuilder("bash", "-c", script).directory(dir.toFile()).inheritIO().start();
    assertEquals("openssl could not make test certificates", 0, openssl.waitFor());
  }

  Path file(String name) {
    return dir.resolve(name);
  }

  /** The server's flags for TLS that requires a client certificate, then {@code more}. */
  String[] serverFlags(String... more) {
    List<String> flags = new ArrayList<>(List.of(
        "--grpc_tls_cert=" + file("server.pem"), "--grpc_tls_key=" + file("server.key"),
        "--grpc_tls_client_ca=" + file("ca.pem")));
    flags.addAll(List.of(more));
    return flags.toArray(new String[0]);
  }

  /** A --grpc_token_file (in the same folder) granting {@code token} the patterns {@code grant}. */
  Path tokenFile(String token, String grant) throws IOException, NoSuchAlgorithmException {
    String hash = HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    return Files.writeString(dir.resolve("tokens"), "sha256:" + hash + "  java-test  " + grant + "\n");
  }
}

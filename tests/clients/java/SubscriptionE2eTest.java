import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.switchboard.client.EventHandler;
import io.switchboard.client.RetryInfo;
import io.switchboard.client.Start;
import io.switchboard.client.Subscription;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import switchboard.v1.CallOuterClass.Call;
import switchboard.v1.EventOuterClass.Event;
import switchboard.v1.Options;

/**
 * clients/java against the real switchboard binary on loopback. Run by
 * tests/clients/java_client_test.sh with -Dswitchboard.binary and -Dswitchboard.fixtures.
 */
public class SubscriptionE2eTest {
  private static final String BINARY = System.getProperty("switchboard.binary");
  private static final Path FIXTURES = Paths.get(System.getProperty("switchboard.fixtures"));
  private static final long WAIT_SECONDS = 10; // for any one expected event

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private final List<AutoCloseable> cleanup = new ArrayList<>();

  @After
  public void tearDown() throws Exception {
    for (int i = cleanup.size() - 1; i >= 0; i--) cleanup.get(i).close();
  }

  private SwitchboardServer server(int grpcPort, String... flags) throws Exception {
    SwitchboardServer server = new SwitchboardServer(BINARY, grpcPort, flags);
    cleanup.add(server);
    return server;
  }

  /** Runs a subscription on its own thread; events, then its end (a Throwable or DONE), go to a queue. */
  private final class Subscriber implements AutoCloseable {
    static final String DONE = "run() returned";
    final Subscription subscription;
    final BlockingQueue<Object> items = new LinkedBlockingQueue<>();
    final Thread thread;

    Subscriber(Subscription subscription) {
      this(subscription, event -> {});
    }

    /** {@code before} runs on each event before it is queued; it may throw. */
    Subscriber(Subscription subscription, EventHandler before) {
      this.subscription = subscription;
      thread = new Thread(() -> {
        try {
          subscription.run(event -> {
            before.handle(event);
            items.add(event);
          });
          items.add(DONE);
        } catch (Throwable t) {
          items.add(t);
        }
      });
      thread.start();
      cleanup.add(this);
    }

    Event next() throws Exception {
      Object item = items.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      assertNotNull("no event within " + WAIT_SECONDS + " s", item);
      if (item instanceof Throwable) throw new AssertionError("the subscription failed", (Throwable) item);
      assertTrue("expected an event, got: " + item, item instanceof Event);
      return (Event) item;
    }

    /** What run() ended with: DONE or the Throwable it threw. */
    Object end() throws Exception {
      Object item = items.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      assertNotNull("run() did not end within " + WAIT_SECONDS + " s", item);
      assertFalse("expected run() to end, got an event: " + item, item instanceof Event);
      return item;
    }

    void assertNoMore() throws InterruptedException {
      Object item = items.poll(300, TimeUnit.MILLISECONDS);
      assertNull("unexpected extra item: " + item, item);
    }

    @Override
    public void close() throws InterruptedException {
      subscription.close();
      thread.join(5000);
      assertFalse("run() did not return after close()", thread.isAlive());
    }
  }

  private static Subscription.Builder subscribe(SwitchboardServer server) {
    return Subscription.newBuilder(server.grpcAddr);
  }

  private static List<Path> samples(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".json")).sorted().collect(Collectors.toList());
    }
  }

  private static String typeOf(Path sample) {
    String name = sample.getFileName().toString();
    return name.substring(0, name.length() - ".json".length());
  }

  /** The Event.payload field whose (switchboard.v1.event_type) option is `type`. */
  private static FieldDescriptor payloadField(String type) {
    for (FieldDescriptor field : Event.getDescriptor().getOneofs().get(0).getFields()) {
      if (field.getOptions().getExtension(Options.eventType).equals(type)) return field;
    }
    throw new AssertionError("the schema has no payload for " + type);
  }

  // Keys of official samples whose shape JustCall does not document: left to data_json.
  private static final List<String> UNDOCUMENTED_KEYS = List.of("queue_callback", "shared_with_agents");

  @Test
  public void everySampleArrivesTypedWithItsJsonValues() throws Exception {
    SwitchboardServer server = server(0);
    Map<Long, Path> posted = new LinkedHashMap<>();
    List<Path> flat = samples(FIXTURES);
    List<Path> official = samples(FIXTURES.resolve("v2.1"));
    assertEquals("flat samples", 9, flat.size());
    assertEquals("official samples", 23, official.size());
    for (Path sample : flat) posted.put(server.post(sample), sample);
    for (Path sample : official) posted.put(server.post(sample), sample);

    Subscriber subscriber = new Subscriber(subscribe(server).start(Start.afterSequence(0)).build());
    List<String> differences = new ArrayList<>();
    for (Map.Entry<Long, Path> entry : posted.entrySet()) {
      Event event = subscriber.next();
      Path sample = entry.getValue();
      String name = FIXTURES.relativize(sample).toString();
      String text = Files.readString(sample);
      JsonObject doc = JsonParser.parseString(text).getAsJsonObject();
      JsonObject data = doc.getAsJsonObject("data");
      boolean isOfficial = doc.has("request_id");

      assertEquals(name, (long) entry.getKey(), event.getSequence());
      assertEquals(name, typeOf(sample), event.getType());
      assertTrue(name, event.hasReceivedAt());
      if (isOfficial) {
        assertEquals(name, doc.get("request_id").getAsString(), event.getId());
        assertEquals(name, doc.get("webhook_url").getAsString(), event.getWebhookUrl());
        assertEquals(name, doc.get("url_id").getAsString(), event.getUrlId());
        assertFalse(name + ": the v2.1 envelope has no timestamp", event.hasOccurredAt());
      } else {
        assertFalse(name, event.getId().isEmpty());
        assertTrue(name, event.hasOccurredAt());
      }
      assertEquals(name, List.of(), event.getSchemaMismatchesList());
      assertEquals(name, Map.of(), event.getEnvelopeExtrasMap());
      // Lossless: data_json is the data object, byte for byte.
      assertEquals(name, data, JsonParser.parseString(event.getDataJson()));
      assertTrue(name + ": data_json is not the file's text", text.contains(event.getDataJson()));

      FieldDescriptor payload = payloadField(event.getType());
      assertEquals(name, payload, event.getOneofFieldDescriptor(Event.getDescriptor().getOneofs().get(0)));
      TypedWalker walker = new TypedWalker();
      walker.walk((Message) event.getField(payload), data, name + ": data");
      differences.addAll(walker.differences);
      for (String path : walker.untyped) {
        String key = path.substring(path.lastIndexOf('.') + 1);
        if (!isOfficial || !UNDOCUMENTED_KEYS.contains(key)) {
          differences.add(path + " has no typed field");
        }
      }
    }
    assertEquals("typed fields that differ from the JSON", List.of(), differences);
    subscriber.assertNoMore();
  }

  @Test
  public void officialCallCompletedHasItsNestedTypedFields() throws Exception {
    // Literal values, in case the generic walk ever compares the wrong things.
    SwitchboardServer server = server(0);
    server.post(FIXTURES.resolve("v2.1/call.completed.json"));
    Subscriber subscriber = new Subscriber(subscribe(server).eventTypes("call.completed").start(Start.oldest()).build());
    Event event = subscriber.next();
    assertEquals("01JXD2HT5FFZ5Z9QYHPK8VRKCM", event.getId());
    assertTrue(event.hasCallCompleted());
    Call call = event.getCallCompleted().getCall();
    assertEquals(1048576123L, call.getId());
    assertEquals("CAd3fe0784bd6801797ca6fc9f9b5a4d45", call.getCallSid());
    assertEquals("14155550142", call.getContactNumber()); // kept as sent, no '+'
    assertEquals(271553L, call.getAgentId());
    assertEquals("Maya Fernandes", call.getAgentName());
    assertEquals(0.0285, call.getCostIncurred(), 0.0);
    assertEquals("Incoming", call.getCallInfo().getDirection());
    assertEquals("Answered", call.getCallInfo().getType());
    assertEquals(185L, call.getCallDuration().getTotalDuration());
    assertEquals("00:03:05", call.getCallDuration().getFriendlyDuration());
    assertTrue(call.hasCalledAt());
    assertEquals(java.time.Instant.parse("2025-06-10T14:05:12Z").getEpochSecond(), call.getCalledAt().getSeconds());
  }

  @Test
  public void resumesAfterServerRestartWithoutGapOrDuplicate() throws Exception {
    Path dataDir = tmp.newFolder("data").toPath();
    String[] durable = {"--store=rocksdb", "--data_dir=" + dataDir};
    SwitchboardServer first = server(0, durable);
    String completed = Files.readString(FIXTURES.resolve("call.completed.json"));
    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      assertEquals(i, first.post(completed.replace("call_8f3a2b1c", "call_before_" + i)));
    }

    // The reconnect waits (in onRetry, on run()'s thread) until the second server holds events
    // stored while the client was away: a live resume would miss them, a resume from the start
    // would deliver 1..3 twice.
    CountDownLatch secondPopulated = new CountDownLatch(1);
    List<RetryInfo> retries = new CopyOnWriteArrayList<>();
    Subscriber subscriber = new Subscriber(subscribe(first)
        .eventTypes("call.*")
        .start(Start.afterSequence(0))
        .backoff(Duration.ofMillis(50), Duration.ofMillis(200), 2.0, 0.5)
        .onRetry(retry -> {
          retries.add(retry);
          try {
            secondPopulated.await(WAIT_SECONDS, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        })
        .build());
    for (int i = 1; i <= 3; i++) ids.add(assertCallId(subscriber.next(), i, "call_before_" + i));

    assertEquals("switchboard exit status after SIGTERM", 0, first.stop()); // ends the stream: UNAVAILABLE
    SwitchboardServer second = server(first.grpcPort(), durable);
    assertEquals(4, second.post(completed.replace("call_8f3a2b1c", "call_while_away_4")));
    assertEquals(5, second.post(completed.replace("call_8f3a2b1c", "call_while_away_5")));
    secondPopulated.countDown();

    ids.add(assertCallId(subscriber.next(), 4, "call_while_away_4"));
    ids.add(assertCallId(subscriber.next(), 5, "call_while_away_5"));
    assertEquals(6, second.post(completed.replace("call_8f3a2b1c", "call_live_6")));
    ids.add(assertCallId(subscriber.next(), 6, "call_live_6"));
    subscriber.assertNoMore();
    assertEquals("distinct events", 6, ids.stream().distinct().count());
    assertEquals(OptionalLong.of(6), subscriber.subscription.lastSequence());
    assertTrue("reconnects: " + subscriber.subscription.reconnects(), subscriber.subscription.reconnects() >= 1);
    assertEquals(Status.Code.UNAVAILABLE, retries.get(0).cause().getCode());
    assertEquals(OptionalLong.of(3), retries.get(0).resumeAfter());
    for (RetryInfo retry : retries) {
      assertTrue(retry.toString(), retry.delay().compareTo(Duration.ofMillis(200)) <= 0);
    }
  }

  private static String assertCallId(Event event, long sequence, String callId) {
    assertEquals(sequence, event.getSequence());
    assertEquals("call.completed", event.getType());
    assertEquals(callId, event.getCallCompleted().getCallId());
    return event.getId();
  }

  @Test
  public void badPatternIsInvalidArgumentNotRetried() throws Exception {
    SwitchboardServer server = server(0);
    List<RetryInfo> retries = new CopyOnWriteArrayList<>();
    Subscriber subscriber = new Subscriber(subscribe(server).eventTypes("Not A Pattern").onRetry(retries::add).build());
    Object end = subscriber.end();
    assertTrue("run() ended with " + end, end instanceof StatusRuntimeException);
    Status status = ((StatusRuntimeException) end).getStatus();
    assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode());
    assertTrue(status.getDescription(), status.getDescription().contains("\"Not A Pattern\""));
    assertEquals(0, subscriber.subscription.reconnects());
    assertEquals(List.of(), retries);
  }

  @Test
  public void serverNotRunningAtFirstIsReportedNotRetried() throws Exception {
    SwitchboardServer server = server(0);
    String address = server.grpcAddr;
    server.stop(); // nothing listens there now
    Subscription subscription = Subscription.newBuilder(address).build();
    cleanup.add(subscription);
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> subscription.run(event -> {}));
    assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription(), e.getStatus().getDescription().startsWith("cannot connect to " + address));
  }

  @Test
  public void handlerExceptionStopsRunAndTheEventIsNotCounted() throws Exception {
    SwitchboardServer server = server(0);
    String completed = Files.readString(FIXTURES.resolve("call.completed.json"));
    server.post(completed.replace("call_8f3a2b1c", "call_1"));
    server.post(completed.replace("call_8f3a2b1c", "call_2"));
    IllegalStateException failure = new IllegalStateException("cannot process call_2");
    Subscriber subscriber = new Subscriber(subscribe(server).start(Start.oldest()).build(), event -> {
      if (event.getSequence() == 2) throw failure;
    });
    assertCallId(subscriber.next(), 1, "call_1");
    assertSame("run() rethrows the handler's exception", failure, subscriber.end());
    assertEquals(OptionalLong.of(1), subscriber.subscription.lastSequence());

    // Resuming from there delivers the event again.
    Subscriber again = new Subscriber(subscribe(server).start(Start.afterSequence(1)).build());
    assertCallId(again.next(), 2, "call_2");
  }

  @Test
  public void closeFromAnotherThreadEndsRunPromptly() throws Exception {
    SwitchboardServer server = server(0);
    // From the oldest: the event posted next arrives however late run() subscribes.
    Subscriber subscriber = new Subscriber(subscribe(server).start(Start.oldest()).build());
    server.post(FIXTURES.resolve("sms.received.json"));
    assertEquals("sms.received", subscriber.next().getType());
    long started = System.nanoTime();
    subscriber.subscription.close();
    assertEquals(Subscriber.DONE, subscriber.end());
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertTrue("close() took " + millis + " ms", millis < 2000);
  }

  @Test
  public void interruptingRunClosesTheSubscription() throws Exception {
    SwitchboardServer server = server(0);
    Subscriber subscriber = new Subscriber(subscribe(server).start(Start.oldest()).build());
    server.post(FIXTURES.resolve("sms.received.json"));
    assertEquals("sms.received", subscriber.next().getType()); // run() now waits for more
    subscriber.thread.interrupt();
    assertEquals(Subscriber.DONE, subscriber.end());
    assertEquals(0, subscriber.subscription.reconnects());
  }

  @Test
  public void tlsWithClientCertificateAndTokenReceivesEventsAndWithoutTokenIsUnauthenticated() throws Exception {
    TestCertificates certificates = new TestCertificates(tmp.newFolder("tls").toPath());
    Path dir = certificates.dir;
    String token = "java-client-test-token";
    SwitchboardServer server = server(0,
        certificates.serverFlags("--grpc_token_file=" + certificates.tokenFile(token, "call.*")));
    server.post(FIXTURES.resolve("v2.1/call.completed.json"));

    Subscriber subscriber = new Subscriber(subscribe(server)
        .tlsCaFile(dir.resolve("ca.pem"))
        .tlsClientCertificate(dir.resolve("client.pem"), dir.resolve("client.key"))
        .bearerToken(token)
        .start(Start.afterSequence(0))
        .build());
    assertEquals("01JXD2HT5FFZ5Z9QYHPK8VRKCM", subscriber.next().getId());

    Subscriber noToken = new Subscriber(subscribe(server)
        .tlsCaFile(dir.resolve("ca.pem"))
        .tlsClientCertificate(dir.resolve("client.pem"), dir.resolve("client.key"))
        .start(Start.afterSequence(0))
        .build());
    Object end = noToken.end();
    assertTrue("run() ended with " + end, end instanceof StatusRuntimeException);
    assertEquals(Status.Code.UNAUTHENTICATED, ((StatusRuntimeException) end).getStatus().getCode());
    assertEquals(0, noToken.subscription.reconnects());
  }
}

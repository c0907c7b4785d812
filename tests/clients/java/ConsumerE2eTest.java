import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.switchboard.client.Consumer;
import io.switchboard.client.DeliveryHandler;
import io.switchboard.client.RetryInfo;
import io.switchboard.client.Start;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import switchboard.v1.ConsumerGroupServiceGrpc;
import switchboard.v1.ConsumerGroupServiceOuterClass.GetGroupRequest;
import switchboard.v1.ConsumerGroupServiceOuterClass.GroupInfo;

/**
 * io.switchboard.client.Consumer (a consumer group member) against the real switchboard binary on
 * loopback. Run by tests/clients/java_client_test.sh with -Dswitchboard.binary and
 * -Dswitchboard.fixtures.
 */
public class ConsumerE2eTest {
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

  /** A builder for a member of {@code group}, with short backoffs. */
  private static Consumer.Builder member(SwitchboardServer server, String group) {
    return Consumer.newBuilder(server.grpcAddr, group)
        .backoff(Duration.ofMillis(50), Duration.ofMillis(500), 2.0, 0.5);
  }

  /**
   * Runs a Consumer on its own thread. Records each delivery (sequence, attempt) before calling
   * {@code before}, which may throw; then how run() ended (DONE or a Throwable) goes to a queue.
   */
  private final class Member implements AutoCloseable {
    static final String DONE = "run() returned";
    final Consumer consumer;
    final Thread thread;
    final List<long[]> deliveries = new CopyOnWriteArrayList<>(); // {sequence, attempt}
    final List<Long> handled = new CopyOnWriteArrayList<>(); // the handler returned
    final CountDownLatch joined = new CountDownLatch(1);
    final BlockingQueue<Object> end = new LinkedBlockingQueue<>();
    volatile boolean interruptedAfterRun; // the thread's interrupt status once run() returned

    Member(Consumer.Builder builder) {
      this(builder, (event, attempt) -> {});
    }

    Member(Consumer.Builder builder, DeliveryHandler before) {
      consumer = builder.onJoined(group -> joined.countDown()).build();
      thread = new Thread(() -> {
        try {
          consumer.run((event, attempt) -> {
            deliveries.add(new long[] {event.getSequence(), attempt});
            before.handle(event, attempt);
            handled.add(event.getSequence());
          });
          interruptedAfterRun = Thread.currentThread().isInterrupted();
          end.add(DONE);
        } catch (Throwable t) {
          end.add(t);
        }
      });
      thread.start();
      cleanup.add(this);
    }

    void awaitJoined() throws InterruptedException {
      assertTrue("not joined within " + WAIT_SECONDS + " s", joined.await(WAIT_SECONDS, TimeUnit.SECONDS));
    }

    /** What run() ended with: DONE or the Throwable it threw. */
    Object end() throws InterruptedException {
      Object item = end.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      assertNotNull("run() did not end within " + WAIT_SECONDS + " s", item);
      return item;
    }

    /** Attempts per sequence, in the order delivered. */
    Map<Long, List<Long>> attempts() {
      Map<Long, List<Long>> attempts = new TreeMap<>();
      for (long[] d : deliveries) attempts.computeIfAbsent(d[0], s -> new ArrayList<>()).add(d[1]);
      return attempts;
    }

    @Override
    public void close() throws InterruptedException {
      consumer.close();
      thread.join(5000);
      assertFalse("run() did not return after close()", thread.isAlive());
    }
  }

  private String callCompleted(String callId) throws Exception {
    return Files.readString(FIXTURES.resolve("call.completed.json")).replace("call_8f3a2b1c", callId);
  }

  /** Posts {@code count} distinct call.completed webhooks (4 at a time); returns their sequences. */
  private List<Long> postCalls(SwitchboardServer server, String prefix, int count) throws Exception {
    String template = callCompleted("CALL_ID");
    ExecutorService senders = Executors.newFixedThreadPool(4);
    try {
      List<Future<Long>> sequences = new ArrayList<>();
      for (int i = 1; i <= count; i++) {
        String body = template.replace("CALL_ID", prefix + "_" + i);
        sequences.add(senders.submit(() -> server.post(body)));
      }
      List<Long> posted = new ArrayList<>();
      for (Future<Long> sequence : sequences) posted.add(sequence.get());
      return posted;
    } finally {
      senders.shutdownNow();
    }
  }

  private static void waitUntil(BooleanSupplier condition, long seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) Thread.sleep(20);
  }

  private GroupInfo group(SwitchboardServer server, String name) {
    ManagedChannel channel = ManagedChannelBuilder.forTarget(server.grpcAddr).usePlaintext().build();
    try {
      return ConsumerGroupServiceGrpc.newBlockingStub(channel)
          .getGroup(GetGroupRequest.newBuilder().setGroup(name).build())
          .getGroup();
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  public void threeMembersShareThreeThousandEventsExactlyOnce() throws Exception {
    SwitchboardServer server = server(0);
    List<Member> members = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      members.add(new Member(member(server, "share").start(Start.oldest()).maxUnacked(50)));
    }
    for (Member m : members) m.awaitJoined(); // all in the group before the first event
    List<Long> posted = postCalls(server, "share", 3000);

    waitUntil(() -> members.stream().mapToInt(m -> m.handled.size()).sum() >= 3000, 60);
    Thread.sleep(300); // anything delivered twice would show by now
    Map<Long, Integer> times = new TreeMap<>();
    for (Member m : members) {
      assertFalse("a member got nothing: the work is not shared", m.handled.isEmpty());
      for (long sequence : m.handled) times.merge(sequence, 1, Integer::sum);
    }
    TreeSet<Long> missing = new TreeSet<>(posted);
    missing.removeAll(times.keySet());
    assertEquals("events not handled: " + missing.size() + ", the first ones",
        List.of(), missing.stream().limit(10).collect(Collectors.toList()));
    assertEquals("events handled that were not posted", new TreeSet<>(posted), times.keySet());
    Map<Long, Integer> twice = times.entrySet().stream().filter(e -> e.getValue() > 1)
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    assertEquals("events handled more than once", Map.of(), twice);

    // Every ack is stored: the server confirmed them all, and the group holds nothing.
    waitUntil(() -> members.stream().mapToLong(m -> m.consumer.acked()).sum() >= 3000, WAIT_SECONDS);
    assertEquals(3000, members.stream().mapToLong(m -> m.consumer.acked()).sum());
    GroupInfo info = group(server, "share");
    assertEquals((long) Collections.max(posted), info.getAckedThrough());
    assertEquals(0, info.getPending());
    assertEquals(3, info.getMembersCount());
  }

  @Test
  public void anEventWhoseHandlerThrowsComesBackWithAttemptTwoAndTheConsumerGoesOn() throws Exception {
    SwitchboardServer server = server(0);
    IllegalStateException failure = new IllegalStateException("cannot process call_fails yet");
    List<String> reported = new CopyOnWriteArrayList<>();
    List<Exception> reportedErrors = new CopyOnWriteArrayList<>();
    Member m = new Member(
        member(server, "retry").start(Start.oldest()).onHandlerError((delivery, e) -> {
          reported.add(delivery.getEvent().getSequence() + "/" + delivery.getDeliveryAttempt());
          reportedErrors.add(e);
        }),
        (event, attempt) -> {
          if (event.getCallCompleted().getCallId().equals("call_fails") && attempt == 1) throw failure;
        });
    assertEquals(1, server.post(callCompleted("call_ok_1")));
    assertEquals(2, server.post(callCompleted("call_fails")));
    assertEquals(3, server.post(callCompleted("call_ok_3")));

    waitUntil(() -> m.handled.size() >= 3, WAIT_SECONDS);
    Thread.sleep(300); // a further redelivery would show by now
    assertEquals(
        Map.of(1L, List.of(1L), 2L, List.of(1L, 2L), 3L, List.of(1L)), m.attempts());
    assertEquals(new TreeSet<>(List.of(1L, 2L, 3L)), new TreeSet<>(m.handled));
    assertEquals("onHandlerError", List.of("2/1"), reported);
    assertSame(failure, reportedErrors.get(0));
    assertTrue("run() ended after the handler threw", m.thread.isAlive());
    assertEquals(3, m.consumer.handled());
    waitUntil(() -> m.consumer.acked() >= 3, WAIT_SECONDS);
    assertEquals(3, m.consumer.acked());
    GroupInfo info = group(server, "retry");
    assertEquals(0, info.getPending());
    assertEquals(0, info.getDeadLetters());
  }

  @Test
  public void joiningWithAnotherFilterIsFailedPreconditionNotRetried() throws Exception {
    SwitchboardServer server = server(0);
    Member first = new Member(member(server, "filtered").eventTypes("call.completed"));
    first.awaitJoined();
    List<RetryInfo> retries = new CopyOnWriteArrayList<>();
    Member second = new Member(member(server, "filtered").eventTypes("sms.received").onRetry(retries::add));
    Object end = second.end();
    assertTrue("run() ended with " + end, end instanceof StatusRuntimeException);
    Status status = ((StatusRuntimeException) end).getStatus();
    assertEquals(Status.Code.FAILED_PRECONDITION, status.getCode());
    assertTrue(status.getDescription(), status.getDescription().contains("call.completed"));
    assertEquals(List.of(), retries);
    assertEquals(0, second.consumer.reconnects());
    assertTrue("the first member is still in the group", first.thread.isAlive());
  }

  @Test
  public void closeFromTheHandlerAcksWhatWasHandledAndGivesTheRestBack() throws Exception {
    SwitchboardServer server = server(0);
    for (int i = 1; i <= 5; i++) server.post(callCompleted("call_" + i));
    // One delivery batch of 5; close() while handling the third. (The handler waits until
    // self[0] is set: the member's thread starts in its constructor.)
    Member[] self = new Member[1];
    CountDownLatch started = new CountDownLatch(1);
    self[0] = new Member(member(server, "close").start(Start.oldest()), (event, attempt) -> {
      try {
        started.await();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      if (event.getSequence() == 3) self[0].consumer.close();
    });
    started.countDown();
    assertEquals(Member.DONE, self[0].end());
    assertEquals(List.of(1L, 2L, 3L), self[0].handled);
    assertEquals("acks confirmed before run() returned", 3, self[0].consumer.acked());

    // Nothing handled comes again; the two not handled do.
    Member next = new Member(member(server, "close"));
    waitUntil(() -> next.handled.size() >= 2, WAIT_SECONDS);
    Thread.sleep(300);
    assertEquals(List.of(4L, 5L), next.handled);
  }

  @Test
  public void closeFromAnotherThreadEndsRunPromptly() throws Exception {
    SwitchboardServer server = server(0);
    Member m = new Member(member(server, "idle"));
    m.awaitJoined(); // run() now waits for events
    long started = System.nanoTime();
    m.consumer.close();
    assertEquals(Member.DONE, m.end());
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertTrue("close() took " + millis + " ms", millis < 2000);
    waitUntil(() -> group(server, "idle").getMembersCount() == 0, WAIT_SECONDS);
    assertEquals("members after close()", 0, group(server, "idle").getMembersCount());
  }

  @Test
  public void interruptingRunClosesTheConsumerAndKeepsTheInterruptStatus() throws Exception {
    SwitchboardServer server = server(0);
    Member m = new Member(member(server, "interrupt"));
    m.awaitJoined();
    m.thread.interrupt();
    assertEquals(Member.DONE, m.end());
    assertTrue("the interrupt status was cleared", m.interruptedAfterRun);
    assertEquals(0, m.consumer.reconnects());
  }

  @Test
  public void rejoinsAfterServerRestartAndAckedEventsDoNotComeBack() throws Exception {
    Path dataDir = tmp.newFolder("data").toPath();
    String[] durable = {"--store=rocksdb", "--data_dir=" + dataDir};
    SwitchboardServer first = server(0, durable);
    List<RetryInfo> retries = new CopyOnWriteArrayList<>();
    Member m = new Member(member(first, "restart").start(Start.oldest()).onRetry(retries::add));
    for (int i = 1; i <= 3; i++) first.post(callCompleted("call_before_" + i));
    waitUntil(() -> m.consumer.acked() >= 3, WAIT_SECONDS);
    assertEquals(3, m.consumer.acked());

    assertEquals("switchboard exit status after SIGTERM", 0, first.stop()); // ends the stream: UNAVAILABLE
    SwitchboardServer second = server(first.grpcPort(), durable);
    second.post(callCompleted("call_after_4"));
    second.post(callCompleted("call_after_5"));
    waitUntil(() -> m.handled.size() >= 5, WAIT_SECONDS);
    Thread.sleep(300);
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L), m.handled);
    assertTrue("reconnects: " + m.consumer.reconnects(), m.consumer.reconnects() >= 1);
    assertEquals(Status.Code.UNAVAILABLE, retries.get(0).cause().getCode());
    for (RetryInfo retry : retries) {
      assertTrue(retry.toString(), retry.delay().compareTo(Duration.ofMillis(500)) <= 0);
      assertFalse(retry.toString(), retry.resumeAfter().isPresent());
    }
  }

  @Test
  public void tlsWithClientCertificateAndTokenJoinsAndATokenOutsideItsGrantIsNotRetried() throws Exception {
    TestCertificates certificates = new TestCertificates(tmp.newFolder("tls").toPath());
    String token = "java-consumer-test-token";
    SwitchboardServer server = server(0,
        certificates.serverFlags("--grpc_token_file=" + certificates.tokenFile(token, "call.*")));
    server.post(FIXTURES.resolve("v2.1/call.completed.json"));

    Member m = new Member(member(server, "secure")
        .tlsCaFile(certificates.file("ca.pem"))
        .tlsClientCertificate(certificates.file("client.pem"), certificates.file("client.key"))
        .bearerToken(token)
        .eventTypes("call.*")
        .start(Start.oldest()));
    waitUntil(() -> m.handled.size() >= 1, WAIT_SECONDS);
    assertEquals(List.of(1L), m.handled);

    Member outside = new Member(member(server, "sms")
        .tlsCaFile(certificates.file("ca.pem"))
        .tlsClientCertificate(certificates.file("client.pem"), certificates.file("client.key"))
        .bearerToken(token)
        .eventTypes("sms.received"));
    Object end = outside.end();
    assertTrue("run() ended with " + end, end instanceof StatusRuntimeException);
    assertEquals(Status.Code.PERMISSION_DENIED, ((StatusRuntimeException) end).getStatus().getCode());
    assertEquals(0, outside.consumer.reconnects());

    Member noToken = new Member(member(server, "secure")
        .tlsCaFile(certificates.file("ca.pem"))
        .tlsClientCertificate(certificates.file("client.pem"), certificates.file("client.key")));
    end = noToken.end();
    assertTrue("run() ended with " + end, end instanceof StatusRuntimeException);
    assertEquals(Status.Code.UNAUTHENTICATED, ((StatusRuntimeException) end).getStatus().getCode());
    assertEquals(0, noToken.consumer.reconnects());
  }
}

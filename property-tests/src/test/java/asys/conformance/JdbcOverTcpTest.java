package asys.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import asys.runtime.AsysRuntime;
import asys.runtime.CallHandle;
import asys.runtime.Identity;
import asys.runtime.Outcome;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real database, not a mock: a JDBC query to an H2 server in TCP mode on loopback, inside a
 * call. The query's SQL function waits, on the server, until the loop has run the task queued
 * after the call; so the query answers 42 only if the loop went on while the call was blocked in
 * the driver's socket read, which only the automatic hook can see.
 */
public class JdbcOverTcpTest {

    /** Counted down by the loop's task; the server-side function waits for it. */
    static volatile CountDownLatch loopRan = new CountDownLatch(1);
    static volatile long waitMs = 5_000;

    /** The SQL function {@code AWAIT_LOOP()}: 42 once the loop's task has run, -1 if it never did. */
    public static int awaitLoop() throws InterruptedException {
        return loopRan.await(waitMs, TimeUnit.MILLISECONDS) ? 42 : -1;
    }

    private static Server server;
    private static String url;

    @BeforeAll
    static void startServer() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        server = Server.createTcpServer("-tcpPort", String.valueOf(port), "-ifNotExists").start();
        url = "jdbc:h2:tcp://127.0.0.1:" + port + "/mem:asys;DB_CLOSE_DELAY=-1";
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
            s.execute("CREATE ALIAS IF NOT EXISTS AWAIT_LOOP FOR '" + JdbcOverTcpTest.class.getName() + ".awaitLoop'");
        }
    }

    @AfterAll
    static void stopServer() {
        if (server != null) server.stop();
    }

    /** The query as a raw scenario: its trace is validated by TLC with the others. */
    static RawScenarios.Result scenario() throws Exception {
        Connection c = DriverManager.getConnection(url, "sa", "");   // connected outside the call
        try (c) {
            return RawScenarios.run("jdbc", latch -> {
                loopRan = latch;
                waitMs = RawScenarios.WAIT_LIMIT_MS;
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT AWAIT_LOOP()")) {
                    rs.next();
                    return rs.getInt(1) == 42 ? 1 : -1;
                }
            });
        }
    }

    @Test
    void aQueryWaitingOnItsSocketHandsTheLoopOverAndDeliversItsResultOnce() throws Exception {
        RawScenarios.Result r = scenario();
        assertEquals(List.of(), r.problems());
        assertTrue(r.trace().stream().anyMatch(l -> l.contains("\"HookFire\"") && l.contains("\"site\":\"Socket.read\"")),
                () -> "the hook fired at the driver's socket read: " + r.trace());
    }

    /** The control: without the automatic hook the loop is stuck in the query, so the server-side
     *  function never sees the loop's task, and the query answers -1 after its wait. */
    @Test
    void withoutTheAutomaticHookTheQueryStallsTheLoop() throws Exception {
        loopRan = new CountDownLatch(1);
        waitMs = 300;
        AtomicInteger handled = new AtomicInteger();
        try (Connection c = DriverManager.getConnection(url, "sa", "");
             AsysRuntime rt = AsysRuntime.builder().build()) {
            Identity u = rt.newIdentity("plain");
            CompletableFuture<CallHandle<Integer>> done = new CompletableFuture<>();
            u.execute(() -> u.submit(() -> {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT AWAIT_LOOP()")) {
                    rs.next();
                    return rs.getInt(1);
                }
            }, h -> {
                handled.incrementAndGet();
                done.complete(h);
            }));
            u.execute(loopRan::countDown);
            CallHandle<Integer> h = done.get(10, TimeUnit.SECONDS);
            assertEquals(Outcome.QUICK, h.outcome(), "the query ran inline and was reported QUICK");
            assertEquals(-1, h.value(), "the loop's task ran only after the query");
            assertTrue(rt.close(Duration.ofSeconds(5)));
        }
        assertEquals(1, handled.get());
    }
}

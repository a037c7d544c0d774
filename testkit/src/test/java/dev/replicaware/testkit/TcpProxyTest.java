package dev.replicaware.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link TcpProxy} between pgjdbc and a real PostgreSQL server. */
class TcpProxyTest {
    private static PostgresCluster cluster;
    private static ClusterNode node;

    @BeforeAll
    static void startCluster() {
        cluster = PostgresCluster.builder().replicas(0).start();
        node = cluster.primary();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void passForwardsQueriesToTheNode() throws Exception {
        try (TcpProxy proxy = TcpProxy.start(node.host(), node.port())) {
            assertThat(proxy.port()).isNotEqualTo(node.port());
            try (Connection c = connect(proxy, new Properties())) {
                // the server answers, and says which port it serves: the node's, reached through the proxy's
                assertThat(queryInt(c, "SELECT inet_server_port()")).isEqualTo(node.port());
                assertThat(proxy.connectionCount()).isEqualTo(1);
            }
            awaitValue("connections after the client closed", proxy::connectionCount, 0, Duration.ofSeconds(5));
        }
    }

    @Test
    void refuseMakesNewConnectionsFailWithConnectionRefused() throws Exception {
        try (TcpProxy proxy = TcpProxy.start(node.host(), node.port())) {
            proxy.refuse();
            Throwable failure = catchThrowable(() -> connect(proxy, new Properties()).close());
            assertThat(failure).isInstanceOf(SQLException.class);
            assertThat(rootCause(failure)).isInstanceOf(ConnectException.class).hasMessageContaining("Connection refused");

            proxy.pass();
            try (Connection c = connect(proxy, new Properties())) {
                assertThat(queryInt(c, "SELECT 7")).isEqualTo(7);
            }
        }
    }

    @Test
    void blackholeTimesOutOpenConnectionsAndNewOnes() throws Exception {
        try (TcpProxy proxy = TcpProxy.start(node.host(), node.port())) {
            Properties shortSocketTimeout = new Properties();
            shortSocketTimeout.setProperty("socketTimeout", "1");
            try (Connection open = connect(proxy, shortSocketTimeout)) {
                assertThat(queryInt(open, "SELECT 1")).isEqualTo(1);
                proxy.blackhole();

                long t0 = System.nanoTime();
                Throwable failure = catchThrowable(() -> queryInt(open, "SELECT 2"));
                assertThat(failure).isInstanceOf(SQLException.class);
                assertThat(causes(failure)).anyMatch(SocketTimeoutException.class::isInstance);
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(900), Duration.ofSeconds(10));
            }

            Properties shortLogin = new Properties();
            shortLogin.setProperty("connectTimeout", "1");
            shortLogin.setProperty("loginTimeout", "2");
            long t0 = System.nanoTime();
            Throwable failure = catchThrowable(() -> connect(proxy, shortLogin).close());
            assertThat(failure).isInstanceOf(SQLException.class).hasMessageContaining("timed out");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(1900), Duration.ofSeconds(10));
            // the connection was accepted, as a partitioned host's kernel would have, and held
            assertThat(proxy.connectionCount()).isGreaterThanOrEqualTo(1);

            proxy.pass();
            try (Connection c = connect(proxy, new Properties())) {
                assertThat(queryInt(c, "SELECT 3")).isEqualTo(3);
            }
        }
    }

    @Test
    void passAfterBlackholeDeliversWhatWasHeld() throws Exception {
        ExecutorService client = Executors.newSingleThreadExecutor();
        try (TcpProxy proxy = TcpProxy.start(node.host(), node.port()); Connection c = connect(proxy, new Properties())) {
            proxy.blackhole();
            Future<Integer> answer = client.submit(() -> queryInt(c, "SELECT 42"));
            // the partition holds the query: no answer while it lasts
            assertThatThrownBy(() -> answer.get(500, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);

            proxy.pass();
            assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo(42);
            assertThat(queryInt(c, "SELECT 43")).isEqualTo(43);
        } finally {
            client.shutdownNow();
        }
    }

    @Test
    void cutResetsOpenConnectionsAndAcceptsNewOnes() throws Exception {
        try (TcpProxy proxy = TcpProxy.start(node.host(), node.port())) {
            Properties p = new Properties();
            p.setProperty("socketTimeout", "10");
            Connection open = connect(proxy, p);
            try {
                assertThat(queryInt(open, "SELECT 1")).isEqualTo(1);
                proxy.cut();
                awaitValue("connections after cut()", proxy::connectionCount, 0, Duration.ofSeconds(5));

                long t0 = System.nanoTime();
                Throwable failure = catchThrowable(() -> queryInt(open, "SELECT 2"));
                assertThat(failure).isInstanceOf(SQLException.class);
                // a reset, not a wait for the socket timeout
                assertThat(causes(failure)).noneMatch(SocketTimeoutException.class::isInstance);
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
            } finally {
                open.close();
            }

            try (Connection fresh = connect(proxy, new Properties())) {
                assertThat(queryInt(fresh, "SELECT inet_server_port()")).isEqualTo(node.port());
                assertThat(proxy.connectionCount()).isEqualTo(1);
            }
        }
    }

    @Test
    void everyFaultHealsBackToPass() throws Exception {
        try (TcpProxy proxy = TcpProxy.start(node.host(), node.port())) {
            for (Runnable fault : List.<Runnable>of(proxy::refuse, proxy::blackhole, proxy::cut, proxy::refuse)) {
                fault.run();
                proxy.pass();
                try (Connection c = connect(proxy, new Properties())) {
                    assertThat(queryInt(c, "SELECT inet_server_port()")).as("after %s", proxy).isEqualTo(node.port());
                }
            }
        }
    }

    @Test
    void closeEndsEveryThreadAndFreesThePort() throws Exception {
        TcpProxy proxy = TcpProxy.start(node.host(), node.port());
        Connection open = connect(proxy, new Properties());
        proxy.blackhole();
        Properties shortLogin = new Properties();
        shortLogin.setProperty("loginTimeout", "1");
        assertThatThrownBy(() -> connect(proxy, shortLogin)).isInstanceOf(SQLException.class);
        assertThat(proxyThreads(proxy)).isNotEmpty();

        proxy.close();
        proxy.close(); // idempotent

        assertThat(proxyThreads(proxy)).isEmpty();
        assertThat(proxy.connectionCount()).isZero();
        assertThatThrownBy(() -> queryInt(open, "SELECT 1")).isInstanceOf(SQLException.class);
        open.close();
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port()));
        }
        assertThatThrownBy(proxy::pass).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void roundTripsCountEachRequestThatWaitedForAnAnswerOnce() throws Exception {
        try (TcpProxy proxy = TcpProxy.start(node.host(), node.port()); Connection c = connect(proxy, new Properties())) {
            long before = proxy.roundTrips();
            for (int i = 0; i < 5; i++) {
                queryInt(c, "SELECT " + i); // pgjdbc writes Parse/Bind/Execute/Sync at once and waits: one round trip
            }
            assertThat(proxy.roundTrips() - before).as("round trips of 5 queries").isEqualTo(5);

            before = proxy.roundTrips();
            c.setAutoCommit(false); // pgjdbc sends nothing here, and BEGIN goes with the first query, in one round trip
            assertThat(queryInt(c, "SELECT 8")).isEqualTo(8);
            c.commit();
            c.setAutoCommit(true);
            assertThat(proxy.roundTrips() - before).as("round trips of a transaction of one query").isEqualTo(2);
        }
    }

    @Test
    void delayHoldsEveryRequestAndEveryAnswer() throws Exception {
        try (TcpProxy proxy = TcpProxy.start(node.host(), node.port()); Connection c = connect(proxy, new Properties())) {
            proxy.delay(Duration.ofMillis(25));
            long t0 = System.nanoTime();
            for (int i = 0; i < 4; i++) {
                assertThat(queryInt(c, "SELECT " + i)).isEqualTo(i);
            }
            // a lower bound only: each round trip waits 25 ms each way, however fast or slow the machine
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(4 * 50));

            proxy.delay(Duration.ZERO);
            assertThat(queryInt(c, "SELECT 9")).isEqualTo(9);
            assertThatThrownBy(() -> proxy.delay(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("PT-0.001S");
        }
    }

    /**
     * A server that answers in two sends, 50 ms apart (as PostgreSQL answers a simple-query BEGIN and the query pgjdbc
     * sends with it): across a network both parts arrive one delay after they were sent. A proxy that read the second
     * part only once the first was forwarded held it a second delay (3 s here instead of 2).
     */
    @Test
    void aReplyWrittenInTwoSendsIsHeldOnceNotOncePerSend() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             TcpProxy proxy = TcpProxy.start("127.0.0.1", server.getLocalPort())) {
            ExecutorService serverThread = Executors.newSingleThreadExecutor();
            try {
                Future<?> answered = serverThread.submit(() -> {
                    try (java.net.Socket s = server.accept()) {
                        s.setTcpNoDelay(true);
                        s.getInputStream().read();
                        s.getOutputStream().write('a');
                        s.getOutputStream().flush();
                        TimeUnit.MILLISECONDS.sleep(50); // the server's own pause between its two sends
                        s.getOutputStream().write('b');
                        s.getOutputStream().flush();
                        s.getInputStream().read(); // until the client closes
                    }
                    return null;
                });
                proxy.delay(Duration.ofSeconds(1));
                try (java.net.Socket client = new java.net.Socket(proxy.host(), proxy.port())) {
                    client.setTcpNoDelay(true);
                    client.setSoTimeout(10_000);
                    long t0 = System.nanoTime();
                    client.getOutputStream().write('?');
                    char first = (char) client.getInputStream().read();
                    long firstAt = System.nanoTime();
                    char second = (char) client.getInputStream().read();
                    long secondAt = System.nanoTime();
                    assertThat("" + first + second).isEqualTo("ab");
                    // both delays were applied: 1 s there and 1 s back
                    assertThat(Duration.ofNanos(firstAt - t0)).as("request to the first part").isGreaterThanOrEqualTo(Duration.ofMillis(2000));
                    // the second part follows the first by the server's own 50 ms; held a second delay, it would by 1 s
                    assertThat(Duration.ofNanos(secondAt - firstAt)).as("first part to the second").isLessThan(Duration.ofMillis(500));
                }
                answered.get(10, TimeUnit.SECONDS);
            } finally {
                serverThread.shutdownNow();
            }
        }
    }

    @Test
    void jdbcUrlPointsAtTheProxyAndKeepsTheRest() {
        try (TcpProxy proxy = TcpProxy.start("db.example", 5432)) {
            String me = "127.0.0.1:" + proxy.port();
            assertThat(proxy.jdbcUrl("jdbc:postgresql://db.example:5432/app?sslmode=disable"))
                    .isEqualTo("jdbc:postgresql://" + me + "/app?sslmode=disable");
            assertThat(proxy.jdbcUrl("jdbc:postgresql://db.example/app")).isEqualTo("jdbc:postgresql://" + me + "/app");
            assertThat(proxy.jdbcUrl("jdbc:mysql://[::1]:3306/app")).isEqualTo("jdbc:mysql://" + me + "/app");
            assertThat(proxy.jdbcUrl("jdbc:mysql://root@db:3306")).isEqualTo("jdbc:mysql://root@" + me);
            assertThat(proxy.jdbcUrl("jdbc:mariadb://db:3306/app?user=a")).isEqualTo("jdbc:mariadb://" + me + "/app?user=a");
            assertThatThrownBy(() -> proxy.jdbcUrl("jdbc:postgresql://a:1,b:2/app"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exactly one host");
            assertThatThrownBy(() -> proxy.jdbcUrl("jdbc:oracle:thin:@db:1521?password=secret"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("secret");
        }
    }

    private static Connection connect(TcpProxy proxy, Properties extra) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", cluster.app().username());
        p.setProperty("password", cluster.app().password());
        p.setProperty("connectTimeout", "5");
        p.putAll(extra);
        return new org.postgresql.Driver().connect(proxy.jdbcUrl(node.jdbcUrl()), p);
    }

    private static int queryInt(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static List<Thread> proxyThreads(TcpProxy proxy) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(proxy.threadPrefix())).toList();
    }

    private static <T> void awaitValue(String what, Supplier<T> actual, T expected, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = actual.get();
        while (!expected.equals(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Expected " + what + " to become " + expected + " within " + timeout + ", last was " + last);
            }
            AbstractCluster.sleepBriefly();
            last = actual.get();
        }
    }

    private static List<Throwable> causes(Throwable t) {
        List<Throwable> all = new ArrayList<>();
        for (Throwable c = t; c != null && !all.contains(c); c = c.getCause()) {
            all.add(c);
        }
        return all;
    }

    private static Throwable rootCause(Throwable t) {
        List<Throwable> all = causes(t);
        return all.get(all.size() - 1);
    }
}

package dev.replicaware.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy between the application and one database node, to inject network faults in tests.
 *
 * <p>It listens on a free loopback port and forwards each connection to the target. The fault modes can be switched at
 * any time from any thread:
 * <ul>
 *   <li>{@link #pass()} (the default): forward both ways;</li>
 *   <li>{@link #refuse()}: the port stops listening, so new connections are refused; open ones go on;</li>
 *   <li>{@link #blackhole()}: new connections are accepted and never answered, open ones stop forwarding in both
 *       directions without closing, like a network partition; {@link #pass()} heals it and nothing is lost;</li>
 *   <li>{@link #cut()}: resets every open connection at once; new ones are accepted and forwarded.</li>
 * </ul>
 * Independently of the mode, {@link #delay(Duration)} holds every chunk of data for a while before forwarding it (a
 * network further away), and {@link #roundTrips()} counts the client's requests that waited for an answer.
 *
 * <pre>{@code
 * try (TcpProxy proxy = TcpProxy.start(node.host(), node.port())) {
 *     String url = proxy.jdbcUrl(node.jdbcUrl());
 *     proxy.blackhole();
 * }
 * }</pre>
 */
public final class TcpProxy implements AutoCloseable {
    private static final int BUFFER_SIZE = 16 * 1024;
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    private enum Mode { PASS, REFUSE, BLACKHOLE }

    private final String targetHost;
    private final int targetPort;
    private final int port;
    private final String threadPrefix;
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final ExecutorService executor;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    /** Guards mode changes and the listening socket; pumps wait on it while the proxy is a black hole. */
    private final Object lock = new Object();
    private volatile Mode mode = Mode.PASS;
    private volatile long delayNanos;
    private final LongAdder roundTrips = new LongAdder();
    private volatile boolean closed;
    private ServerSocket listener;
    /** Counted down when the accept loop of {@link #listener} has ended and the port is free. */
    private CountDownLatch acceptorDone;

    private TcpProxy(String targetHost, int targetPort, ServerSocket listener) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.port = listener.getLocalPort();
        this.threadPrefix = "replicaware-proxy-" + port + "-";
        AtomicInteger count = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, threadPrefix + count.incrementAndGet());
            t.setDaemon(true);
            threads.add(t);
            return t;
        });
    }

    /** Starts a proxy in {@link #pass()} mode on a free loopback port, forwarding to {@code targetHost:targetPort}. */
    public static TcpProxy start(String targetHost, int targetPort) {
        if (targetHost == null || targetHost.isBlank()) {
            throw new IllegalArgumentException("targetHost must not be blank, but was '" + targetHost + "'");
        }
        if (targetPort < 1 || targetPort > 65_535) {
            throw new IllegalArgumentException("targetPort must be between 1 and 65535, but was " + targetPort);
        }
        ServerSocket s;
        try {
            s = listen(0);
        } catch (IOException e) {
            throw new TestkitException("Could not open a loopback port for a proxy to " + targetHost + ":" + targetPort, e);
        }
        TcpProxy proxy = new TcpProxy(targetHost, targetPort, s);
        synchronized (proxy.lock) {
            proxy.startAccepting(s);
        }
        return proxy;
    }

    /** The loopback port the proxy listens on; it stays the same across {@link #refuse()} and {@link #pass()}. */
    public int port() {
        return port;
    }

    /** The loopback host the proxy listens on. */
    public String host() {
        return "127.0.0.1";
    }

    /**
     * {@code originalUrl} with its host and port replaced by the proxy's, the database and parameters kept:
     * {@code jdbc:postgresql://db:5432/app?ssl=false} becomes {@code jdbc:postgresql://127.0.0.1:<port>/app?ssl=false}.
     * Takes {@code jdbc:postgresql://}, {@code jdbc:mysql://} and {@code jdbc:mariadb://} URLs with a single host.
     */
    public String jdbcUrl(String originalUrl) {
        return rewriteUrl(originalUrl, host() + ":" + port);
    }

    static String rewriteUrl(String url, String hostAndPort) {
        String expected = "expected jdbc:postgresql://host[:port]/..., jdbc:mysql://host[:port]/... or jdbc:mariadb://...";
        if (url == null) {
            throw new IllegalArgumentException("JDBC URL is null; " + expected);
        }
        int slashes = url.indexOf("://");
        String scheme = slashes < 0 ? "" : url.substring(0, slashes);
        if (!scheme.equals("jdbc:postgresql") && !scheme.equals("jdbc:mysql") && !scheme.equals("jdbc:mariadb")) {
            // never echo the whole URL: its parameters may hold a password
            throw new IllegalArgumentException("Cannot proxy a JDBC URL starting '"
                    + (slashes < 0 ? url.substring(0, Math.min(url.length(), 16)) : scheme) + "'; " + expected);
        }
        int start = slashes + 3;
        int end = start;
        while (end < url.length() && "/?;".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        String authority = url.substring(start, end);
        int at = authority.lastIndexOf('@');
        String hosts = authority.substring(at + 1);
        if (hosts.isEmpty() || hosts.contains(",") || hosts.startsWith("(") || hosts.startsWith("address=")) {
            throw new IllegalArgumentException("A " + scheme + " URL must name exactly one host to be proxied, but named '"
                    + hosts + "'; " + expected);
        }
        return url.substring(0, start) + authority.substring(0, at + 1) + hostAndPort + url.substring(end);
    }

    /** Forwards both ways; listens again after {@link #refuse()} and releases what {@link #blackhole()} held. */
    public void pass() {
        synchronized (lock) {
            checkOpen();
            if (listener == null) {
                ServerSocket s;
                try {
                    s = listen(port);
                } catch (IOException e) {
                    throw new TestkitException("Proxy to " + target() + " could not listen again on " + host() + ":" + port
                            + " (another process took the port?): " + e.getMessage(), e);
                }
                startAccepting(s);
            }
            mode = Mode.PASS;
            lock.notifyAll();
        }
    }

    /**
     * Stops listening, so a new connection is refused ("Connection refused"), as when the server is down.
     * Open connections keep forwarding; {@link #cut()} ends them.
     */
    public void refuse() {
        synchronized (lock) {
            checkOpen();
            closeListener();
            mode = Mode.REFUSE;
            lock.notifyAll();
        }
    }

    /**
     * New connections are accepted and never answered; open connections stop forwarding in both directions without
     * being closed, so a client only notices through its own timeouts. Held data is delivered after {@link #pass()}.
     */
    public void blackhole() {
        synchronized (lock) {
            checkOpen();
            if (listener == null) {
                pass();
            }
            mode = Mode.BLACKHOLE;
        }
    }

    /**
     * Resets every open connection at once (RST, not a clean close), as when a server or firewall drops them, and
     * returns to {@link #pass()} mode: new connections are accepted and forwarded.
     */
    public void cut() {
        synchronized (lock) {
            checkOpen();
            for (Link link : List.copyOf(links)) {
                link.reset();
            }
            pass();
        }
    }

    /**
     * Holds each chunk of data read from either side for {@code oneWay} before forwarding it, so every request and
     * every answer arrives that much later, as across a network: a round trip takes at least twice {@code oneWay} more.
     * Takes effect for data read from now on; {@link Duration#ZERO} forwards at once again. Each chunk is held from the
     * moment it arrived, as a network would carry it: an answer a server writes in two sends (PostgreSQL answers a
     * simple-query {@code BEGIN} and the extended-protocol query sent with it in two flushes) arrives about once
     * {@code oneWay} later, not twice. The order is kept.
     */
    public void delay(Duration oneWay) {
        if (oneWay == null || oneWay.isNegative()) {
            throw new IllegalArgumentException("delay must be zero or positive, but was " + oneWay);
        }
        delayNanos = oneWay.toNanos();
    }

    /**
     * Network round trips clients made through this proxy since it started, over all its connections: one for each
     * time a client sent data after the server's last answer on that connection (or first on it). Requests a client
     * sends without waiting in between (pipelined, or one request split over several packets) count once; a
     * connection's handshake counts as its own exchanges do.
     */
    public long roundTrips() {
        return roundTrips.sum();
    }

    /** The number of client connections the proxy holds open now, forwarded or held by {@link #blackhole()}. */
    public int connectionCount() {
        return links.size();
    }

    /** Resets every connection, stops listening and ends every thread of the proxy. Idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            try {
                closeListener();
            } catch (TestkitException e) {
                // go on: the executor's shutdown below ends the accept loop too
            }
            for (Link link : List.copyOf(links)) {
                link.reset();
            }
            lock.notifyAll();
        }
        executor.shutdownNow();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<String> alive = new ArrayList<>();
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (t.isAlive()) {
                alive.add(t.getName());
            }
        }
        if (!alive.isEmpty()) {
            throw new TestkitException("Proxy on port " + port + " to " + target() + " closed but threads " + alive
                    + " still run after 5 s");
        }
    }

    @Override
    public String toString() {
        return "TcpProxy[" + host() + ":" + port + " -> " + target() + ", " + (closed ? "closed" : mode) + "]";
    }

    String threadPrefix() {
        return threadPrefix;
    }

    private String target() {
        return targetHost + ":" + targetPort;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("Proxy on port " + port + " to " + target() + " is closed");
        }
    }

    private static ServerSocket listen(int port) throws IOException {
        ServerSocket s = new ServerSocket();
        // rebinding after refuse() must work while accepted connections and TIME_WAIT entries still use the port
        s.setReuseAddress(true);
        try {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** Caller holds {@link #lock}. */
    private void startAccepting(ServerSocket s) {
        listener = s;
        CountDownLatch done = new CountDownLatch(1);
        acceptorDone = done;
        executor.execute(() -> {
            try {
                acceptLoop(s);
            } finally {
                done.countDown();
            }
        });
    }

    /**
     * Caller holds {@link #lock}. Waits for the accept loop to end: a socket closed while a thread blocks in accept()
     * is only released when that thread wakes, and until then the port still accepts and cannot be bound again.
     */
    private void closeListener() {
        if (listener == null) {
            return;
        }
        closeQuietly(listener);
        listener = null;
        try {
            if (!acceptorDone.await(5, TimeUnit.SECONDS)) {
                throw new TestkitException("Proxy on port " + port + " to " + target() + " still accepts 5 s after closing its port");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestkitException("Interrupted while the proxy on port " + port + " stopped listening");
        }
    }

    private void acceptLoop(ServerSocket s) {
        while (!s.isClosed()) {
            Socket client;
            try {
                client = s.accept();
            } catch (IOException e) {
                return; // refuse() or close() closed the listener
            }
            Link link = new Link(client);
            links.add(link);
            try {
                executor.execute(link::run);
            } catch (RejectedExecutionException e) {
                link.reset(); // closing
            }
            if (closed) {
                link.reset();
            }
        }
    }

    /** Blocks while the proxy is a black hole; false once the proxy is closed. */
    private boolean awaitForwarding() {
        synchronized (lock) {
            while (mode == Mode.BLACKHOLE && !closed) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    return false;
                }
            }
            return !closed;
        }
    }

    /** A chunk of data held until {@code due} (System.nanoTime()); null bytes: the end of the stream. */
    private record Held(byte[] bytes, long due) {
    }

    /** One client connection and its connection to the target, with a pump for each direction. */
    private final class Link {
        private final Socket client;
        private volatile Socket server;
        private final AtomicInteger openDirections = new AtomicInteger(2);
        private volatile boolean done;
        /** Whether the data forwarded last went from the client to the server: the next client data is a new round trip if not. */
        private volatile boolean clientSentLast;
        private final List<Direction> directions = new java.util.concurrent.CopyOnWriteArrayList<>();

        Link(Socket client) {
            this.client = client;
        }

        /** Connects to the target once forwarding is allowed, then pumps client to server on this thread. */
        void run() {
            try {
                if (!awaitForwarding()) {
                    reset();
                    return;
                }
                Socket s = new Socket();
                server = s;
                if (done) { // cut() or close() came while we waited
                    reset();
                    return;
                }
                s.connect(new InetSocketAddress(targetHost, targetPort), CONNECT_TIMEOUT_MILLIS);
                s.setTcpNoDelay(true);
                client.setTcpNoDelay(true);
                executor.execute(() -> pump(s, client, false));
                pump(client, s, true);
            } catch (IOException | RejectedExecutionException e) {
                reset(); // the target is down or the proxy is closing: the client sees a reset, as from a dead server
            }
        }

        /**
         * Reads {@code from} and forwards to {@code to}. Without a delay, and with nothing held, a chunk is forwarded on
         * this thread as soon as it is read; otherwise it is stamped with its due time as it arrives and handed to the
         * direction's forwarder, so that reading goes on while it is held: a chunk read only once the one before it was
         * forwarded would be held from then, and a reply written in two sends would take two delays.
         */
        private void pump(Socket from, Socket to, boolean fromClient) {
            Direction d = new Direction(to, fromClient);
            directions.add(d);
            if (done) {
                return;
            }
            byte[] buf = new byte[BUFFER_SIZE];
            try {
                InputStream in = from.getInputStream();
                while (true) {
                    int n = in.read(buf);
                    long delay = delayNanos;
                    long due = System.nanoTime() + delay;
                    if (d.forwardHere(delay)) {
                        try {
                            if (!d.forward(n < 0 ? null : buf, n)) {
                                return;
                            }
                        } finally {
                            d.doneHere();
                        }
                    } else if (!d.hold(n < 0 ? null : java.util.Arrays.copyOf(buf, n), due)) {
                        return;
                    }
                    if (n < 0) {
                        return;
                    }
                }
            } catch (IOException e) {
                // a reset or error on one side: reset the other, so the fault reaches the client as it happened
                reset();
            } catch (InterruptedException e) {
                reset(); // closing
            }
        }

        /** One direction of the link: what is held for forwarding, in order, and the thread that forwards it. */
        private final class Direction {
            private static final int MAX_HELD = 256;
            private final Socket to;
            private final boolean fromClient;
            private final java.util.ArrayDeque<Held> held = new java.util.ArrayDeque<>();
            /** A chunk is being forwarded (by either thread); guarded by this. */
            private boolean forwarding;
            /** Used by whichever thread forwards, one at a time (see forwarding). */
            private OutputStream out;
            private boolean forwarderStarted;

            Direction(Socket to, boolean fromClient) {
                this.to = to;
                this.fromClient = fromClient;
            }

            /** True when the chunk just read may be forwarded on the reading thread: no delay, nothing held before it. */
            synchronized boolean forwardHere(long delay) {
                if (delay > 0 || forwarding || !held.isEmpty()) {
                    return false;
                }
                forwarding = true;
                return true;
            }

            synchronized void doneHere() {
                forwarding = false;
                notifyAll();
            }

            /** Hands a chunk (null: the end of the stream) to the forwarder; false once the link is done. */
            boolean hold(byte[] chunk, long due) throws InterruptedException {
                synchronized (this) {
                    while (held.size() >= MAX_HELD && !done) { // a client that streams into a black hole: push back
                        wait();
                    }
                    if (done) {
                        return false;
                    }
                    held.add(new Held(chunk, due));
                    notifyAll();
                    if (forwarderStarted) {
                        return true;
                    }
                    forwarderStarted = true;
                }
                try {
                    executor.execute(this::forwardHeld);
                } catch (RejectedExecutionException e) {
                    reset(); // closing
                    return false;
                }
                return true;
            }

            private void forwardHeld() {
                try {
                    while (true) {
                        Held chunk;
                        synchronized (this) {
                            while ((held.isEmpty() || forwarding) && !done) {
                                wait();
                            }
                            if (done) {
                                return;
                            }
                            chunk = held.poll();
                            forwarding = true;
                            notifyAll();
                        }
                        holdUntil(chunk.due());
                        boolean more;
                        try {
                            more = forward(chunk.bytes(), chunk.bytes() == null ? -1 : chunk.bytes().length);
                        } finally {
                            synchronized (this) {
                                forwarding = false;
                                notifyAll();
                            }
                        }
                        if (!more) {
                            return;
                        }
                    }
                } catch (IOException e) {
                    reset();
                } catch (InterruptedException e) {
                    reset(); // closing
                }
            }

            /** Forwards {@code n} bytes of {@code chunk}, or the end of the stream (null); false when the link ended. */
            boolean forward(byte[] chunk, int n) throws IOException {
                if (chunk == null) {
                    // pass the half-close on; the link ends when both directions have
                    if (!to.isClosed()) {
                        to.shutdownOutput();
                    }
                    if (openDirections.decrementAndGet() == 0) {
                        finish();
                    }
                    return false;
                }
                if (!awaitForwarding()) {
                    reset();
                    return false;
                }
                // before forwarding, so an answer is never seen by the client before it is noted here
                if (fromClient) {
                    if (!clientSentLast) {
                        clientSentLast = true;
                        roundTrips.increment();
                    }
                } else {
                    clientSentLast = false;
                }
                if (out == null) {
                    out = to.getOutputStream();
                }
                out.write(chunk, 0, n);
                return true;
            }

            synchronized void wake() {
                notifyAll();
            }
        }

        private void holdUntil(long due) {
            for (long left = due - System.nanoTime(); left > 0 && !done; left = due - System.nanoTime()) {
                LockSupport.parkNanos(left);
            }
        }

        private void finish() {
            done = true;
            directions.forEach(Direction::wake);
            closeQuietly(client);
            Socket s = server;
            if (s != null) {
                closeQuietly(s);
            }
            links.remove(this);
        }

        /** Closes both sockets with SO_LINGER 0, so the peers get a RST. */
        void reset() {
            done = true;
            directions.forEach(Direction::wake);
            abort(client);
            Socket s = server;
            if (s != null) {
                abort(s);
            }
            links.remove(this);
        }

        private void abort(Socket s) {
            try {
                if (!s.isClosed()) {
                    s.setSoLinger(true, 0);
                }
            } catch (SocketException e) {
                // already closed or never connected: closing is all that is left
            }
            closeQuietly(s);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing to end the connection; nothing to do if it fails
        }
    }
}

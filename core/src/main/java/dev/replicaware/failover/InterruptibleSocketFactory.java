package dev.replicaware.failover;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.sql.Driver;
import java.util.Properties;
import javax.net.SocketFactory;

/**
 * Internal (public only because drivers instantiate it by name): sockets whose connect and reads end as soon as the
 * thread waiting in them is interrupted. A {@link FenceWatch} waits up to 30 s in a connect to a paused server; closing
 * the DataSource must end that wait at once, and a plain socket ignores interrupts. A socket channel's adaptor closes
 * itself on interrupt ({@link java.nio.channels.ClosedByInterruptException}).
 */
public final class InterruptibleSocketFactory extends SocketFactory {

    public InterruptibleSocketFactory() {
    }

    /**
     * Makes {@code driver} connect through interruptible sockets where it lets the caller choose its socket factory
     * (pgjdbc, MySQL Connector/J); other drivers keep theirs, and a wait in them lasts until its timeout.
     */
    static void use(Driver driver, Properties p) {
        String name = driver.getClass().getName();
        if (name.startsWith("org.postgresql.")) {
            p.setProperty("socketFactory", InterruptibleSocketFactory.class.getName());
            p.remove("loginTimeout"); // with one, pgjdbc connects on a thread of its own, out of the interrupt's reach
        } else if (name.startsWith("com.mysql.cj.")) {
            // named, not referenced: the class needs Connector/J, an optional dependency
            p.setProperty("socketFactory", "dev.replicaware.failover.InterruptibleMySqlSocketFactory");
        }
    }

    static Socket newSocket() {
        try {
            return SocketChannel.open().socket();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Socket createSocket() {
        return newSocket();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port), null);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return connected(new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port), null);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return connected(new InetSocketAddress(address, port), new InetSocketAddress(localAddress, localPort));
    }

    private static Socket connected(InetSocketAddress remote, InetSocketAddress local) throws IOException {
        Socket s = newSocket();
        try {
            if (local != null) {
                s.bind(local);
            }
            s.connect(remote);
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }
}

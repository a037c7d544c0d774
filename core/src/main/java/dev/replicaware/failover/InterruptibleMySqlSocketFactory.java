package dev.replicaware.failover;

import com.mysql.cj.conf.PropertySet;
import com.mysql.cj.protocol.StandardSocketFactory;
import java.net.Socket;

/**
 * Internal (public only because MySQL Connector/J instantiates it by name): Connector/J's own socket handling, on a
 * socket that an interrupt closes ({@link InterruptibleSocketFactory}).
 */
public final class InterruptibleMySqlSocketFactory extends StandardSocketFactory {

    public InterruptibleMySqlSocketFactory() {
    }

    @Override
    protected Socket createSocket(PropertySet props) {
        return InterruptibleSocketFactory.newSocket();
    }
}

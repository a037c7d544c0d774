package dev.replicaware.spring.example;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * One row: the port of the server that answers, from the view {@code server_info} (PostgreSQL: {@code inet_server_port()};
 * MariaDB: its {@code port} variable). Read through an inherited repository finder, it shows which node served
 * SimpleJpaRepository's own read-only transaction.
 */
@Entity
@Table(name = "server_info")
@org.hibernate.annotations.Immutable
public class ServerInfo {
    @Id
    private Integer port;

    protected ServerInfo() {
    }

    public Integer getPort() {
        return port;
    }
}

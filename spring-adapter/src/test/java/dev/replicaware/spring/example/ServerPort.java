package dev.replicaware.spring.example;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Asks the server that serves the current transaction for its port, through JdbcClient. */
@Component
public class ServerPort {
    private final JdbcClient jdbc;
    private final String query;

    public ServerPort(JdbcClient jdbc, @Value("${shop.port-query}") String query) {
        this.jdbc = jdbc;
        this.query = query;
    }

    public int current() {
        return jdbc.sql(query).query(Integer.class).single();
    }
}

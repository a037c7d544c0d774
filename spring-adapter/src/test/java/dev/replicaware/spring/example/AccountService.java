package dev.replicaware.spring.example;

import dev.replicaware.spring.ReadConsistency;
import dev.replicaware.spring.ReadFromPrimary;

import java.util.List;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Each method returns what it read together with the port of the server that served its transaction. */
@Service
public class AccountService {

    /** A value, and the port of the server whose transaction produced it. */
    public record Served<T>(T value, int port) {
    }

    private final AccountRepository accounts;
    private final ServerPort serverPort;

    public AccountService(AccountRepository accounts, ServerPort serverPort) {
        this.accounts = accounts;
        this.serverPort = serverPort;
    }

    @Transactional
    public Served<Long> open(String owner) {
        Account account = accounts.save(new Account(owner));
        accounts.flush();
        return new Served<>(account.getId(), serverPort.current());
    }

    @Transactional(readOnly = true)
    public Served<List<Long>> findByOwner(String owner) {
        List<Long> ids = accounts.findByOwner(owner).stream().map(Account::getId).toList();
        return new Served<>(ids, serverPort.current());
    }

    @Transactional(readOnly = true)
    public Served<Boolean> exists(long id) {
        return new Served<>(accounts.existsById(id), serverPort.current());
    }

    @Transactional(readOnly = true)
    public int readPort() {
        return serverPort.current();
    }

    @ReadFromPrimary
    @Transactional(readOnly = true)
    public Served<List<Long>> findByOwnerOnPrimary(String owner) {
        List<Long> ids = accounts.findByOwner(owner).stream().map(Account::getId).toList();
        return new Served<>(ids, serverPort.current());
    }

    @ReadConsistency(maxStaleness = "1s")
    @Transactional(readOnly = true)
    public int freshReadPort() {
        return serverPort.current();
    }
}

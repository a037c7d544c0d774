package dev.replicaware.spring.example;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** A read over HTTP: with open-session-in-view on (Spring Boot's default) the EntityManager outlives the transaction. */
@RestController
public class PortController {
    private final AccountService service;

    public PortController(AccountService service) {
        this.service = service;
    }

    @GetMapping("/read-port")
    public int readPort() {
        return service.readPort();
    }
}

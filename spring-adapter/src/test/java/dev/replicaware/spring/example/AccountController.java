package dev.replicaware.spring.example;

import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Create, redirect, view: the flow of a web application that must show a user their own write. */
@RestController
public class AccountController {
    private final AccountService service;

    public AccountController(AccountService service) {
        this.service = service;
    }

    @PostMapping("/accounts")
    public ResponseEntity<Void> open(@RequestParam("owner") String owner) {
        long id = service.open(owner).value();
        return ResponseEntity.status(HttpStatus.SEE_OTHER).location(URI.create("/accounts/" + id)).build();
    }

    /** {@code <found> <port of the server that read it>}. */
    @GetMapping("/accounts/{id}")
    public String view(@PathVariable("id") long id) {
        AccountService.Served<Boolean> seen = service.exists(id);
        return seen.value() + " " + seen.port();
    }
}

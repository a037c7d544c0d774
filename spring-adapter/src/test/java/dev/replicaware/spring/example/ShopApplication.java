package dev.replicaware.spring.example;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * An ordinary Spring Boot application: Spring Data JPA over Hibernate, JdbcClient, Spring MVC with open-session-in-view
 * at its default, Actuator. The only Replicaware-specific parts are the {@code replicaware.*} properties and two
 * annotations in {@link AccountService}.
 */
@SpringBootApplication
public class ShopApplication {
}

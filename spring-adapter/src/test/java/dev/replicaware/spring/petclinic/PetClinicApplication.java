package dev.replicaware.spring.petclinic;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * An application shaped like Spring PetClinic: JPA entities with lazy associations (owner, pets, visits), Spring
 * Data repositories whose declared query methods carry no annotation, Open Session In View on, a create-then-redirect-
 * then-view flow over HTTP. Nothing in it knows about Replicaware but the {@code replicaware.*} properties.
 */
@SpringBootApplication
public class PetClinicApplication {
}

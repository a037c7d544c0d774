package dev.replicaware.spring.example;

import java.util.List;

import org.springframework.data.jpa.repository.JpaRepository;

/** Inherited finders run in SimpleJpaRepository's read-only transactions; declared ones in the caller's. */
public interface AccountRepository extends JpaRepository<Account, Long> {

    List<Account> findByOwner(String owner);
}

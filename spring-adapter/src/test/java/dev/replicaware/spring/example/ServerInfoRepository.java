package dev.replicaware.spring.example;

import org.springframework.data.jpa.repository.JpaRepository;

/** Only inherited finders: they run in SimpleJpaRepository's read-only transactions. */
public interface ServerInfoRepository extends JpaRepository<ServerInfo, Integer> {
}

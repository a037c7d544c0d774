package dev.replicaware.benchmarks.shardingsphere;

import dev.replicaware.testkit.stub.StubDriver;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.apache.shardingsphere.infra.database.core.type.DatabaseType;
import org.apache.shardingsphere.infra.spi.type.typed.TypedSPILoader;

/**
 * Tells ShardingSphere that {@code jdbc:stub:} URLs are a database it knows: a branch of its SQL92 type, so that it
 * parses SQL with its SQL92 parser, takes SQL92's dialect facts, and loads table metadata through plain JDBC
 * {@code DatabaseMetaData} calls (SQL92 has no dialect metadata loader that would send catalog queries to the stub).
 * Registered in {@code META-INF/services}.
 */
public final class StubDatabaseType implements DatabaseType {
    static final String TYPE = "Stub";

    @Override
    public Collection<String> getJdbcUrlPrefixes() {
        return List.of(StubDriver.PREFIX);
    }

    @Override
    public Optional<DatabaseType> getTrunkDatabaseType() {
        return Optional.of(TypedSPILoader.getService(DatabaseType.class, "SQL92"));
    }

    @Override
    public String getType() {
        return TYPE;
    }
}

package dev.replicaware.benchmarks.shardingsphere;

import dev.replicaware.testkit.stub.StubDatabaseMetaData;
import dev.replicaware.testkit.stub.StubDriver;
import org.apache.shardingsphere.infra.database.core.connector.ConnectionProperties;
import org.apache.shardingsphere.infra.database.core.connector.ConnectionPropertiesParser;
import org.apache.shardingsphere.infra.database.core.connector.StandardConnectionProperties;

/**
 * What ShardingSphere reads from a {@code jdbc:stub:<server>} URL: the server name stands for the host (so two stub
 * servers are two database instances), no port, and the stub's one catalog and schema. Registered in {@code META-INF/services}.
 */
public final class StubConnectionPropertiesParser implements ConnectionPropertiesParser {
    @Override
    public ConnectionProperties parse(String url, String username, String catalog) {
        if (url == null || !url.startsWith(StubDriver.PREFIX)) {
            throw new IllegalArgumentException("Not a stub URL (jdbc:stub:<server>): '" + url + "'");
        }
        int end = url.indexOf('?');
        String server = url.substring(StubDriver.PREFIX.length(), end < 0 ? url.length() : end);
        return new StandardConnectionProperties(server, 0, StubDatabaseMetaData.CATALOG, StubDatabaseMetaData.SCHEMA);
    }

    @Override
    public String getDatabaseType() {
        return StubDatabaseType.TYPE;
    }
}

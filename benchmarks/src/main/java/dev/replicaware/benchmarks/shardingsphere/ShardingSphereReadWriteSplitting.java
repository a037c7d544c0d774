package dev.replicaware.benchmarks.shardingsphere;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.sql.DataSource;
import org.apache.shardingsphere.driver.api.ShardingSphereDataSourceFactory;
import org.apache.shardingsphere.infra.algorithm.core.config.AlgorithmConfiguration;
import org.apache.shardingsphere.readwritesplitting.config.ReadwriteSplittingRuleConfiguration;
import org.apache.shardingsphere.readwritesplitting.config.rule.ReadwriteSplittingDataSourceGroupRuleConfiguration;
import org.apache.shardingsphere.readwritesplitting.transaction.TransactionalReadQueryStrategy;
import org.apache.shardingsphere.single.config.SingleRuleConfiguration;

/**
 * ShardingSphere-JDBC as a read/write splitting DataSource, configured through its Java API: one logical database whose
 * one data source group has a write data source and two read data sources, round-robin between the reads.
 *
 * <p>ShardingSphere routes by statement, not by {@code Connection.setReadOnly}: a SELECT (without a lock clause) goes to
 * a read data source, anything else to the write one. Inside a transaction (autocommit off) its
 * {@code transactionalReadQueryStrategy} decides: {@code PRIMARY} sends the transaction's reads to the write data source,
 * {@code DYNAMIC} (the Java API's default) picks a read data source per query, {@code FIXED} picks one per transaction
 * and keeps it. FIXED is used here: like Replicaware, a read-only transaction reads from one replica throughout.
 *
 * <p>Tables: ShardingSphere checks the tables a statement names against metadata it loads at start (through
 * {@code DatabaseMetaData}), and loads "single" tables only as its single rule lists them; {@code *.*} loads them all.
 */
public final class ShardingSphereReadWriteSplitting {
    static final String GROUP = "rw";
    static final String LOAD_BALANCER = "round_robin";

    private ShardingSphereReadWriteSplitting() {
    }

    /** A ShardingSphere DataSource over one write and two read DataSources (each the caller's pool, closed by the caller). */
    public static DataSource create(String databaseName, DataSource write, DataSource read0, DataSource read1) throws SQLException {
        Map<String, DataSource> dataSources = new LinkedHashMap<>();
        dataSources.put("write_ds", write);
        dataSources.put("read_ds_0", read0);
        dataSources.put("read_ds_1", read1);
        ReadwriteSplittingDataSourceGroupRuleConfiguration group = new ReadwriteSplittingDataSourceGroupRuleConfiguration(
                GROUP, "write_ds", List.of("read_ds_0", "read_ds_1"), TransactionalReadQueryStrategy.FIXED, LOAD_BALANCER);
        ReadwriteSplittingRuleConfiguration readwriteSplitting = new ReadwriteSplittingRuleConfiguration(
                List.of(group), Map.of(LOAD_BALANCER, new AlgorithmConfiguration("ROUND_ROBIN", new Properties())));
        SingleRuleConfiguration single = new SingleRuleConfiguration(List.of("*.*"), null);
        return ShardingSphereDataSourceFactory.createDataSource(databaseName, null, dataSources, List.of(readwriteSplitting, single),
                new Properties());
    }
}

package dev.replicaware.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import javax.sql.DataSource;

/**
 * CPU time of the calling thread per cycle of {@link RoutingOverheadBenchmark} (the same read and write cycles, the
 * same defaults contenders), Replicaware and raw HikariCP in alternating rounds, one thread. JMH measures throughput,
 * which on a shared or virtual machine moves with whatever else runs (single iterations at 8 threads moved by 15 %,
 * and under a build by 2-5×); the thread's own CPU time does not count the time other processes hold the core, so a
 * change of a few nanoseconds per cycle can be told apart on a machine that is not quiet. It still counts what they do
 * to the caches, so compare ratios from the same run, not nanoseconds across runs. A development tool, not a figure
 * for the README: the figures are JMH's.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.replicaware.benchmarks.CpuPerCycle [read|write] [defaults|tuned]</pre>
 *
 * System properties: {@code rounds} (40), {@code cycles} per round (200,000); three rounds of warm-up are not counted.
 * Prints each contender's median nanoseconds per cycle and the median, lowest and highest per-round ratio (HikariCP's
 * CPU time over Replicaware's: above 1, Replicaware used less).
 */
public final class CpuPerCycle {
    private CpuPerCycle() {
    }

    public static void main(String[] args) throws Exception {
        boolean write = args.length > 0 && args[0].equals("write");
        boolean tuned = args.length > 1 && args[1].equals("tuned");
        int rounds = Integer.getInteger("rounds", 40);
        int cycles = Integer.getInteger("cycles", 200_000);
        DataSource hikari;
        DataSource replicaware;
        AutoCloseable[] close;
        if (tuned) {
            RoutingOverheadBenchmark.Tuned t = new RoutingOverheadBenchmark.Tuned();
            t.start();
            hikari = t.raw();
            replicaware = t.replicaware();
            close = new AutoCloseable[] {t::stop};
        } else {
            RoutingOverheadBenchmark.HikariDefaults h = new RoutingOverheadBenchmark.HikariDefaults();
            h.start();
            RoutingOverheadBenchmark.ReplicawareDefaults r = new RoutingOverheadBenchmark.ReplicawareDefaults();
            r.start();
            hikari = h.pool;
            replicaware = r.dataSource;
            close = new AutoCloseable[] {h::stop, r::stop};
        }
        DataSource[] contenders = {hikari, replicaware};
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double[][] nanos = new double[2][rounds];
        long sink = 0;
        for (int round = -3; round < rounds; round++) {
            for (int k = 0; k < 2; k++) {
                long before = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < cycles; i++) {
                    sink += write ? RoutingOverheadBenchmark.writeCycle(contenders[k])
                            : RoutingOverheadBenchmark.readCycle(contenders[k]) ? 1 : 0;
                }
                if (round >= 0) {
                    nanos[k][round] = (threads.getCurrentThreadCpuTime() - before) / (double) cycles;
                }
            }
        }
        double[] ratios = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            ratios[i] = nanos[0][i] / nanos[1][i];
        }
        Arrays.sort(ratios);
        Arrays.sort(nanos[0]);
        Arrays.sort(nanos[1]);
        System.out.printf("%s %s cycle, %d rounds of %d (%d done): HikariCP %.1f ns, Replicaware %.1f ns of CPU per cycle"
                        + " (medians); HikariCP/Replicaware per round: median %.3f, range %.3f-%.3f%n",
                tuned ? "tuned" : "defaults", write ? "write" : "read", rounds, cycles, sink, nanos[0][rounds / 2],
                nanos[1][rounds / 2], ratios[rounds / 2], ratios[0], ratios[rounds - 1]);
        for (AutoCloseable c : close) {
            c.close();
        }
    }
}

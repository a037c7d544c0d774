package dev.replicaware.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The README's first command, in plain-output mode, on a real cluster of each engine that the demo starts itself; on
 * the demo's short timeline ({@code --quick}: the same steps, without the pauses that let a person watch the table).
 */
class DemoCommandTest {

    @ParameterizedTest(name = "{1}")
    @CsvSource({"postgresql, PostgreSQL", "mariadb, MariaDB"})
    void demoFailsOverWithoutLosingAnAcknowledgedWrite(String engine, String engineName) {
        Run run = Run.of("demo", "--plain", "--quick", "--engine", engine);
        System.out.println(run); // the whole transcript, for whoever reads the build log

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("==> 1/5 Warm-up", "==> 2/5 A 2 s apply delay on replica1", "==> 3/5 Delay removed",
                "==> 4/5 SIGKILL the primary", "==> 5/5 Running on the new primary", "Summary (" + engineName);
        assertThat(run.out()).as("the delayed replica is seen LAGGING and skipped").contains("replica1  is LAGGING beyond maxLag 1 s");
        assertThat(run.out()).contains("primary   is DOWN", "lost: failover started", "now says it is PRIMARY");
        Matcher window = Pattern.compile("Failover window: (\\d+) ms").matcher(run.out());
        assertThat(window.find()).as("a failover window is reported").isTrue();
        assertThat(Long.parseLong(window.group(1))).isLessThan(DemoCommand.WRITE_WAIT.toMillis());
        assertThat(run.out()).containsPattern("Writes: [1-9]\\d* acknowledged").contains("Acknowledged writes lost: 0 ");
        assertThat(run.out() + run.err()).doesNotContain("admin-secret", "app-secret", "repl-secret");
        assertThat(run.out()).as("plain output has no ANSI escapes").doesNotContain("\033[");
    }
}

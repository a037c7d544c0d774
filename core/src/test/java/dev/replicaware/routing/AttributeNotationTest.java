package dev.replicaware.routing;

import dev.replicaware.routing.ReadOnlyStatementClassifier.Flavor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL's attribute notation with the set of functions it could call known: {@code x.y} runs on a replica only
 * when {@code y}, read as PostgreSQL reads identifiers, is not in the set.
 */
class AttributeNotationTest {
    /** As the primary would answer: user functions that take a row, built-ins that take a pseudo-type. */
    private static final Set<String> CALLABLE = Set.of("touch", "MixedCase", "to\"uch", "count", "to_json", "mydomain",
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");

    private static ReadOnlyStatementClassifier classifier(AttributeFunctions functions) {
        return new ReadOnlyStatementClassifier(Flavor.POSTGRESQL, ReadOnlyStatementClassifier.DEFAULT_CACHE_SIZE, functions);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "select o.id, o.name from orders o where o.id = ?",
            "SELECT o1_0.id,o1_0.address,o1_0.city FROM owners o1_0 WHERE o1_0.last_name LIKE ? ESCAPE '' OFFSET ? ROWS FETCH FIRST ? ROWS ONLY",
            "select p1_0.owner_id,p1_0.id,p1_0.birth_date,t1_0.id,t1_0.name from pets p1_0 left join types t1_0 on t1_0.id=p1_0.type_id where p1_0.owner_id=?",
            "select count(*) from visits v join pets p on p.id = v.pet_id where p.owner_id = ?",
            "select (o).name from orders o",
            "select (o).addr.city from orders o",
            "select o.\"Touch\" from orders o",          // quoted: exact, and "Touch" is not touch
            "select o.mixedcase from orders o",         // unquoted: folded, and mixedcase is not MixedCase
            "select public.orders.id from public.orders", // s.t.c: t and c each checked, neither callable
            "select extract(year from o.birth_date) from owners o",
            "select a is distinct from b.c from t b",
            "select o.\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\" from orders o"})
    void aQualifiedNameThatNoFunctionTakesIsAColumn(String sql) {
        assertThat(classifier(AttributeFunctions.fixed(CALLABLE)).readsOnly(sql)).as(sql).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "select o.touch from orders o",
            "select o.TOUCH from orders o",             // folded to touch
            "select o.\"touch\" from orders o",
            "select o.\"MixedCase\" from orders o",
            "select o.\"to\"\"uch\" from orders o",     // a doubled quote is one quote
            "select id from orders o where o.touch > 0",
            "select (o).touch from orders o",
            "select (o).addr.touch from orders o",
            "select o.touch.id from orders o",           // touch(o), then a field of its result
            "select public.orders.touch from public.orders",
            "select o.count from orders o",              // count("any")
            "select o.to_json from orders o",            // to_json(anyelement)
            "select o.mydomain from orders o",           // a cast to a domain runs its checks
            "select o.name, o.touch from orders o",
            "select o.U&\"t\\006fuch\" from orders o",    // Unicode escapes: not read
            // truncated by the server to a callable name
            "select o.\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\" from orders o",
            "select o.name from orders o for update",
            "select (o).* from orders o"})
    void aQualifiedNameThatAFunctionTakesIsACall(String sql) {
        assertThat(classifier(AttributeFunctions.fixed(CALLABLE)).readsOnly(sql)).as(sql).isFalse();
    }

    @Test
    void withoutTheSetEveryQualifiedColumnRunsOnThePrimary() {
        AttributeFunctions unknown = new AttributeFunctions("test", null, java.time.Duration.ofSeconds(1));
        assertThat(classifier(unknown).readsOnly("select o.name from orders o")).isFalse();
        assertThat(classifier(null).readsOnly("select o.name from orders o")).isFalse();
        assertThat(classifier(unknown).readsOnly("select o.* from orders o")).as("no qualified column").isTrue();
    }

    @Test
    void aCachedAnswerIsMadeAgainWhenTheSetChanges() {
        AttributeFunctions functions = AttributeFunctions.fixed(Set.of());
        ReadOnlyStatementClassifier classifier = classifier(functions);
        String touch = "select o.touch from orders o";
        String name = "select o.name from orders o";
        assertThat(classifier.readsOnly(touch)).as("touch not yet a function").isTrue();
        assertThat(classifier.readsOnly(name)).isTrue();

        functions.publish(Set.of("touch")); // CREATE FUNCTION touch(orders), seen by a refresh
        assertThat(classifier.readsOnly(touch)).as("cached replica answer after touch(orders) appeared").isFalse();
        assertThat(classifier.readsOnly(name)).isTrue();

        functions.publish(Set.of()); // DROP FUNCTION touch(orders)
        assertThat(classifier.readsOnly(touch)).isTrue();
    }

    @Test
    void anEqualSetKeepsItsIdentitySoCachedAnswersStay() {
        AttributeFunctions functions = AttributeFunctions.fixed(Set.of("touch"));
        AttributeFunctions.Names before = functions.current();
        functions.publish(Set.of("touch"));
        assertThat(functions.current()).isSameAs(before);
        functions.publish(Set.of("touch", "other"));
        assertThat(functions.current()).isNotSameAs(before);
    }

    @Test
    void answersThatDoNotDependOnTheSetAreCachedAsBefore() {
        AttributeFunctions functions = AttributeFunctions.fixed(Set.of());
        ReadOnlyStatementClassifier classifier = classifier(functions);
        assertThat(classifier.readsOnly("select nextval('s')")).isFalse();
        assertThat(classifier.readsOnly("select 1")).isTrue();
        functions.publish(Set.of("nextval"));
        assertThat(classifier.readsOnly("select nextval('s')")).isFalse();
        assertThat(classifier.readsOnly("select 1")).isTrue();
        assertThat(classifier.cachedCount()).isEqualTo(2);
    }
}

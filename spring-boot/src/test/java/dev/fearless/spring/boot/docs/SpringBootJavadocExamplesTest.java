package dev.fearless.spring.boot.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fearless.lock.DeadlockWatchdog;
import dev.fearless.spring.boot.FearlessHealthIndicator;
import dev.fearless.spring.boot.FearlessProperties;
import dev.fearless.testing.Snippets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.health.contributor.Health;

/**
 * Every {@code <pre>{@code ...}</pre>} example in the published Javadoc of
 * {@code dev.fearless.spring.boot} is checked: Java examples compile against this module as code
 * in a class extending {@link SpringBootExamples} (a name an example needs goes there) and those
 * shaped as a method body run; {@code application.properties} examples (a block that starts with
 * that comment, and the properties a Java example lists in comments) bind to
 * {@link FearlessProperties} with no key left unbound and every value converted; the actuator
 * response example is the JSON of the health an indicator with that watchdog reports.
 */
@Timeout(300)
class SpringBootJavadocExamplesTest {

    private static final String PACKAGE = "dev.fearless.spring.boot";

    private static boolean isProperties(Snippets.Block block) {
        return block.key().endsWith(": // application.properties");
    }

    private static boolean isResponse(Snippets.Block block) {
        return block.key().contains(": // GET /actuator/");
    }

    @Test
    void everyJavaExampleCompiles_andThoseThatAreMethodBodiesRun() {
        List<Snippets.Block> java = Snippets.publicJavadocBlocks(PACKAGE).stream()
                .filter(block -> !isProperties(block) && !isResponse(block)).toList();
        System.out.println(Snippets.assertExamples(PACKAGE + " Javadoc", java, SpringBootExamples.class, 5, 4,
                List.of(PACKAGE, "dev.fearless.metrics", "io.micrometer.core.instrument",
                        "io.micrometer.core.instrument.simple", "org.springframework.boot.health.contributor",
                        "org.springframework.beans.factory.annotation")));
    }

    @Test
    void everyPropertiesExampleBindsToFearlessProperties() {
        int checked = 0;
        for (Snippets.Block block : Snippets.publicJavadocBlocks(PACKAGE)) {
            Map<String, String> properties = properties(block);
            if (!properties.isEmpty()) {
                bind(properties, block.where(1));
                checked++;
            }
        }
        assertTrue(checked >= 5, "properties examples checked: " + checked);
        System.out.println(PACKAGE + " Javadoc: " + checked + " properties examples bind");
    }

    @Test
    void theBindingCheckRefusesAMisspelledKeyAndABadValue() {
        assertThrows(BindException.class, () -> bind(Map.of("fearless.locks.chekcer", "warn"), "misspelled"));
        assertThrows(BindException.class, () -> bind(Map.of("fearless.executor.limit", "many"), "bad value"));
    }

    @Test
    void theActuatorResponseExampleIsWhatTheIndicatorReports() {
        List<Snippets.Block> responses = Snippets.publicJavadocBlocks(PACKAGE).stream()
                .filter(SpringBootJavadocExamplesTest::isResponse).toList();
        assertEquals(1, responses.size(), "actuator response examples");
        Snippets.Block block = responses.getFirst();
        String json = block.lines().stream().filter(line -> line.strip().startsWith("{")).findFirst().orElseThrow().strip();
        try (DeadlockWatchdog watchdog = DeadlockWatchdog.start(Duration.ofSeconds(10))) {
            Health health = new FearlessHealthIndicator(watchdog).health();
            assertEquals(json, toJson(health), block.where(1));
        }
    }

    /** The key=value lines of a properties block, or those a Java block lists in comments. */
    private static Map<String, String> properties(Snippets.Block block) {
        boolean listed = isProperties(block) || block.key().endsWith(": // application.properties:");
        Map<String, String> properties = new LinkedHashMap<>();
        if (listed) {
            for (String line : block.lines()) {
                String entry = line.strip().replaceFirst("^//\\s*", "");
                int equals = entry.indexOf('=');
                if (entry.startsWith("fearless.") && equals > 0) {
                    properties.put(entry.substring(0, equals).strip(), entry.substring(equals + 1).strip());
                }
            }
            assertTrue(!properties.isEmpty(), block.where(1) + ": a properties example without a fearless.* key");
        }
        return properties;
    }

    private static FearlessProperties bind(Map<String, String> properties, String where) {
        Binder binder = new Binder(new MapConfigurationPropertySource(properties));
        return binder.bind("fearless", Bindable.of(FearlessProperties.class),
                new NoUnboundElementsBindHandler(BindHandler.DEFAULT)).orElseThrow(
                        () -> new AssertionError(where + ": nothing bound from " + properties));
    }

    /** Actuator's JSON for a health whose details are strings (the example's case). */
    private static String toJson(Health health) {
        String details = health.getDetails().entrySet().stream()
                .map(entry -> "\"" + entry.getKey() + "\":\"" + entry.getValue() + "\"")
                .collect(Collectors.joining(","));
        return "{\"status\":\"" + health.getStatus().getCode() + "\",\"details\":{" + details + "}}";
    }
}

/**
 * Spring Boot auto-configuration for Fearless; see {@link dev.fearless.spring.boot}. Spring Boot
 * applications usually run on the class path, where this descriptor is ignored; on the module
 * path, Spring reads the configuration classes and properties reflectively, hence the opens.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"}) // Spring ships automatic module names only
module dev.fearless.spring.boot {
    requires transitive dev.fearless;
    requires transitive dev.fearless.metrics;
    requires transitive dev.fearless.context.micrometer;
    requires transitive spring.boot.autoconfigure;
    requires transitive spring.boot;
    requires transitive spring.context;
    requires transitive spring.beans;
    requires transitive spring.core;
    requires static transitive spring.boot.health;
    requires static transitive org.jspecify;
    requires static com.fasterxml.jackson.annotation;

    exports dev.fearless.spring.boot;
    opens dev.fearless.spring.boot to spring.core, spring.beans, spring.context;
}

package dev.fearless.internal;

import java.util.Objects;

/**
 * The one naming rule of the toolkit: a component's name is optional (unnamed components report
 * {@code Telemetry.DEFAULT_NAME}), but a name given explicitly must not be null or blank.
 */
public final class Names {

    private Names() {}

    /**
     * Checks an explicit name.
     *
     * @param name the name
     * @param argument the argument's name, for the messages ({@code "name"}, {@code "lockClass"})
     * @return {@code name}
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is empty or only white space
     */
    public static String requireValid(String name, String argument) {
        Objects.requireNonNull(name, argument);
        if (name.isBlank()) {
            throw new IllegalArgumentException(argument + " must not be blank: \"" + name + "\"");
        }
        return name;
    }

    /**
     * {@link #requireValid(String, String)} for an argument named {@code name}.
     *
     * @param name the name
     * @return {@code name}
     */
    public static String requireValid(String name) {
        return requireValid(name, "name");
    }
}

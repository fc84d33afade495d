package dev.fearless.test;

import java.util.Optional;

/**
 * What an exploration did: how many schedules and steps it ran, whether it ran every schedule
 * within its bound ({@link Strategy#EXHAUSTIVE}), and the failure it found, if any.
 *
 * <pre>{@code
 * Exploration result = Explorer.search(ExploreOptions.defaults().schedules(200), scenario);
 * assertTrue(result.failure().isPresent());
 * }</pre>
 *
 * @param schedules the number of schedules run (up to and including a failing one)
 * @param steps the number of steps over all those schedules
 * @param exhausted whether {@link Strategy#EXHAUSTIVE} ran every schedule within its bound
 * @param seed the base seed
 * @param failure the failure found, if any (shrunk if shrinking is on)
 */
public record Exploration(int schedules, long steps, boolean exhausted, long seed,
        Optional<ExplorationFailure> failure) {}

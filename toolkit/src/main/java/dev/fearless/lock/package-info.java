/**
 * Deadlock avoidance: ranked locks, ordered multi-lock acquisition and the lock-order checker.
 */
@NullMarked
package dev.fearless.lock;

import org.jspecify.annotations.NullMarked;

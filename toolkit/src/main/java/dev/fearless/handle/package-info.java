/**
 * Ownership-checked shared state: {@code Shared}, {@code SharedRw}, {@code Owned} and {@code Confined}.
 */
@NullMarked
package dev.fearless.handle;

import org.jspecify.annotations.NullMarked;

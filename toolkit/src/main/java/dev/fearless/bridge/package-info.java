/**
 * The seam between async and blocking code: limited virtual-thread executors and future adapters.
 */
@NullMarked
package dev.fearless.bridge;

import org.jspecify.annotations.NullMarked;

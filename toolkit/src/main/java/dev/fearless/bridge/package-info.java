/**
 * The seam between async and blocking code on virtual threads.
 *
 * <ul>
 *   <li>{@link dev.fearless.bridge.VirtualExecutor}: a named executor that runs each task on its
 *       own virtual thread, with an optional concurrency limit whose
 *       {@link dev.fearless.bridge.LimitPolicy} is chosen explicitly, context propagation, its own
 *       counts, timers, and a graceful close; refusals throw
 *       {@link dev.fearless.bridge.TaskRejectedException}.</li>
 * </ul>
 */
@NullMarked
package dev.fearless.bridge;

import org.jspecify.annotations.NullMarked;

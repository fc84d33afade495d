/**
 * The seam between async and blocking code on virtual threads.
 *
 * <ul>
 *   <li>{@link dev.fearless.bridge.VirtualExecutor}: a named executor that runs each task on its
 *       own virtual thread, with an optional concurrency limit whose
 *       {@link dev.fearless.bridge.LimitPolicy} is chosen explicitly, context propagation, its own
 *       counts, timers, and a graceful close; refusals throw
 *       {@link dev.fearless.bridge.TaskRejectedException};</li>
 *   <li>{@link dev.fearless.bridge.Bridge}: blocking code offered as a {@code CompletableFuture}
 *       whose {@code cancel(true)} interrupts it, and any {@code CompletionStage} awaited from a
 *       virtual thread, cancelled when the waiter is interrupted or times out, its failure
 *       unwrapped by one documented rule ({@link dev.fearless.bridge.StageFailedException} for
 *       checked causes), and {@code Bridge.awaiting}, which forks a stage-returning call in a
 *       scope so that cancelling its task cancels the stage;</li>
 *   <li>{@link dev.fearless.bridge.Flows}: a channel as a {@code java.util.concurrent.Flow}
 *       publisher, and a subscriber that feeds a channel with back-pressure tied to its
 *       capacity.</li>
 * </ul>
 */
@NullMarked
package dev.fearless.bridge;

import org.jspecify.annotations.NullMarked;

package dev.fearless.docs;

import dev.fearless.channel.Channel;
import dev.fearless.scope.Scope;
import dev.fearless.structure.ScopeNode;
import dev.fearless.structure.Structure;
import dev.fearless.structure.TaskNode;
import dev.fearless.structure.WaitNode;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The names the Javadoc examples of {@code dev.fearless.structure} take for granted, taken from a
 * live snapshot: a scope ({@link #scope}) whose one task ({@link #task}) waits ({@link #wait}) to
 * receive from an empty channel. {@link #close()} ends the scope and restores whether the structure
 * was enabled.
 */
@SuppressWarnings("unused")
public abstract class StructureExamples implements AutoCloseable {

    private final boolean wasEnabled = Structure.isEnabled();
    private final Channel<String> empty = Channel.buffered(1, "inbox");
    private final Scope<Object, @Nullable Void> live = open();

    protected final Logger log = LoggerFactory.getLogger("examples");
    protected final ScopeNode scope = waitingScope();
    protected final TaskNode task = scope.tasks().getFirst();
    protected final WaitNode wait = task.waitsFor().orElseThrow();

    private Scope<Object, @Nullable Void> open() {
        Structure.enable();
        Scope<Object, @Nullable Void> opened = Scope.builder().name("examples").open();
        opened.fork(empty::receive);
        return opened;
    }

    private static ScopeNode waitingScope() {
        return Awaitility.await().atMost(Duration.ofSeconds(10)).until(
                () -> Structure.snapshot().scopes().stream()
                        .filter(node -> node.name().equals("examples"))
                        .filter(node -> node.tasks().size() == 1 && node.tasks().getFirst().waitsFor().isPresent())
                        .findFirst().orElse(null),
                node -> node != null);
    }

    @Override
    public void close() {
        live.cancel();
        live.close();
        if (!wasEnabled) {
            Structure.disable();
        }
    }
}

package dev.fearless.test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The Jupiter extension behind {@link ExploreSchedules} and {@link ReplaySchedule}: runs the test
 * method's body as the scenario of an exploration. Registered by those annotations.
 *
 * <pre>{@code
 * @ExtendWith(ExplorerExtension.class)   // implied by @ExploreSchedules
 * class TransferTest {}
 * }</pre>
 */
public final class ExplorerExtension implements InvocationInterceptor {

    /** Creates the extension; Jupiter does this. */
    public ExplorerExtension() {}

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
            ExtensionContext extensionContext) throws Throwable {
        explore(invocation, invocationContext, extensionContext);
    }

    @Override
    public void interceptTestTemplateMethod(Invocation<Void> invocation,
            ReflectiveInvocationContext<Method> invocationContext, ExtensionContext extensionContext) throws Throwable {
        explore(invocation, invocationContext, extensionContext);
    }

    private static void explore(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
            ExtensionContext extensionContext) throws Throwable {
        Method method = invocationContext.getExecutable();
        Optional<ReplaySchedule> replay = AnnotationSupport.findAnnotation(method, ReplaySchedule.class);
        Optional<ExploreSchedules> explore = AnnotationSupport.findAnnotation(method, ExploreSchedules.class);
        ExploreOptions options = ExploreOptions.defaults();
        if (explore.isPresent()) {
            ExploreSchedules settings = explore.get();
            options = options.schedules(settings.schedules()).strategy(settings.strategy()).depth(settings.depth())
                    .preemptionBound(settings.preemptionBound()).maxSteps(settings.maxSteps());
            if (settings.seed() != ExploreSchedules.RANDOM_SEED) {
                options = options.seed(settings.seed());
            }
        }
        if (replay.isPresent()) {
            options = options.replay(replay.get().value());
        }
        Object target = invocationContext.getTarget().orElse(null);
        List<Object> arguments = invocationContext.getArguments();
        method.setAccessible(true);
        invocation.skip();
        try {
            Explorer.explore(options, () -> {
                try {
                    method.invoke(target, arguments.toArray());
                } catch (InvocationTargetException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof Exception exception) {
                        throw exception;
                    }
                    if (cause instanceof Error error) {
                        throw error;
                    }
                    throw e;
                }
            });
        } catch (ExplorationFailure failure) {
            String test = extensionContext.getRequiredTestClass().getName() + "#" + method.getName();
            ExplorationFailure located = new ExplorationFailure(failure.getMessage() + "\n  with Maven: mvn test -Dtest='"
                    + test + "' -D" + ExploreOptions.REPLAY_PROPERTY + "=" + failure.replay(), failure.getCause(),
                    failure.kind(), failure.strategy(), failure.seed(), failure.schedule(), failure.steps(),
                    failure.preemptions(), failure.replay(), failure.trace());
            located.setStackTrace(failure.getStackTrace());
            throw located;
        }
    }
}

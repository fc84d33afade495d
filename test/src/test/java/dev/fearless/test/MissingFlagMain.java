package dev.fearless.test;

/** Run by {@link ExplorerTest} in a JVM without --add-opens: prints what the explorer says. */
public final class MissingFlagMain {

    private MissingFlagMain() {}

    public static void main(String[] args) throws Exception {
        try {
            Explorer.search(ExploreOptions.defaults(), () -> {});
            System.out.println("NO FAILURE");
        } catch (IllegalStateException e) {
            System.out.println(e.getMessage());
            System.exit(3);
        }
    }
}

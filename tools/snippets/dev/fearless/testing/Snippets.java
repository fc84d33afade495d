package dev.fearless.testing;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Compiles code examples from the documentation (README.md's {@code ```java} blocks, Javadoc
 * {@code <pre>{@code ...}</pre>} blocks) with the JDK's javac against the test class path,
 * and runs those that declare a {@code main} method.
 *
 * <p>A block is tried, in one compiler run per shape for all blocks still failing, as: a
 * compilation unit (when it declares a top-level type), the body of a {@code void} method, the
 * body of an {@code Object} method (a block that returns a value), a class body (fields, methods,
 * records), and class members followed by statements (split at the last blank line after a
 * top-level {@code ;} or {@code }}). The first shape that compiles wins; a block that compiles in
 * none fails with the diagnostics of the shape with the fewest errors, mapped back to the lines of
 * the document. Each block gets the imports it declares (hoisted to the top) plus a standard set:
 * every exported {@code dev.fearless} package and {@code java.util}, {@code java.util.concurrent}
 * (with {@code atomic} and {@code locks}), {@code java.util.function}, {@code java.time}. A block
 * containing the comment {@code // does not compile} must fail to compile in every shape.
 *
 * <p>Javadoc fragments compile in a class extending a fixture (one per package, declaring the
 * names the fragments take for granted) and run when they compiled as a method body; a fixture
 * lists in {@code public static final Map<String, String> NOT_RUN} the fragments that cannot run
 * against it, by {@link Block#key()}, with the reason. Shared by every module's docs tests through
 * the toolkit's test jar.
 */
public final class Snippets {

    /** One example: where it comes from (for messages) and its lines. */
    public record Block(String source, int firstLine, List<String> lines, String section) {
        public Block(String source, int firstLine, List<String> lines) {
            this(source, firstLine, lines, "");
        }

        public String text() {
            return String.join("\n", lines);
        }

        public boolean mustFail() {
            return text().contains("// does not compile");
        }

        /**
         * How a fixture's {@code NOT_RUN} names this block: its file, ": " and its first non-blank
         * line, stripped ({@code "Channel.java: channel.send(x);"}); stable while others edit the file.
         */
        public String key() {
            return source + ": " + lines.stream().filter(line -> !line.isBlank()).findFirst().orElse("").strip();
        }

        public String where(int lineInBlock) {
            return source + ":" + (firstLine + lineInBlock - 1);
        }
    }

    /** The outcome for one block: compiled (with the shape), or the errors; and a run failure. */
    public record Result(Block block, @Nullable String shape, List<String> errors, @Nullable Throwable runFailure,
            boolean ran) {
        public boolean compiled() {
            return shape != null;
        }
    }

    private enum Shape { UNIT, VOID_METHOD, VALUE_METHOD, CLASS_BODY, MEMBERS_THEN_STATEMENTS }

    private static final Pattern TOP_LEVEL_TYPE = Pattern.compile(
            "^(?:public |final |abstract |sealed |non-sealed |static )*(?:class|interface|enum|record) \\w+", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^\\s*import\\s+(?:static\\s+)?[\\w.]+(?:\\.\\*)?\\s*;\\s*$");

    private final @Nullable String fixture;
    private final boolean run;
    private final List<String> packages;
    private final Path work;

    /**
     * @param fixture a class the wrapper class extends (supplying the names a Javadoc fragment
     *     assumes), or null for self-contained blocks
     * @param run whether to run blocks that declare a {@code main} method
     */
    public Snippets(@Nullable String fixture, boolean run) {
        this(fixture, run, List.of());
    }

    /**
     * @param fixture as above
     * @param run as above
     * @param packages further packages every block imports on demand (a module's own, such as
     *     {@code dev.fearless.metrics}, and the libraries its examples use; {@code "static T"}
     *     imports the static members of T)
     */
    public Snippets(@Nullable String fixture, boolean run, List<String> packages) {
        this.fixture = fixture;
        this.run = run;
        this.packages = List.copyOf(packages);
        try {
            this.work = Files.createTempDirectory("snippets");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The examples the fixture says compile but cannot run, by {@link Block#key()}, with the reason:
     * its {@code public static final Map<String, String> NOT_RUN}, if it declares one.
     */
    @SuppressWarnings("unchecked")
    private Map<String, String> notRun() {
        if (fixture == null) {
            return Map.of();
        }
        try {
            return (Map<String, String>) Class.forName(fixture).getField("NOT_RUN").get(null);
        } catch (NoSuchFieldException e) {
            return Map.of();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + fixture + ".NOT_RUN", e);
        }
    }

    // ------------------------------------------------------------------ finding

    /** The directory above the working directory (the module) that holds {@code name}. */
    public static Path findUp(String name) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve(name))) {
                return dir.resolve(name);
            }
        }
        throw new IllegalStateException(name + " not found above " + Path.of("").toAbsolutePath());
    }

    /** Every {@code ```java} block of a Markdown file, with the line of its first code line. */
    public static List<Block> markdownBlocks(Path file) {
        List<String> lines = readLines(file);
        List<Block> blocks = new ArrayList<>();
        String section = "";
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("## ")) {
                section = lines.get(i).substring(3).strip();
            }
            String fence = lines.get(i).strip();
            if (fence.equals("```java") || fence.startsWith("```java ")) {
                int start = i + 1;
                int end = start;
                while (end < lines.size() && !lines.get(end).strip().equals("```")) {
                    end++;
                }
                String indent = lines.get(i).substring(0, lines.get(i).indexOf('`'));
                List<String> code = new ArrayList<>();
                for (String line : lines.subList(start, end)) {
                    code.add(line.startsWith(indent) ? line.substring(indent.length()) : line.strip());
                }
                blocks.add(new Block(file.getFileName().toString(), start + 1, code, section));
                i = end;
            }
        }
        return blocks;
    }

    /** Every {@code <pre>{@code ...}</pre>} block in the Javadoc of one source file. */
    public static List<Block> javadocBlocks(Path file) {
        List<String> lines = readLines(file);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("<pre>{@code")) {
                int start = i + 1;
                int end = start;
                while (end < lines.size() && !lines.get(end).contains("}</pre>")) {
                    end++;
                }
                List<String> code = new ArrayList<>();
                for (String line : lines.subList(start, end)) {
                    code.add(line.replaceFirst("^\\s*\\*( |$)", ""));
                }
                blocks.add(new Block(file.getFileName().toString(), start + 1, code));
                i = end;
            }
        }
        return blocks;
    }

    /**
     * Every example in the published Javadoc of one package of the module under test (the
     * {@code src/main/java} above the working directory): its {@code package-info.java} and each
     * file with a public top-level type (a line starting {@code public }); package-private files
     * are not published.
     */
    public static List<Block> publicJavadocBlocks(String pkg) {
        Path dir = findUp("src/main/java").resolve(pkg.replace('.', '/'));
        List<Block> blocks = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                boolean published = file.getFileName().toString().equals("package-info.java")
                        || readLines(file).stream().anyMatch(line -> line.startsWith("public "));
                if (published) {
                    blocks.addAll(javadocBlocks(file));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return blocks;
    }

    /**
     * Compiles the repository README's {@code ```java} blocks whose first line is
     * {@code // module: <module>} (blocks that need a module the toolkit cannot depend on; the
     * toolkit's ReadmeExamplesTest skips them), self-contained, against the calling module's test
     * class path, and runs those with a {@code main} method; fails with the README line of each
     * error, or when no block is marked for the module. Returns a one-line summary.
     */
    public static String assertReadmeBlocksOf(String module) {
        Path readme = findUp(".mvn").getParent().resolve("README.md");   // the repository's, not a module's
        List<Block> blocks = markdownBlocks(readme).stream()
                .filter(block -> !block.lines().isEmpty() && block.lines().getFirst().strip().equals("// module: " + module))
                .toList();
        if (blocks.isEmpty()) {
            throw new AssertionError("no README.md block is marked // module: " + module);
        }
        String failures = failures(new Snippets(null, true).check(blocks));
        if (!failures.isEmpty()) {
            throw new AssertionError("README.md blocks for " + module + " are broken\n" + failures);
        }
        return "README.md: " + blocks.size() + " java blocks for " + module + " compile";
    }

    /**
     * Compiles every block as code in a class extending {@code fixture} (which declares the names
     * the examples take for granted), runs each one that compiled as a method body, and fails with
     * the document lines of every broken example; fails too when fewer than {@code minimumFound}
     * blocks were given or fewer than {@code minimumRun} ran, so that a search that finds nothing,
     * or a fixture that runs nothing, cannot pass. Returns a one-line summary for the test output.
     *
     * @param what what the blocks are, for messages ("dev.fearless.channel Javadoc")
     * @param packages further packages every block imports on demand
     */
    public static String assertExamples(String what, List<Block> blocks, Class<?> fixture, int minimumFound,
            int minimumRun, List<String> packages) {
        if (blocks.size() < minimumFound) {
            throw new AssertionError(what + ": " + blocks.size() + " examples found, expected at least " + minimumFound);
        }
        List<Result> results = new Snippets(fixture.getName(), true, packages).check(blocks);
        String failures = failures(results);
        if (!failures.isEmpty()) {
            throw new AssertionError(what + ": broken examples\n" + failures);
        }
        long ran = results.stream().filter(Result::ran).count();
        if (ran < minimumRun) {
            throw new AssertionError(what + ": " + ran + " examples ran, expected at least " + minimumRun);
        }
        return what + ": " + results.size() + " examples compile, " + ran + " of them ran";
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ compiling

    /** Compiles (and, if asked, runs) every block; one result per block, in order. */
    public List<Result> check(List<Block> blocks) {
        try {
            return checkAll(blocks);
        } finally {
            deleteWork();
        }
    }

    private List<Result> checkAll(List<Block> blocks) {
        Map<Block, Map<Shape, List<String>>> errors = new LinkedHashMap<>();
        Map<Block, Shape> compiled = new LinkedHashMap<>();
        List<Block> pending = new ArrayList<>(blocks);
        for (Shape shape : Shape.values()) {
            List<Block> tried = new ArrayList<>();
            Map<Path, Block> files = new LinkedHashMap<>();
            for (Block block : pending) {
                String source = wrap(block, shape, blocks.indexOf(block));
                if (source != null) {
                    files.put(write(block, shape, blocks.indexOf(block), source), block);
                    tried.add(block);
                }
            }
            if (files.isEmpty()) {
                continue;
            }
            Map<Path, List<String>> diagnostics = compileEach(files.keySet(), work.resolve("classes-" + shape));
            for (Map.Entry<Path, Block> entry : files.entrySet()) {
                List<String> found = diagnostics.getOrDefault(entry.getKey(), List.of());
                Block block = entry.getValue();
                if (found.isEmpty()) {
                    compiled.put(block, shape);
                    pending.remove(block);
                } else {
                    errors.computeIfAbsent(block, b -> new LinkedHashMap<>()).put(shape, found);
                }
            }
        }
        Map<Block, Throwable> runFailures = new LinkedHashMap<>();
        List<Block> ran = new ArrayList<>();
        if (run) {
            Map<String, String> notRun = notRun();
            List<String> unknown = new ArrayList<>(notRun.keySet());
            blocks.forEach(block -> unknown.remove(block.key()));
            if (!unknown.isEmpty()) {
                throw new IllegalStateException(fixture + ".NOT_RUN names examples that do not exist: " + unknown);
            }
            Map<Block, Shape> runnable = new LinkedHashMap<>(compiled);
            runnable.keySet().removeIf(block -> notRun.containsKey(block.key()));
            runMains(runnable, blocks, runFailures, ran);
        }
        List<Result> results = new ArrayList<>();
        for (Block block : blocks) {
            Shape shape = compiled.get(block);
            List<String> best = shape != null ? List.of() : errors.getOrDefault(block, Map.of()).values().stream()
                    .min(Comparator.comparingInt(List::size)).orElse(List.of("no shape applies"));
            results.add(new Result(block, shape == null ? null : shape.name().toLowerCase(Locale.ROOT), best,
                    runFailures.get(block), ran.contains(block)));
        }
        return results;
    }

    /** Removes the generated sources and classes (every docs test run would leave a directory). */
    private void deleteWork() {
        try (Stream<Path> paths = Files.walk(work)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String packageOf(int index) {
        return "snippet" + index;
    }

    private static final Pattern PUBLIC_TYPE = Pattern.compile(
            "^public\\s+(?:final\\s+|abstract\\s+|sealed\\s+)*(?:class|interface|enum|record)\\s+(\\w+)", Pattern.MULTILINE);

    private static String className(Block block, int index) {
        return "Example" + index;
    }

    /** The file name javac wants: a compilation unit's public type, else the wrapper's name. */
    private static String fileName(Block block, Shape shape, int index) {
        var publicType = PUBLIC_TYPE.matcher(block.text());
        return shape == Shape.UNIT && publicType.find() ? publicType.group(1) : className(block, index);
    }

    /** The generated source for {@code block} in {@code shape}, or null when the shape cannot apply. */
    private @Nullable String wrap(Block block, Shape shape, int index) {
        List<String> body = new ArrayList<>();
        StringBuilder imports = new StringBuilder();
        for (String line : block.lines()) {
            if (IMPORT.matcher(line).matches()) {
                imports.append(line.strip()).append(' ');
                body.add("");                         // keep line numbers
            } else {
                body.add(line);
            }
        }
        String text = String.join("\n", body);
        boolean declaresType = TOP_LEVEL_TYPE.matcher(text).find();
        String header = "package " + packageOf(index) + "; " + imports + standardImports(imports.toString(), packages);
        String extendsFixture = fixture == null ? "" : " extends " + fixture.replace('$', '.');   // a nested fixture too
        String type = className(block, index);
        return switch (shape) {
            case UNIT -> declaresType ? header + "\n" + text + "\n" : null;
            case VOID_METHOD -> header + " class " + type + extendsFixture + " { void example() throws Exception {\n"
                    + text + "\n}}\n";
            case VALUE_METHOD -> header + " class " + type + extendsFixture + " { Object example() throws Exception {\n"
                    + text + "\n}}\n";
            case CLASS_BODY -> header + " class " + type + extendsFixture + " {\n" + text + "\n}\n";
            case MEMBERS_THEN_STATEMENTS -> {
                int split = splitLine(body);
                if (split < 0) {
                    yield null;
                }
                List<String> joined = new ArrayList<>(body);
                joined.set(split, "void example() throws Exception {");
                yield header + " class " + type + extendsFixture + " {\n" + String.join("\n", joined) + "\n}}\n";
            }
        };
    }

    /** The last blank line after a top-level line ending in ';' or '}' and before a top-level line. */
    private static int splitLine(List<String> body) {
        for (int i = body.size() - 2; i > 0; i--) {
            if (!body.get(i).isBlank()) {
                continue;
            }
            String before = previousNonBlank(body, i);
            String after = body.get(i + 1);
            if (before != null && !before.startsWith(" ") && (before.strip().endsWith(";") || before.strip().endsWith("}"))
                    && !after.isBlank() && !after.startsWith(" ")) {
                return i;
            }
        }
        return -1;
    }

    private static @Nullable String previousNonBlank(List<String> body, int index) {
        for (int i = index - 1; i >= 0; i--) {
            if (!body.get(i).isBlank()) {
                return body.get(i);
            }
        }
        return null;
    }

    private static final List<String> JDK_PACKAGES = List.of("java.util", "java.util.concurrent",
            "java.util.concurrent.atomic", "java.util.concurrent.locks", "java.util.function", "java.time",
            "java.io", "java.net");

    /**
     * On-demand imports of the toolkit's packages and {@link #JDK_PACKAGES}, plus a single-type
     * import for each toolkit type whose simple name a JDK package also has (the toolkit's
     * {@code StructureViolationException} over {@code java.util.concurrent}'s), unless a block
     * imports that name itself.
     */
    private static String standardImports(String blockImports, List<String> packages) {
        StringBuilder imports = new StringBuilder();
        for (String pkg : packages) {
            imports.append("import ").append(pkg).append(".*; ");
        }
        for (String pkg : fearlessPackages()) {
            imports.append("import ").append(pkg).append(".*; ");
        }
        for (String pkg : JDK_PACKAGES) {
            imports.append("import ").append(pkg).append(".*; ");
        }
        for (String type : toolkitTypesShadowingTheJdk()) {
            String simple = type.substring(type.lastIndexOf('.') + 1);
            if (!blockImports.contains("." + simple + ";")) {
                imports.append("import ").append(type).append("; ");
            }
        }
        return imports.toString();
    }

    private static @Nullable List<String> shadowing;

    private static synchronized List<String> toolkitTypesShadowingTheJdk() {
        if (shadowing == null) {
            List<String> found = new ArrayList<>();
            Map<String, Integer> toolkitNames = new LinkedHashMap<>();
            List<String> toolkitTypes = new ArrayList<>();
            for (String pkg : fearlessPackages()) {
                for (String type : publicTypes(pkg)) {
                    toolkitTypes.add(type);
                    toolkitNames.merge(type.substring(pkg.length() + 1), 1, Integer::sum);
                }
            }
            for (String type : toolkitTypes) {
                String simple = type.substring(type.lastIndexOf('.') + 1);
                if (toolkitNames.get(simple) == 1 && JDK_PACKAGES.stream().anyMatch(pkg -> isPublicType(pkg + "." + simple))) {
                    found.add(type);
                }
            }
            shadowing = List.copyOf(found);
        }
        return shadowing;
    }

    private static List<String> publicTypes(String pkg) {
        try {
            return inToolkitClasses(root -> {
                try (Stream<Path> files = Files.list(root.resolve(pkg.replace('.', '/')))) {
                    return files.map(file -> file.getFileName().toString())
                            .filter(name -> name.endsWith(".class") && !name.contains("$") && !name.equals("package-info.class"))
                            .map(name -> pkg + "." + name.substring(0, name.length() - ".class".length()))
                            .filter(Snippets::isPublicType)
                            .sorted()
                            .toList();
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isPublicType(String name) {
        try {
            return Modifier.isPublic(Class.forName(name, false, Snippets.class.getClassLoader()).getModifiers());
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static Path toolkitClasses() {
        try {
            return Path.of(dev.fearless.scope.Scope.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (Exception e) {
            throw new IllegalStateException("cannot find the toolkit's classes", e);
        }
    }

    private interface PathFunction<T> {
        T apply(Path root) throws IOException;
    }

    /** Applies {@code f} to the root of the toolkit's classes: target/classes, or its jar once packaged. */
    private static <T> T inToolkitClasses(PathFunction<T> f) throws IOException {
        Path classes = toolkitClasses();
        if (Files.isDirectory(classes)) {
            return f.apply(classes);
        }
        try (java.nio.file.FileSystem jar = java.nio.file.FileSystems.newFileSystem(classes)) {
            return f.apply(jar.getPath("/"));
        }
    }

    private static List<String> packagesUnder(Path root) throws IOException {
        try (Stream<Path> dirs = Files.list(root.resolve("dev/fearless"))) {
            return dirs.filter(Files::isDirectory)
                    .map(dir -> "dev.fearless." + dir.getFileName().toString().replace("/", ""))
                    .filter(pkg -> !pkg.equals("dev.fearless.internal"))
                    .sorted()
                    .toList();
        }
    }

    /** The toolkit's packages as compiled (found next to Scope.class), without the internal one. */
    private static List<String> fearlessPackages() {
        try {
            return inToolkitClasses(Snippets::packagesUnder);
        } catch (Exception e) {
            throw new IllegalStateException("cannot list the toolkit's packages", e);
        }
    }

    private Path write(Block block, Shape shape, int index, String source) {
        Path file = work.resolve(shape.name()).resolve(packageOf(index)).resolve(fileName(block, shape, index) + ".java");
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, source, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /**
     * Compiles the files as one batch, again without those that had errors, until a batch has none:
     * javac stops after the phase in which it found errors (a parse error in one file hides the type
     * errors of every other), so only a clean batch proves that its files compile.
     */
    private static Map<Path, List<String>> compileEach(Iterable<Path> files, Path out) {
        Map<Path, List<String>> errors = new LinkedHashMap<>();
        List<Path> remaining = new ArrayList<>();
        files.forEach(remaining::add);
        while (!remaining.isEmpty()) {
            Map<Path, List<String>> found = compile(remaining, out);
            if (found.isEmpty()) {
                break;
            }
            errors.putAll(found);
            remaining.removeAll(found.keySet());
        }
        return errors;
    }

    private static final Pattern ERROR_HEADER = Pattern.compile("^(.+\\.java):(\\d+): error: (.*)$");

    /**
     * Compiles the files together with the JDK's javac (through {@link java.util.spi.ToolProvider},
     * so the test needs no module of its own); returns the error messages per file, by the line
     * of the generated source (a file without errors is absent).
     */
    private static Map<Path, List<String>> compile(Iterable<Path> files, Path out) {
        java.util.spi.ToolProvider javac = java.util.spi.ToolProvider.findFirst("javac")
                .orElseThrow(() -> new IllegalStateException("no javac in this JDK"));
        List<String> arguments = new ArrayList<>(List.of("-d", out.toString(), "-classpath", testClassPath(),
                "-proc:none", "-implicit:none", "-nowarn", "-Xmaxerrs", "100000", "-encoding", "UTF-8"));
        files.forEach(path -> arguments.add(path.toString()));
        StringWriter output = new StringWriter();
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (PrintWriter writer = new PrintWriter(output)) {
            javac.run(writer, writer, arguments.toArray(String[]::new));
        }
        Map<Path, List<String>> errors = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : output.toString().split("\\R")) {
            Matcher header = ERROR_HEADER.matcher(line);
            if (header.matches()) {
                current = errors.computeIfAbsent(Path.of(header.group(1)), f -> new ArrayList<>());
                current.add(Integer.parseInt(header.group(2)) - 1 + "\u0000" + header.group(3));
            } else if (current != null && (line.strip().startsWith("symbol:") || line.strip().startsWith("location:")
                    || line.strip().startsWith("required:") || line.strip().startsWith("found:")
                    || line.strip().startsWith("reason:"))) {
                int last = current.size() - 1;
                current.set(last, current.get(last) + "\n" + line.strip());
            } else if (line.matches("^\\d+ errors?$") || line.contains(": warning: ")) {
                current = null;
            }
        }
        if (errors.isEmpty() && output.toString().contains("error")) {
            throw new IllegalStateException("javac failed without a diagnostic of a snippet:\n" + output);
        }
        return errors;
    }

    /** Surefire's real test class path (its own java.class.path may be a manifest-only jar). */
    public static String testClassPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    // ------------------------------------------------------------------ running

    private void runMains(Map<Block, Shape> compiled, List<Block> blocks, Map<Block, Throwable> failures,
            List<Block> ran) {
        Map<Path, Block> files = new LinkedHashMap<>();
        for (Map.Entry<Block, Shape> entry : compiled.entrySet()) {
            Block block = entry.getKey();
            if (!runnable(block, entry.getValue())) {
                continue;
            }
            int index = blocks.indexOf(block);
            String source = Objects.requireNonNull(wrap(block, entry.getValue(), index));
            files.put(write(block, entry.getValue(), index, source), block);
        }
        if (files.isEmpty()) {
            return;
        }
        Path out = work.resolve("classes-run");
        Map<Path, List<String>> errors = compile(files.keySet(), out);
        if (!errors.isEmpty()) {
            throw new IllegalStateException("blocks that compiled one by one do not compile together: " + errors);
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {out.toUri().toURL()}, Snippets.class.getClassLoader())) {
            for (Block block : files.values()) {
                int index = blocks.indexOf(block);
                Throwable failure = fixture == null ? runMain(loader, packageOf(index))
                        : runExample(loader, packageOf(index) + "." + className(block, index), block);
                ran.add(block);
                if (failure != null) {
                    failures.put(block, failure);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Self-contained blocks run when they declare {@code main}; fragments on a fixture run when
     * they compiled as a method body ({@code example()}).
     */
    private boolean runnable(Block block, Shape shape) {
        if (fixture == null) {
            return block.text().matches("(?s).*\\bvoid main\\s*\\(.*");
        }
        return shape == Shape.VOID_METHOD || shape == Shape.VALUE_METHOD || shape == Shape.MEMBERS_THEN_STATEMENTS;
    }

    /** "// ... throws SomeException" at the end of a comment, or followed by ':' or '.'. */
    private static final Pattern EXPECTED = Pattern.compile("//.*\\bthrows (\\w+)(?:[:.].*)?$", Pattern.MULTILINE);

    /**
     * Runs a fragment's {@code example()} on a new instance of its class (the fixture), then closes
     * the instance if the fixture is {@link AutoCloseable}. A fragment whose comment ends with
     * {@code throws SomeException} (or continues after it with ':' or '.') must throw that; any
     * other must return normally.
     */
    private static @Nullable Throwable runExample(ClassLoader loader, String className, Block block) {
        try {
            Class<?> type = Class.forName(className, true, loader);
            Method example = type.getDeclaredMethod("example");
            Throwable thrown = invoke(type, example);
            Matcher expected = EXPECTED.matcher(block.text());
            if (expected.find()) {
                String name = expected.group(1);
                if (thrown == null || !thrown.getClass().getSimpleName().equals(name)) {
                    return new AssertionError("the example says it throws " + name + ", but it "
                            + (thrown == null ? "returned normally" : "threw " + thrown), thrown);
                }
                return null;
            }
            return thrown;
        } catch (Exception e) {
            return e;
        }
    }

    /** Runs the first main method found in the package's classes; returns what it threw. */
    private static @Nullable Throwable runMain(ClassLoader loader, String pkg) {
        try {
            Path dir = Path.of(((URLClassLoader) loader).getURLs()[0].toURI()).resolve(pkg);
            List<String> names;
            try (Stream<Path> files = Files.list(dir)) {
                names = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".class"))
                        .map(n -> pkg + "." + n.substring(0, n.length() - ".class".length())).sorted().toList();
            }
            for (String name : names) {
                Class<?> type = Class.forName(name, false, loader);
                for (Method method : type.getDeclaredMethods()) {
                    if (method.getName().equals("main") && method.getReturnType() == void.class
                            && (method.getParameterCount() == 0 || (method.getParameterCount() == 1
                                    && method.getParameterTypes()[0] == String[].class))) {
                        return invoke(type, method);
                    }
                }
            }
            return new AssertionError("no main method found in " + names);
        } catch (Exception e) {
            return e;
        }
    }

    /** An example that blocks for good is a bug of the example or of its fixture; fail it soon. */
    private static final long RUN_LIMIT_MILLIS = 20_000;

    private static @Nullable Throwable invoke(Class<?> type, Method method) throws Exception {
        method.setAccessible(true);
        Object target = null;
        Object[] arguments = method.getParameterCount() == 0 ? new Object[0] : new Object[] {new String[0]};
        AtomicReference<@Nullable Throwable> thrown = new AtomicReference<>();
        Object receiver = target;
        Thread runner = Thread.ofPlatform().name("snippet-main").start(() -> {
            Object instance = receiver;
            try {
                if (instance == null && !Modifier.isStatic(method.getModifiers())) {
                    var constructor = type.getDeclaredConstructor();   // on this thread: it owns the fixture's scope
                    constructor.setAccessible(true);
                    instance = constructor.newInstance();
                }
                method.invoke(instance, arguments);
            } catch (java.lang.reflect.InvocationTargetException e) {
                thrown.set(e.getCause());
            } catch (Throwable e) {
                thrown.set(e);
            } finally {
                if (instance instanceof AutoCloseable closeable) {
                    try {
                        closeable.close();
                    } catch (Exception e) {
                        if (thrown.get() == null) {
                            thrown.set(e);
                        }
                    }
                }
            }
        });
        runner.join(RUN_LIMIT_MILLIS);
        if (runner.isAlive()) {
            runner.interrupt();
            return new AssertionError("the example did not end within " + RUN_LIMIT_MILLIS / 1000 + " s");
        }
        return thrown.get();
    }

    // ------------------------------------------------------------------ reporting

    /** A readable report of every failure, or the empty string. */
    public static String failures(List<Result> results) {
        StringBuilder report = new StringBuilder();
        for (Result result : results) {
            Block block = result.block();
            if (block.mustFail()) {
                if (result.compiled()) {
                    report.append(block.where(1)).append(": the block says it does not compile, but it compiles as ")
                            .append(result.shape()).append('\n');
                }
                continue;
            }
            if (!result.compiled()) {
                report.append(block.where(1)).append(": the block does not compile (its first line is")
                        .append(" this line of the file):\n");
                for (String error : result.errors()) {
                    int cut = error.indexOf('\u0000');
                    int line = Integer.parseInt(error.substring(0, cut));
                    String where = line >= 1 && line <= block.lines().size() ? block.where(line) : block.where(1);
                    report.append("    ").append(where).append(": ")
                            .append(error.substring(cut + 1).replace("\n", "\n      ")).append('\n');
                }
            }
            Throwable failure = result.runFailure();
            if (failure != null) {
                java.io.StringWriter trace = new java.io.StringWriter();
                failure.printStackTrace(new java.io.PrintWriter(trace));
                report.append(block.where(1)).append(": the block compiles, but running it threw ")
                        .append(trace).append('\n');
            }
        }
        return report.toString();
    }
}

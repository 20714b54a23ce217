package org.robustmri.cli;

import org.robustmri.io.DataException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** The {@code robustmri} command line: each subcommand parses, calls the library and prints. */
@Command(name = "robustmri", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Deep-learning reconstruction of accelerated MRI and its robustness to distribution shift.",
        subcommands = {InfoCommand.class, MaskCommand.class, ZerofillCommand.class, MetricsCommand.class, ModelsCommand.class, TrainCommand.class, ReconstructCommand.class, EvaluateCommand.class, BenchCommand.class,
                CatalogCommand.class, SelectCommand.class, SimulateCommand.class, ExperimentCommand.class,
                ReportCommand.class, DemoCommand.class, SimilarityCommand.class, ConvertCommand.class, ExportCommand.class, ExportModelCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    public static final int EXIT_DATA = 1;
    public static final int EXIT_USAGE = 2;

    /** Set by {@code --debug} (anywhere on the command line) or {@code ROBUSTMRI_DEBUG=1}: errors print their stack trace. */
    private static volatile boolean debug;
    private static volatile boolean finished;

    public static void main(String[] args) {
        Runtime.getRuntime().addShutdownHook(new Thread(Main::onSignal, "robustmri-interrupted"));
        int code = run(args);
        finished = true;
        System.exit(code);
    }

    /** Runs the CLI and returns the exit code (0 ok, 1 data error, 2 usage error). */
    public static int run(String... args) {
        List<String> rest = new ArrayList<>();
        boolean d = "1".equals(System.getenv("ROBUSTMRI_DEBUG"));
        for (String a : args) {
            if (a.equals("--debug")) d = true;
            else rest.add(a);
        }
        debug = d;
        return commandLine().execute(rest.toArray(String[]::new));
    }

    /**
     * A JVM that ends before {@link #main} returned was stopped by a signal (SIGINT, SIGTERM, SIGHUP): every result is
     * written atomically, so say what is left and how to go on.
     */
    private static void onSignal() {
        if (finished) return;
        System.err.println();
        System.err.println("interrupted; finished work is kept, re-run the same command to resume");
        System.err.flush();
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("error: " + oneLine(ex));
            if (debug) ex.printStackTrace(cmd.getErr());
            cmd.getErr().flush();
            return exitCode(ex);
        });
        return cli;
    }

    /** 2 for usage and config errors, 1 for data, I/O and every other failure. */
    static int exitCode(Throwable ex) {
        if (ex instanceof UsageException) return EXIT_USAGE;
        if (ex instanceof DataException || ex instanceof UncheckedIOException) return EXIT_DATA;
        if (ex instanceof IllegalArgumentException) return EXIT_USAGE;
        return EXIT_DATA;
    }

    /**
     * The error as one line: its own words, or those of the I/O failure inside a library (a full disk under the HDF5
     * writer), or the kind of failure when it has none; a multi-line message (a native backtrace) keeps its first line.
     */
    static String oneLine(Throwable ex) {
        String m = ex.getMessage();
        if (!(ex instanceof UsageException || ex instanceof DataException || ex instanceof IllegalArgumentException)) {
            for (Throwable c = ex.getCause(); c != null; c = c.getCause()) {
                if (c instanceof java.io.IOException io) return (m == null ? "" : firstLine(m) + ": ") + io.getMessage();
            }
        }
        if (m == null || m.isBlank()) {
            return ex instanceof OutOfMemoryError ? "out of memory (raise -Xmx through ROBUSTMRI_JAVA_OPTS)"
                    : "internal error: " + ex.getClass().getName() + " (run with --debug for the stack trace)";
        }
        boolean ours = ex instanceof UsageException || ex instanceof DataException || ex instanceof IllegalArgumentException
                || ex instanceof IllegalStateException || ex instanceof UncheckedIOException;
        return (ours ? "" : ex.getClass().getSimpleName() + ": ") + firstLine(m);
    }

    private static String firstLine(String m) {
        return m.strip().lines().findFirst().orElse(m);
    }

    /** Invalid combination of arguments (exit code 2). */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[]{"robustmri " + (v == null ? "dev" : v)};
        }
    }
}

package org.robustmri.cli;

import org.robustmri.io.DataException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.UncheckedIOException;

/** The {@code robustmri} command line: each subcommand parses, calls the library and prints. */
@Command(name = "robustmri", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Deep-learning reconstruction of accelerated MRI and its robustness to distribution shift.",
        subcommands = {InfoCommand.class, MaskCommand.class, ZerofillCommand.class, MetricsCommand.class, ModelsCommand.class, TrainCommand.class, ReconstructCommand.class, EvaluateCommand.class, BenchCommand.class,
                CatalogCommand.class, SelectCommand.class, SimulateCommand.class, ExperimentCommand.class,
                ReportCommand.class, DemoCommand.class, SimilarityCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    public static final int EXIT_DATA = 1;
    public static final int EXIT_USAGE = 2;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns the exit code (0 ok, 1 data error, 2 usage error). */
    public static int run(String... args) {
        CommandLine cli = commandLine();
        return cli.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof UsageException) {
                cmd.getErr().println("error: " + ex.getMessage());
                return EXIT_USAGE;
            }
            if (ex instanceof DataException || ex instanceof UncheckedIOException) {
                cmd.getErr().println("error: " + ex.getMessage());
                return EXIT_DATA;
            }
            if (ex instanceof IllegalArgumentException) {
                cmd.getErr().println("error: " + ex.getMessage());
                return EXIT_USAGE;
            }
            // an I/O failure deep inside a library (e.g. a full disk under the HDF5 writer): one line, its words
            for (Throwable c = ex.getCause(); c != null; c = c.getCause()) {
                if (c instanceof java.io.IOException io) {
                    cmd.getErr().println("error: " + (ex.getMessage() == null ? "" : ex.getMessage() + ": ") + io.getMessage());
                    return EXIT_DATA;
                }
            }
            throw ex;
        });
        return cli;
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

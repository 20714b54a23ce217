package org.robustmri.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the CLI in-process and captures its output, for tests of any package. */
public final class CliTestSupport {
    private CliTestSupport() {
    }

    public record Result(int code, String out, String err) {
    }

    /** Every command and subcommand path the CLI registers (e.g. {@code bench plan}), except {@code help}. */
    public static java.util.List<java.util.List<String>> commandPaths() {
        java.util.List<java.util.List<String>> out = new java.util.ArrayList<>();
        collect(Main.commandLine(), new java.util.ArrayList<>(), out);
        return out;
    }

    private static void collect(CommandLine cli, java.util.List<String> path, java.util.List<java.util.List<String>> out) {
        for (var e : cli.getSubcommands().entrySet()) {
            if (e.getKey().equals("help")) continue;
            java.util.List<String> p = new java.util.ArrayList<>(path);
            p.add(e.getKey());
            out.add(p);
            collect(e.getValue(), p, out);
        }
    }

    public static Result run(String... args) {
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}

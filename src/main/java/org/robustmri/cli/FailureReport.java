package org.robustmri.cli;

import org.robustmri.io.FailureList;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/** How a folder run that went on past bad files says so: one line a file, the list's path, exit code 1. */
final class FailureReport {
    private FailureReport() {
    }

    static int exitCode(CommandLine cli, List<FailureList.Failure> failures, Path errors) {
        if (failures.isEmpty()) return 0;
        PrintWriter err = cli.getErr();
        for (FailureList.Failure f : failures) err.println("failed: " + f.reason());
        err.println("error: " + failures.size() + " file(s) failed; listed in " + errors);
        err.flush();
        return Main.EXIT_DATA;
    }
}

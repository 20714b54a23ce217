package org.robustmri.cli;

import org.robustmri.io.FileInspection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(mixinStandardHelpOptions = true, name = "info", description = {"Shapes, dtypes, attributes, parsed ISMRMRD header and padding of a fastMRI-format file;",
        "a part that cannot be read is listed under problems (exit code 1) while the rest is still shown."})
final class InfoCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE.h5", description = "A fastMRI-layout HDF5 file.")
    Path file;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        FileInspection.Inspected r = FileInspection.inspect(file);
        Map<String, Object> info = new LinkedHashMap<>(r.info());
        if (!r.problems().isEmpty()) info.put("problems", r.problems());
        var out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.write(info));
        } else {
            printText(info, "", out);
        }
        if (r.problems().isEmpty()) return 0;
        spec.commandLine().getErr().println("error: " + file + ": " + r.problems().size() + " problem(s): " + String.join("; ", r.problems()));
        return Main.EXIT_DATA;
    }

    @SuppressWarnings("unchecked")
    private static void printText(Map<String, Object> m, String indent, java.io.PrintWriter out) {
        for (Map.Entry<String, Object> e : m.entrySet()) {
            Object v = e.getValue();
            if (v instanceof Map<?, ?> sub) {
                out.println(indent + e.getKey() + ":");
                printText((Map<String, Object>) sub, indent + "  ", out);
            } else if (v instanceof List<?> l) {
                out.println(indent + e.getKey() + ":");
                for (Object o : l) out.println(indent + "  - " + o);
            } else if (v instanceof double[] a) {
                out.println(indent + e.getKey() + ": " + java.util.Arrays.toString(a));
            } else if (v instanceof int[] a) {
                out.println(indent + e.getKey() + ": " + java.util.Arrays.toString(a));
            } else {
                out.println(indent + e.getKey() + ": " + v);
            }
        }
    }
}

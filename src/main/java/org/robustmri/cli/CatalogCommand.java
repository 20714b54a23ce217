package org.robustmri.cli;

import org.robustmri.data.CatalogScanner;
import org.robustmri.io.DataException;
import org.robustmri.io.Provenance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(mixinStandardHelpOptions = true, name = "catalog", description = {
        "Writes a catalog CSV of fastMRI-layout files, one row per volume, with the paper's columns (folderDirectory, filename, start_slice, end_slice, protocolName, systemModel, systemFieldStrength_T, receiverChannels, institutionName, sequence_type, encodeX, encodeY, reconX, reconY, numSlices, datasetName) plus patient_id, anatomy, header_hash and contrast.",
        "Reads headers, attributes and dataset shapes only, in parallel. Unreadable files are skipped and listed in <out>_errors.csv."})
final class CatalogCommand implements Callable<Integer> {
    private static final int SHOWN_FAILURES = 20;

    @Parameters(paramLabel = "DIR|FILE", arity = "1..*", description = "Folders (searched recursively for .h5 files) or files.")
    List<Path> inputs;

    @Option(names = "--out", required = true, paramLabel = "CATALOG.csv", description = "The catalog to write.")
    Path out;

    @Option(names = "--threads", paramLabel = "N", description = "Files read in parallel (default: the number of processors).")
    Integer threads;

    @Option(names = "--dataset-name", paramLabel = "NAME",
            description = "datasetName for files without a dataset_name attribute (default: the name of each file's folder).")
    String datasetName;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (threads != null && threads < 1) throw new Main.UsageException("--threads must be at least 1, got " + threads);
        if (Files.isDirectory(out)) throw new Main.UsageException("--out must be a file, not the directory " + out);
        CatalogScanner.Options options = CatalogScanner.Options.defaults().withDatasetName(datasetName);
        if (threads != null) options = options.withThreads(threads);
        long t0 = System.nanoTime();
        List<org.robustmri.io.FailureList.Failure> unlisted = new ArrayList<>();
        List<Path> found = CatalogScanner.findFiles(inputs, unlisted);
        if (found.isEmpty()) throw new DataException(inputs.get(0), "no .h5 files" + (inputs.size() > 1 ? " in any of the " + inputs.size() + " inputs" : ""));
        CatalogScanner.Result scanned;
        try (ProgressBar bar = new ProgressBar("catalog", found.size(), "files")) {
            scanned = CatalogScanner.scanFiles(found, options.withProgress(p -> bar.step()));
        }
        unlisted.addAll(scanned.failures());
        CatalogScanner.Result result = new CatalogScanner.Result(scanned.catalog(), unlisted, scanned.filesSeen(), System.nanoTime() - t0);
        PrintWriter err = spec.commandLine().getErr();
        Path errors = errorsPath(out);
        if (result.catalog().isEmpty()) {
            if (!result.failures().isEmpty()) result.writeFailures(errors);
            throw new DataException(inputs.get(0), "none of the " + result.filesSeen() + " .h5 file(s) could be read"
                    + (result.failures().isEmpty() ? "" : ", e.g. " + result.failures().get(0).file() + ": "
                    + result.failures().get(0).reason() + " (all reasons in " + errors + ")"));
        }
        result.catalog().write(out);
        if (result.failures().isEmpty()) {
            deleteStale(errors);
        } else {
            result.writeFailures(errors);
            List<org.robustmri.io.FailureList.Failure> fs = result.failures();
            for (int i = 0; i < Math.min(SHOWN_FAILURES, fs.size()); i++) {
                err.println("skipped " + fs.get(i).file() + ": " + fs.get(i).reason());
            }
            if (fs.size() > SHOWN_FAILURES) err.println("... and " + (fs.size() - SHOWN_FAILURES) + " more");
            err.println(fs.size() + " file(s) could not be read; reasons in " + errors);
            err.flush();
        }
        new Provenance("catalog")
                .put("inputs", inputs.stream().map(Path::toString).toList())
                .put("files", result.filesSeen())
                .put("volumes", result.catalog().size())
                .put("failures", result.failures().size())
                .put("columns", result.catalog().columns())
                .put("header_hash", "first 16 hex digits of SHA-256 of the trimmed ismrmrd_header XML")
                .write(out.resolveSibling(out.getFileName() + ".provenance.json"));
        spec.commandLine().getOut().printf(Locale.ROOT, "catalogued %d volume(s), %d slice(s) from %d file(s) in %.2f s (%.0f files/s) to %s%s%n",
                result.catalog().size(), result.catalog().totalSlices(), result.filesSeen(), result.nanos() / 1e9,
                result.filesPerSecond(), out, result.failures().isEmpty() ? "" : "; " + result.failures().size() + " failed");
        return 0;
    }

    /** {@code catalog.csv} -> {@code catalog_errors.csv} beside it. */
    static Path errorsPath(Path out) {
        String name = out.getFileName().toString();
        String stem = name.toLowerCase(Locale.ROOT).endsWith(".csv") ? name.substring(0, name.length() - 4) : name;
        return out.resolveSibling(stem + "_errors.csv");
    }

    private static void deleteStale(Path errors) {
        try {
            Files.deleteIfExists(errors);
        } catch (IOException e) {
            throw new UncheckedIOException(errors + ": cannot remove the errors of an earlier run: " + e.getMessage(), e);
        }
    }
}

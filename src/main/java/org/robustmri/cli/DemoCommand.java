package org.robustmri.cli;

import org.robustmri.experiment.ExperimentConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import org.robustmri.io.AtomicFiles;
import org.robustmri.io.OutputDirectory;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(mixinStandardHelpOptions = true, name = "demo", description = {"The embedded default study: simulates 7 distributions (anatomy, contrast and field-strength shifts),",
        "trains a U-Net (three seeds) and a ViT (two) on 5 single distributions, their mixture (at single-set size and as the",
        "union) and a P+Q pair, and an E2E-VarNet on the knee pair and its parts; evaluates every checkpoint on all 7 test",
        "sets (2 held out from training) and on a real brain scan, and builds the report (about 12 minutes on 2 cores).",
        "Re-running continues where it stopped."})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "A smoke version: all three architectures, 2 epochs on tiny images (about 11 s on 2 cores).")
    boolean quick;

    @Option(names = "--out", paramLabel = "DIR", description = "Experiment directory (default: experiments/demo or experiments/demo-quick).")
    Path out;

    @Option(names = "--fresh", description = "Delete a previous demo directory first instead of continuing it.")
    boolean fresh;

    @Option(names = "--data-root", paramLabel = "DIR", description = "Where the files named by the study's catalogs are, when not inside the study.")
    Path dataRoot;

    @Option(names = "--accept-changed-data", description = "Continue although inputs changed since the study recorded them (the record is renewed).")
    boolean acceptChangedData;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        String resource = quick ? "demo-quick.yaml" : "demo.yaml";
        Path dir = out != null ? out : Path.of("experiments", quick ? "demo-quick" : "demo");
        if (fresh && OutputDirectory.holds(dir, OutputDirectory.Kind.STUDY)) deleteTree(dir);
        OutputDirectory.claim(dir, OutputDirectory.Kind.STUDY);
        Path cfgFile = dir.resolve("demo-config.yaml");
        byte[] config;
        try (InputStream in = DemoCommand.class.getResourceAsStream("/org/robustmri/experiment/" + resource)) {
            if (in == null) throw new IllegalStateException("missing resource " + resource);
            config = in.readAllBytes();
        }
        AtomicFiles.write(cfgFile, tmp -> Files.write(tmp, config));
        if (!quick) writeRealScan(dir.resolve("real-kspace"));
        ExperimentConfig cfg = ExperimentConfig.read(cfgFile);
        return ExperimentCommand.runExperiment(cfg, dir.toAbsolutePath(), dir, dataRoot, false, true, false, false, null,
                acceptChangedData, spec.commandLine().getOut());
    }

    /** The real brain scan the demo tests on, with its catalog and licence, from the jar (unchanged files are left alone). */
    private static void writeRealScan(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String name : List.of("pulseq_invivo_brain_16ch.h5", "catalog.csv", "LICENSE-pulseq-MR-Physics-with-Pulseq.txt")) {
            byte[] bytes;
            try (InputStream in = DemoCommand.class.getResourceAsStream("/org/robustmri/experiment/real-kspace/" + name)) {
                if (in == null) throw new IllegalStateException("missing resource real-kspace/" + name);
                bytes = in.readAllBytes();
            }
            Path file = dir.resolve(name);
            if (Files.isRegularFile(file) && java.util.Arrays.equals(Files.readAllBytes(file), bytes)) continue;
            AtomicFiles.write(file, tmp -> Files.write(tmp, bytes));
        }
    }

    static void deleteTree(Path dir) {
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot delete: " + e.getMessage(), e);
        }
    }
}

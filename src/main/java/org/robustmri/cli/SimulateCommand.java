package org.robustmri.cli;

import org.robustmri.io.Provenance;
import org.robustmri.sim.DistributionRecipe;
import org.robustmri.sim.DistributionLibrary;
import org.robustmri.eval.Preview;
import org.robustmri.sim.SimulatedVolume;
import org.robustmri.sim.SimulationRun;
import org.robustmri.tensor.Torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.robustmri.sim.ScannerFit;

@Command(mixinStandardHelpOptions = true, name = "simulate", description = {
        "Simulates fully sampled multi-coil k-space volumes of named MRI distributions in fastMRI layout",
        "(k-space (slices, coils, 2M, M), RSS target, ISMRMRD header), deterministic for a seed and any thread count.",
        "Distributions come from the built-in library (see --list) and optionally a YAML file (--library)."})
final class SimulateCommand implements Callable<Integer> {
    @Option(names = "--distributions", split = ",", paramLabel = "NAME",
            description = "Distributions to simulate, comma-separated (see --list).")
    List<String> distributions;

    @Option(names = "--volumes", defaultValue = "1", paramLabel = "N", description = "Volumes per distribution (default: ${DEFAULT-VALUE}).")
    int volumes;

    @Option(names = "--slices", defaultValue = "16", paramLabel = "S", description = "Slices per volume (default: ${DEFAULT-VALUE}).")
    int slices;

    @Option(names = "--matrix", defaultValue = "128", paramLabel = "M",
            description = "Target size M (even); k-space is 2M x M with readout oversampling (default: ${DEFAULT-VALUE}).")
    int matrix;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "K", description = "Global seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory for sim_<distribution>_<index>.h5 and provenance.json.")
    Path out;

    @Option(names = "--library", paramLabel = "FILE.yaml",
            description = "Extra distributions; entries with a built-in name override the keys they give.")
    Path library;

    @Option(names = "--preview", paramLabel = "FILE.png",
            description = "Also write a PNG with the middle slice of the first volume of each distribution: target and 4x zero-filled.")
    Path preview;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "T",
            description = "Worker threads; 0 = one per core (default: ${DEFAULT-VALUE}). The output does not depend on it.")
    int threads;

    @Option(names = "--list", description = "List the known distributions and exit.")
    boolean list;

    @Option(names = "--fit-to", split = ",", paramLabel = "REAL.h5", description = {"Fit a distribution to real scans (fastMRI layout, one receive array):",
            "coils, field strength and field of view from the headers, noise level and correlation from k-space, coils per object pixel",
            "(sensitivity width); the simulator's snr, noise_correlation and coil_loop_scale calibrated so the simulated statistics match;",
            "prints the entry and writes it with --fit-out."})
    List<Path> fitTo;

    @Option(names = "--fit-base", defaultValue = "brain-gre-3T-16ch", paramLabel = "NAME",
            description = "Library entry the fitted one derives from: anatomy and contrast (default: ${DEFAULT-VALUE}).")
    String fitBase;

    @Option(names = "--fit-name", paramLabel = "NAME", description = "Name of the fitted entry (default: fitted-<first file's stem>).")
    String fitName;

    @Option(names = "--fit-out", paramLabel = "FILE.yaml", description = "Write the fitted entry as a library file (use it with --library).")
    Path fitOut;

    @Option(names = "--fit-coil-width", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Fit coil_loop_scale to the coils per pixel (default: ${DEFAULT-VALUE}); --no-fit-coil-width keeps the base entry's.")
    boolean fitCoilWidth;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        DistributionLibrary lib = DistributionLibrary.load(library);
        if (list) {
            for (DistributionRecipe d : lib.all()) {
                out.printf(Locale.ROOT, "%-26s %-5s %-6s %4.1fT %2dch TR %5.0f TE %4.0f TI %5.0f snr %5.1f  %s%n", d.name(),
                        d.anatomy().id(), d.contrast().id(), d.fieldStrengthT(), d.coils(), d.trMs(), d.teMs(), d.tiMs(),
                        d.snr(), d.description());
            }
            return 0;
        }
        if (fitTo != null) return fit(lib, out);
        if (distributions == null || distributions.isEmpty()) {
            throw new Main.UsageException("--distributions is required (known: " + String.join(", ", lib.names()) + ")");
        }
        if (this.out == null) throw new Main.UsageException("--out DIR is required");
        if (Files.exists(this.out) && !Files.isDirectory(this.out)) {
            throw new Main.UsageException("--out " + this.out + " exists and is not a directory");
        }
        if (preview != null && !preview.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
            throw new Main.UsageException("--preview must name a .png file, got " + preview);
        }
        if (threads < 0) throw new Main.UsageException("--threads must not be negative, got " + threads);
        List<DistributionRecipe> chosen = lib.resolve(distributions);
        int workers = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
        SimulationRun.Settings settings = new SimulationRun.Settings(volumes, slices, matrix, seed, workers);

        SimulationRun.Result result;
        long total = (long) chosen.size() * volumes * slices;
        int torchThreads = Torch.threads();
        Torch.setThreads(1); // parallel over slices and volumes; one libtorch thread per worker
        org.robustmri.io.OutputDirectory.claim(this.out, org.robustmri.io.OutputDirectory.Kind.SIMULATION);
        try (org.robustmri.io.DirectoryLock lock = org.robustmri.io.DirectoryLock.acquire(this.out);
             ProgressBar bar = new ProgressBar("simulate", total, "slices")) {
            org.robustmri.io.AtomicFiles.removeStaleTemporaries(this.out);
            result = SimulationRun.run(chosen, settings, this.out, bar::step);
        } finally {
            Torch.setThreads(torchThreads);
        }

        List<Map<String, Object>> params = new ArrayList<>();
        for (DistributionRecipe d : chosen) params.add(d.toMap());
        Map<String, Object> sizes = new LinkedHashMap<>();
        sizes.put("volumes_per_distribution", volumes);
        sizes.put("slices", slices);
        sizes.put("matrix", matrix);
        sizes.put("kspace_shape", List.of(slices, "coils", 2 * matrix, matrix));
        new Provenance("simulate")
                .put("seed", seed)
                .put("simulator_version", SimulatedVolume.MODEL_VERSION)
                .put("library", library == null ? "built-in" : "built-in + " + library.getFileName())
                .put("sizes", sizes)
                .put("distributions", params)
                .put("method", "procedural anatomy rendered on a grid 2x finer than the output, signal equations, coil "
                        + "sensitivities, centred FFT on the fine grid, central (2M, M) k-space block, correlated complex "
                        + "Gaussian noise; target = RSS of the centre-cropped ifft2c of the noisy fully sampled k-space")
                .put("threads", workers)
                .put("outputs", result.files().stream().map(p -> p.getFileName().toString()).toList())
                .write(this.out.resolve("provenance.json"));

        if (preview != null) {
            List<Path> firsts = new ArrayList<>();
            for (int k = 0; k < chosen.size(); k++) firsts.add(result.files().get(k * volumes));
            Preview.write(preview, firsts);
        }
        out.printf(Locale.ROOT, "wrote %d volume(s), %d slices, to %s in %.1f s: %.1f slices/s (thread time: simulation %.1f s, writing %.1f s)%n",
                result.files().size(), result.slices(), this.out, result.wallSeconds(), result.slicesPerSecond(),
                result.simulateSeconds(), result.writeSeconds());
        if (preview != null) out.println("preview: " + preview);
        return 0;
    }

    private int fit(DistributionLibrary lib, PrintWriter out) {
        String stem = fitTo.get(0).getFileName().toString().replaceFirst("\\.h5$", "");
        String name = fitName != null ? fitName : "fitted-" + stem.replaceAll("[^A-Za-z0-9._-]", "-");
        ScannerFit.Measured m = ScannerFit.measure(fitTo);
        ScannerFit.Fit f = ScannerFit.fit(name, lib.get(fitBase), lib, m, matrix, fitCoilWidth);
        out.printf(Locale.ROOT, "measured on %d file(s): %d coils, %s T, field of view %s mm, image SNR %.1f, noise correlation %.2f, %.2f coils per pixel%n",
                m.files(), m.coils(), m.fieldStrengthT(), m.fovMm(), m.imageSnr(), m.noiseCorrelation(), m.coilsPerPixel());
        out.printf(Locale.ROOT, "%s at snr %.1f simulates image SNR %.1f: snr set to %.2f%n", fitBase, f.baseSnr(), f.simulatedImageSnrAtBase(), f.snr());
        if (!Double.isNaN(f.coilLoopScale())) {
            out.printf(Locale.ROOT, "%s simulates %.2f coils per pixel: coil_loop_scale set to %.3f%n", fitBase, f.simulatedCoilsPerPixelAtBase(), f.coilLoopScale());
        }
        String yaml = f.yaml(fitTo);
        out.print(yaml);
        out.flush(); // print does not flush an auto-flushing writer; without --fit-out nothing else would
        if (fitOut != null) {
            org.robustmri.io.AtomicFiles.writeString(fitOut, yaml);
            out.println("wrote " + fitOut + " (simulate --library " + fitOut + " --distributions " + name + ")");
        }
        return 0;
    }
}

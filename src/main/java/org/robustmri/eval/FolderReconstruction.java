package org.robustmri.eval;

import org.robustmri.data.VolumeInfo;
import org.robustmri.io.FailureList;
import org.robustmri.io.FailureList.Failure;
import org.robustmri.io.DataException;
import org.robustmri.io.FastMriFile;
import org.robustmri.io.OutputDirectory;
import org.robustmri.io.Provenance;
import org.robustmri.mask.MaskFunction;
import org.robustmri.model.ReconstructionModel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.stream.Stream;

/**
 * Reconstructs one file, or every {@code .h5} file of a folder, into fastMRI reconstruction files with a provenance
 * JSON: the one way {@code zerofill} and {@code reconstruct} write their outputs. Output folders are robustmri's own
 * ({@link OutputDirectory}); each file appears atomically. A folder run goes on past a file that fails and lists it,
 * with a one-line reason, in {@value #ERRORS}; provenance is written either way.
 */
public final class FolderReconstruction {
    public static final String ERRORS = "errors.csv";

    private FolderReconstruction() {
    }

    /** What a run wrote, what failed, and where its provenance is. */
    public record Result(List<Path> written, List<Failure> failures, Path provenance, Path errors) {
    }

    /**
     * What a run will do: the readable inputs and their slices, the unreadable ones of a folder; the output is the folder
     * {@code out} (outputs named as their inputs, {@code provenance.json}, {@value #ERRORS}) unless {@code fileOutput}
     * names the one output file (its provenance beside it as {@code NAME.provenance.json}).
     */
    public record Plan(boolean folder, List<Path> inputs, List<Failure> unreadable, long slices, Path out, boolean fileOutput,
                       List<String> warnings, int[] crop) {
    }

    /**
     * Checks the inputs before anything is written: every readable input's slices (for a progress bar); a single file
     * that cannot be read fails here, a folder's unreadable files are set aside as failures. {@code out} is a folder
     * when the input is one, when {@code outIsFolder}, or when it exists as a folder; else the output file.
     */
    public static Plan plan(Path input, Path out, boolean outIsFolder) {
        return plan(input, out, outIsFolder, null);
    }

    /** As above, reconstructing at {@code crop} (h, w) instead of each file's own size (null: the file's). */
    public static Plan plan(Path input, Path out, boolean outIsFolder, int[] crop) {
        boolean folder = Files.isDirectory(input);
        if (!folder && !Files.isRegularFile(input)) throw new DataException(input, "no such file or directory");
        List<Path> files = folder ? listH5(input) : List.of(input);
        if (files.isEmpty()) throw new DataException(input, "no .h5 files");
        boolean fileOutput = !folder && !outIsFolder && !Files.isDirectory(out);
        if (!fileOutput && Files.isRegularFile(out)) throw new IllegalArgumentException("--out " + out + " must be a directory");
        List<Path> readable = new ArrayList<>();
        List<Failure> unreadable = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        long slices = 0;
        for (Path p : files) {
            try (FastMriFile f = FastMriFile.open(p)) {
                if (crop == null) {
                    VolumeInfo.checkScorable(f);
                    VolumeInfo.cropNote(f).ifPresent(warnings::add);
                } else {
                    VolumeInfo.inspect(0, null, f).withCrop(crop);
                    if (crop[0] < 7 || crop[1] < 7) throw new DataException(p, "--crop is smaller than SSIM's 7x7 window");
                }
                VolumeInfo.targetHeaderMismatch(f).ifPresent(warnings::add);
                slices += f.kspace().slices();
                readable.add(p);
            } catch (DataException e) {
                if (!folder) throw e;
                unreadable.add(Failure.of(p, e));
            }
        }
        return new Plan(folder, readable, unreadable, slices, out, fileOutput, warnings, crop);
    }

    /**
     * Reconstructs the planned inputs with {@code model} and writes provenance ({@code command}, the model's and mask's
     * specs, inputs, outputs, failures, plus {@code fields}).
     */
    public static Result run(String command, ReconstructionModel model, MaskFunction mask, Plan plan,
                             Map<String, Object> fields, IntConsumer onSlice) {
        return runGrid(command, List.of(model), List.of(plan.out()), mask, plan, List.of(fields), onSlice).get(0);
    }

    /**
     * Several models over the planned inputs, model i into folder {@code outs[i]} with {@code fields[i]} in its
     * provenance: input by input, every model in turn, so work a model keeps per input (coil maps) is done once.
     */
    public static List<Result> runGrid(String command, List<ReconstructionModel> models, List<Path> outs, MaskFunction mask, Plan plan,
                                       List<Map<String, Object>> fields, IntConsumer onSlice) {
        if (plan.fileOutput() && models.size() != 1) throw new IllegalArgumentException("several models need an output folder");
        int n = models.size();
        List<List<Path>> written = new ArrayList<>();
        List<List<Failure>> failures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (plan.fileOutput()) refuseForeignFile(outs.get(i));
            else OutputDirectory.claim(outs.get(i), OutputDirectory.Kind.RECONSTRUCTIONS);
            written.add(new ArrayList<>());
            failures.add(new ArrayList<>(plan.unreadable()));
        }
        for (Path in : plan.inputs()) {
            for (int i = 0; i < n; i++) {
                Path target = plan.fileOutput() ? outs.get(i) : outs.get(i).resolve(in.getFileName());
                try {
                    Reconstructor.writeFile(models.get(i), in, target, mask, plan.crop(), onSlice);
                    written.get(i).add(target);
                } catch (DataException e) {
                    if (!plan.folder()) throw e;
                    failures.get(i).add(Failure.of(in, e));
                }
            }
        }
        List<Result> results = new ArrayList<>();
        for (int i = 0; i < n; i++) results.add(finish(command, models.get(i), outs.get(i), mask, plan, fields.get(i), written.get(i), failures.get(i)));
        return results;
    }

    private static Result finish(String command, ReconstructionModel model, Path out, MaskFunction mask, Plan plan, Map<String, Object> fields,
                                 List<Path> written, List<Failure> failures) {
        Path errors = plan.fileOutput() ? null : out.resolve(ERRORS);
        if (errors != null) FailureList.write(errors, failures);
        Provenance prov = new Provenance(command);
        fields.forEach(prov::put);
        if (plan.crop() != null) prov.put("crop", plan.crop()[0] + "x" + plan.crop()[1]);
        prov.put("model", model.spec().toString())
                .put("mask", mask == null ? "none" : mask.spec().toString())
                .put("mask_seed", "numpy RandomState(tuple(map(ord, file_name))), or the file's own mask")
                .inputs(plan.inputs())
                .put("outputs", written.stream().map(p -> p.getFileName().toString()).toList())
                .put("failed", failures.stream().map(f -> f.file().getFileName().toString()).toList());
        Path provenance = plan.fileOutput() ? out.toAbsolutePath().resolveSibling(out.getFileName() + ".provenance.json")
                : out.resolve("provenance.json");
        prov.write(provenance);
        return new Result(written, failures, provenance, errors);
    }

    /** An existing file is replaced only when it is a reconstruction robustmri wrote. */
    private static void refuseForeignFile(Path target) {
        if (!Files.exists(target)) return;
        boolean ours = false;
        try (FastMriFile f = FastMriFile.open(target)) {
            ours = f.has(FastMriFile.RECONSTRUCTION) && f.stringAttribute("model").isPresent() && !f.has(FastMriFile.KSPACE);
        } catch (DataException e) {
            // not a readable HDF5 file: someone else's
        }
        if (!ours) throw new IllegalArgumentException(target + " exists and is not a reconstruction written by robustmri; choose another output");
    }

    /** The {@code .h5} files of a folder, sorted (hidden and temporary files skipped). */
    public static List<Path> listH5(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".h5")
                    && !p.getFileName().toString().startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new DataException(dir, "cannot list directory: " + e.getMessage(), e);
        }
    }
}

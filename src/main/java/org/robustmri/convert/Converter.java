package org.robustmri.convert;

import org.robustmri.io.KspaceGeometry;
import org.robustmri.io.CflFile;
import org.robustmri.io.FailureList;
import org.robustmri.io.FailureList.Failure;
import org.robustmri.io.DataException;
import org.robustmri.io.FastMriFile;
import org.robustmri.io.IsmrmrdRawFile;
import org.robustmri.io.Manifest;
import org.robustmri.io.MatFile;
import org.robustmri.io.NdArray;
import org.robustmri.io.NpyFile;
import org.robustmri.io.OutputDirectory;
import org.robustmri.io.Provenance;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * {@code convert}: other tools' k-space (ISMRMRD raw data, BART {@code .cfl}, numpy {@code .npy}, MATLAB {@code .mat}, or
 * fastMRI files to re-label) into fastMRI-layout files that every other command reads. Each input becomes one file per
 * volume in an output folder of robustmri's own, written atomically; a folder of inputs goes on past a file that fails
 * and lists it in {@value #ERRORS}; a {@code provenance.json} names each source with its SHA-256 and every option.
 */
public final class Converter {
    public static final String ERRORS = "errors.csv";
    static final List<String> FORMATS = List.of("ismrmrd", "cfl", "npy", "mat", "fastmri");

    private Converter() {
    }

    /** A written file and the source it came from. */
    public record Output(Path source, Path file, int slices) {
    }

    public record Result(List<Output> outputs, List<Failure> failures, Path provenance, Path errors) {
    }

    /** The inputs named: files as they are, folders by their files of a known kind (not recursing). */
    public static List<Path> inputs(List<Path> named) {
        List<Path> out = new ArrayList<>();
        for (Path p : named) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    s.filter(f -> Files.isRegularFile(f) && known(f) && !f.getFileName().toString().startsWith(".")).sorted().forEach(out::add);
                } catch (IOException e) {
                    throw new DataException(p, "cannot list: " + e.getMessage(), e);
                }
            } else if (Files.isRegularFile(p) || Files.isRegularFile(CflFile.base(p).resolveSibling(CflFile.base(p).getFileName() + ".cfl"))) {
                out.add(p);
            } else {
                throw new DataException(p, "no such file or directory");
            }
        }
        if (out.isEmpty()) throw new DataException(named.get(0), "no files to convert (.h5, .cfl, .npy, .mat)");
        return out;
    }

    private static boolean known(Path f) {
        String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".h5") || n.endsWith(".hdf5") || n.endsWith(".mrd") || n.endsWith(".cfl") || n.endsWith(".npy") || n.endsWith(".mat");
    }

    /** The format of a file, from its name and, for HDF5, its content. */
    public static String detect(Path f) {
        String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".cfl") || n.endsWith(".hdr")) return "cfl";
        if (n.endsWith(".npy")) return "npy";
        if (n.endsWith(".mat")) return "mat";
        if (IsmrmrdRawFile.looksLike(f, "dataset")) return "ismrmrd";
        try (FastMriFile ff = FastMriFile.open(f)) {
            if (ff.has(FastMriFile.KSPACE)) return "fastmri";
        } catch (DataException e) {
            // not fastMRI either
        }
        throw new DataException(f, "cannot tell its format (give --from " + String.join("|", FORMATS) + ")");
    }

    /** Converts every input into {@code out}, reporting each finished input to {@code onFile}. */
    public static Result run(List<Path> inputs, Path out, ConvertOptions o, Consumer<Path> onFile) {
        Preset preset = o.preset() == null ? null : Preset.of(o.preset());
        OutputDirectory.claim(out, OutputDirectory.Kind.CONVERSION);
        boolean folder = inputs.size() > 1;
        List<Output> outputs = new ArrayList<>();
        List<Failure> failures = new ArrayList<>();
        List<Map<String, Object>> sources = new ArrayList<>();
        for (Path in : inputs) {
            try {
                List<Output> written = convertOne(in, out, o, preset);
                outputs.addAll(written);
                Map<String, Object> src = new LinkedHashMap<>();
                src.put("file", in.getFileName().toString());
                src.put("sha256", Manifest.sha256(dataFile(in)));
                src.put("outputs", written.stream().map(w -> w.file().getFileName().toString()).toList());
                sources.add(src);
            } catch (DataException | IllegalArgumentException e) {
                if (!folder) throw e;
                failures.add(Failure.of(in, e));
            }
            if (onFile != null) onFile.accept(in);
        }
        Path errors = out.resolve(ERRORS);
        FailureList.write(errors, failures);
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("from", o.from() == null ? "detected per file" : o.from());
        options.put("preset", o.preset() == null ? "none" : o.preset());
        options.put("set", o.fields().values());
        options.put("key", o.key());
        options.put("layout", o.layout());
        options.put("image_domain", o.imageDomain());
        options.put("recon_size", o.recon() == null ? null : o.recon()[0] + "x" + o.recon()[1]);
        options.put("ismrmrd", Map.of("average", o.ismrmrd().average(), "repetition", o.ismrmrd().repetition(),
                "contrast", o.ismrmrd().contrast(), "slice_axis", o.ismrmrd().sliceAxis(), "prewhiten", o.ismrmrd().prewhiten()));
        Path provenance = out.resolve("provenance.json");
        new Provenance("convert")
                .put("options", options)
                .put("preset", preset == null ? "none" : preset.describe())
                .put("sources", sources)
                .put("failed", failures.stream().map(f -> f.file().getFileName().toString()).toList())
                .put("layout", "kspace (slices, coils, readout, phase encode) float32 (re, im) pairs; reconstruction_rss = RSS of ifft2c"
                        + " (centred, orthonormal) over coils, centre-cropped to the recon size")
                .write(provenance);
        return new Result(outputs, failures, provenance, failures.isEmpty() ? null : errors);
    }

    private static Path dataFile(Path in) {
        Path base = CflFile.base(in);
        return in.getFileName().toString().endsWith(".hdr") || !Files.isRegularFile(in) ? base.resolveSibling(base.getFileName() + ".cfl") : in;
    }

    private static List<Output> convertOne(Path in, Path out, ConvertOptions o, Preset preset) {
        String format = preset != null ? preset.format() : o.from() != null ? o.from() : detect(in);
        if (preset == null && !FORMATS.contains(format)) throw new IllegalArgumentException("--from must be one of " + FORMATS + ", got '" + format + "'");
        String stem = stem(in);
        List<IsmrmrdConversion.Part> parts = preset != null ? preset.convert(in) : switch (format) {
            case "ismrmrd" -> IsmrmrdConversion.convert(in, o.ismrmrd());
            case "fastmri" -> List.of(new IsmrmrdConversion.Part("", fromFastMri(in)));
            default -> List.of(new IsmrmrdConversion.Part("", fromArray(in, format, o)));
        };
        List<Output> written = new ArrayList<>();
        for (IsmrmrdConversion.Part part : parts) {
            KspaceVolume v = part.volume();
            v = v.withRecon(o.recon());
            if (o.removeReadoutOversampling()) v = v.withoutReadoutOversampling();
            v = v.withFields(v.fields().with(preset == null ? VolumeFields.none() : preset.fields()).with(o.fields()));
            if (!v.fields().values().containsKey("patient_id")) {
                v = v.withFields(v.fields().with(new VolumeFields(Map.of("patient_id", stem))));
            }
            Path target = out.resolve(part.fileName(stem));
            Map<String, Object> extra = new LinkedHashMap<>(part.attributes());
            extra.put("source_file", in.getFileName().toString());
            extra.put("source_format", format);
            if (preset != null) extra.put("converter_preset", preset.id());
            v.write(target, extra);
            written.add(new Output(in, target, v.slices()));
        }
        return written;
    }

    private static String stem(Path in) {
        String n = CflFile.base(in).getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 && !n.endsWith(".") ? n.substring(0, dot) : n;
    }

    private static KspaceVolume fromArray(Path in, String format, ConvertOptions o) {
        NdArray a = switch (format) {
            case "cfl" -> CflFile.read(in);
            case "npy" -> NpyFile.read(in);
            default -> {
                String key = o.key();
                if (key == null) throw new IllegalArgumentException(in + ": a MATLAB file needs --key NAME; variables: " + MatFile.variables(in));
                yield MatFile.read(in, key);
            }
        };
        AxisLayout l = o.layout() != null ? new AxisLayout(o.layout()) : AxisLayout.defaultFor(format, a.shape());
        AxisLayout.Gathered g;
        try {
            g = l.gather(a);
        } catch (IllegalArgumentException e) {
            throw new DataException(in, e.getMessage() + " (the array is " + a.describe() + ")", e);
        }
        float[] pairs = g.pairs();
        int slices = g.slices();
        if (o.imageDomain()) pairs = KspaceVolume.fft2c(pairs, slices, g.coils(), g.height(), g.width());
        if (l.partitionEncoded()) pairs = KspaceVolume.partitionsToSlices(pairs, slices, g.coils(), g.height(), g.width());
        return KspaceVolume.of(new AxisLayout.Gathered(slices, g.coils(), g.height(), g.width(), pairs), null, VolumeFields.none());
    }

    /** A fastMRI file read back whole (to set its fields or apply a preset); test files with a mask are refused. */
    private static KspaceVolume fromFastMri(Path in) {
        try (FastMriFile f = FastMriFile.open(in)) {
            if (f.mask().isPresent()) throw new DataException(in, "is an undersampled test file (it has a 'mask'); convert needs fully sampled k-space");
            KspaceGeometry g = f.kspace();
            float[] pairs = new float[Math.toIntExact(2L * g.slices() * g.coils() * g.height() * g.width())];
            int per = pairs.length / g.slices();
            for (int s = 0; s < g.slices(); s++) {
                ByteBuffer b = f.readKspaceSlice(s);
                b.asFloatBuffer().get(pairs, s * per, per);
            }
            var header = f.header();
            VolumeFields fields = header.map(VolumeFields::of).orElse(VolumeFields.none());
            int[] recon;
            var key = f.targetKey();
            if (key.isPresent()) {
                int[] s = f.shapeOf(key.get());
                recon = new int[]{s[s.length - 2], s[s.length - 1]};
            } else {
                recon = header.filter(h -> h.reconX() > 0 && h.reconY() > 0).map(h -> new int[]{h.reconX(), h.reconY()}).orElse(null);
            }
            int center = header.filter(h -> h.hasEncodingLimits()).map(h -> h.peCenter()).orElse(g.width() / 2);
            int max = header.filter(h -> h.hasEncodingLimits()).map(h -> h.peMaximum()).orElse(g.width() - 1);
            Map<String, String> attrs = new LinkedHashMap<>();
            for (String a : new String[]{"anatomy", "contrast", "dataset_name", "patient_id"}) {
                f.stringAttribute(a).ifPresent(v -> attrs.put(a, v));
            }
            return new KspaceVolume(g.slices(), g.coils(), g.height(), g.width(), pairs, recon == null ? g.height() : recon[0],
                    recon == null ? g.width() : recon[1], center, max, fields.with(new VolumeFields(attrs)));
        }
    }

}

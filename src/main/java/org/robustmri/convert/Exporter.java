package org.robustmri.convert;

import org.robustmri.io.KspaceGeometry;
import org.bytedeco.javacpp.PointerScope;
import org.robustmri.io.AtomicFiles;
import org.robustmri.io.CflFile;
import org.robustmri.io.DataException;
import org.robustmri.io.FailureList;
import org.robustmri.io.FailureList.Failure;
import org.robustmri.io.FastMriFile;
import org.robustmri.io.IsmrmrdHeader;
import org.robustmri.io.Manifest;
import org.robustmri.io.NiftiWriter;
import org.robustmri.io.NpyFile;
import org.robustmri.io.OutputDirectory;
import org.robustmri.io.Provenance;
import org.robustmri.kspace.Transforms;
import org.robustmri.tensor.Tensors;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
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

/**
 * {@code export}: fastMRI-layout k-space, targets or reconstructions written for the tools people open next: BART
 * ({@code .cfl/.hdr}, dims {@code [H, W, slices, coils]} padded to BART's 16), numpy ({@code .npy}, (slices, coils, H, W)
 * complex64 or (slices, h, w) float32), NIfTI-1 ({@code .nii}, float32, voxel size from the header's field of view) and
 * PNG (one 8-bit image per slice, scaled to the volume's maximum).
 */
public final class Exporter {
    public static final List<String> FORMATS = List.of("cfl", "npy", "nifti", "png");
    public static final List<String> WHATS = List.of("kspace", "target", "reconstruction", "image");

    private Exporter() {
    }

    public record Result(List<Path> written, List<Failure> failures, Path provenance, Path errors) {
    }

    /** Exports each file's {@code what} (null: k-space for cfl/npy when the file has it, else the reconstruction or target). */
    public static Result run(List<Path> inputs, Path out, String format, String what, Consumer<Path> onFile) {
        if (!FORMATS.contains(format)) throw new IllegalArgumentException("--format must be one of " + FORMATS + ", got '" + format + "'");
        if (what != null && !WHATS.contains(what)) throw new IllegalArgumentException("--what must be one of " + WHATS + ", got '" + what + "'");
        if (what != null && what.equals("kspace") && (format.equals("nifti") || format.equals("png"))) {
            throw new IllegalArgumentException("--format " + format + " writes images: --what target, reconstruction or image");
        }
        OutputDirectory.claim(out, OutputDirectory.Kind.EXPORT);
        boolean folder = inputs.size() > 1;
        List<Path> written = new ArrayList<>();
        List<Failure> failures = new ArrayList<>();
        List<Map<String, Object>> sources = new ArrayList<>();
        for (Path in : inputs) {
            try {
                List<Path> w = exportOne(in, out, format, what);
                written.addAll(w);
                Map<String, Object> src = new LinkedHashMap<>();
                src.put("file", in.getFileName().toString());
                src.put("sha256", Manifest.sha256(in));
                src.put("outputs", w.stream().map(p -> p.getFileName().toString()).toList());
                sources.add(src);
            } catch (DataException | IllegalArgumentException e) {
                if (!folder) throw e;
                failures.add(Failure.of(in, e));
            }
            if (onFile != null) onFile.accept(in);
        }
        Path errors = out.resolve("errors.csv");
        FailureList.write(errors, failures);
        Path provenance = out.resolve("provenance.json");
        new Provenance("export").put("format", format).put("what", what == null ? "default per format and file" : what)
                .put("sources", sources).put("failed", failures.stream().map(f -> f.file().getFileName().toString()).toList())
                .write(provenance);
        return new Result(written, failures, provenance, failures.isEmpty() ? null : errors);
    }

    private static List<Path> exportOne(Path in, Path out, String format, String what) {
        try (FastMriFile f = FastMriFile.open(in)) {
            String stem = in.getFileName().toString().replaceFirst("\\.(h5|hdf5)$", "");
            String w = what != null ? what : defaultWhat(f, format);
            if (w.equals("kspace")) {
                if (!f.has(FastMriFile.KSPACE)) throw new DataException(in, "has no kspace to export");
                return List.of(kspace(f, out.resolve(stem), format));
            }
            Image img = image(f, w);
            return switch (format) {
                case "cfl" -> {
                    CflFile.write(out.resolve(stem), bart(img.h(), img.w(), img.slices(), 1), complex(imageToFortran(img)));
                    yield List.of(out.resolve(stem + ".cfl"), out.resolve(stem + ".hdr"));
                }
                case "npy" -> {
                    NpyFile.write(out.resolve(stem + ".npy"), new long[]{img.slices(), img.h(), img.w()}, false, img.values());
                    yield List.of(out.resolve(stem + ".npy"));
                }
                case "nifti" -> {
                    NiftiWriter.write(out.resolve(stem + ".nii"), img.values(), img.slices(), img.h(), img.w(), voxel(f, img));
                    yield List.of(out.resolve(stem + ".nii"));
                }
                default -> png(img, out, stem);
            };
        }
    }

    private static String defaultWhat(FastMriFile f, String format) {
        if ((format.equals("cfl") || format.equals("npy")) && f.has(FastMriFile.KSPACE)) return "kspace";
        if (f.has(FastMriFile.RECONSTRUCTION)) return "reconstruction";
        if (f.targetKey().isPresent()) return "target";
        return "image";
    }

    /** An image volume (slices, h, w) of one of a file's datasets. */
    record Image(int slices, int h, int w, float[] values) {
    }

    private static Image image(FastMriFile f, String what) {
        String name = switch (what) {
            case "target" -> f.targetKey().orElseThrow(() -> new DataException(f.path(), "has no target (reconstruction_rss or _esc)"));
            case "reconstruction" -> {
                if (!f.has(FastMriFile.RECONSTRUCTION)) throw new DataException(f.path(), "has no reconstruction dataset");
                yield FastMriFile.RECONSTRUCTION;
            }
            default -> null;
        };
        if (name != null) {
            int[] s = f.shapeOf(name);
            return new Image(s[0], s[1], s[2], f.readFloatVolume(name));
        }
        // the whole fully sampled image: RSS over coils of every coil's ifft2c
        KspaceGeometry g = f.kspace();
        float[] out = new float[g.slices() * g.height() * g.width()];
        for (int s = 0; s < g.slices(); s++) {
            try (PointerScope scope = new PointerScope()) {
                ByteBuffer b = f.readKspaceSlice(s);
                float[] pairs = new float[b.remaining() / 4];
                b.asFloatBuffer().get(pairs);
                float[] rss = Tensors.toFloats(Transforms.zeroFilledRss(Tensors.complexFromInterleaved(pairs, g.coils(), g.height(), g.width()),
                        g.height(), g.width()));
                System.arraycopy(rss, 0, out, s * rss.length, rss.length);
            }
        }
        return new Image(g.slices(), g.height(), g.width(), out);
    }

    private static Path kspace(FastMriFile f, Path base, String format) {
        KspaceGeometry g = f.kspace();
        int per = 2 * g.coils() * g.height() * g.width();
        float[] c = new float[Math.toIntExact((long) per * g.slices())];
        for (int s = 0; s < g.slices(); s++) f.readKspaceSlice(s).asFloatBuffer().get(c, s * per, per);
        if (format.equals("npy")) {
            Path p = base.resolveSibling(base.getFileName() + ".npy");
            NpyFile.write(p, new long[]{g.slices(), g.coils(), g.height(), g.width()}, true, c);
            return p;
        }
        if (!format.equals("cfl")) throw new IllegalArgumentException("--format " + format + " writes images: --what target, reconstruction or image");
        // (slices, coils, H, W) C order -> BART [H, W, slices, coils] Fortran order
        float[] fo = new float[c.length];
        int h = g.height(), w = g.width(), ns = g.slices(), nc = g.coils();
        for (int s = 0; s < ns; s++) {
            for (int coil = 0; coil < nc; coil++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int src = 2 * (((s * nc + coil) * h + y) * w + x), dst = 2 * (y + h * (x + w * (s + ns * coil)));
                        fo[dst] = c[src];
                        fo[dst + 1] = c[src + 1];
                    }
                }
            }
        }
        CflFile.write(base, bart(h, w, ns, nc), fo);
        return base.resolveSibling(base.getFileName() + ".cfl");
    }

    private static long[] bart(long h, long w, long slices, long coils) {
        long[] d = new long[16];
        java.util.Arrays.fill(d, 1);
        d[0] = h;
        d[1] = w;
        d[2] = slices;
        d[3] = coils;
        return d;
    }

    private static float[] imageToFortran(Image img) {
        float[] out = new float[img.values().length];
        for (int s = 0; s < img.slices(); s++) {
            for (int y = 0; y < img.h(); y++) {
                for (int x = 0; x < img.w(); x++) out[y + img.h() * (x + img.w() * s)] = img.values()[(s * img.h() + y) * img.w() + x];
            }
        }
        return out;
    }

    private static float[] complex(float[] real) {
        float[] c = new float[2 * real.length];
        for (int i = 0; i < real.length; i++) c[2 * i] = real[i];
        return c;
    }

    /** Voxel size (column, row, slice) in mm from the header's recon field of view; 1 mm where it is not stated. */
    private static double[] voxel(FastMriFile f, Image img) {
        IsmrmrdHeader h = f.header().orElse(null);
        if (h == null || !h.hasFieldOfView()) return new double[]{1, 1, 1};
        return new double[]{h.fovY() / img.w(), h.fovX() / img.h(), h.fovZ()};
    }

    private static List<Path> png(Image img, Path out, String stem) {
        float max = 0;
        for (float v : img.values()) max = Math.max(max, v);
        List<Path> written = new ArrayList<>();
        for (int s = 0; s < img.slices(); s++) {
            BufferedImage bi = new BufferedImage(img.w(), img.h(), BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < img.h(); y++) {
                for (int x = 0; x < img.w(); x++) {
                    float v = img.values()[(s * img.h() + y) * img.w() + x];
                    int g = max <= 0 ? 0 : Math.max(0, Math.min(255, Math.round(255f * v / max)));
                    bi.getRaster().setSample(x, y, 0, g);
                }
            }
            Path p = out.resolve(String.format(Locale.ROOT, "%s_s%03d.png", stem, s));
            AtomicFiles.write(p, tmp -> {
                if (!ImageIO.write(bi, "png", tmp.toFile())) throw new IOException("no PNG writer");
            });
            written.add(p);
        }
        return written;
    }

    /** The fastMRI files named: files as they are, folders by their .h5 files. */
    public static List<Path> inputs(Path in) {
        if (Files.isDirectory(in)) {
            List<Path> l = org.robustmri.eval.FolderReconstruction.listH5(in);
            if (l.isEmpty()) throw new DataException(in, "no .h5 files");
            return l;
        }
        if (!Files.isRegularFile(in)) throw new DataException(in, "no such file or directory");
        return List.of(in);
    }
}

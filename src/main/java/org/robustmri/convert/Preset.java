package org.robustmri.convert;

import org.robustmri.io.KspaceGeometry;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.robustmri.io.DataException;
import org.robustmri.io.FastMriFile;
import org.robustmri.io.Hdf5Array;
import org.robustmri.io.IsmrmrdRawFile;
import org.robustmri.io.NdArray;
import org.robustmri.kspace.Fft;
import org.robustmri.tensor.Tensors;
import org.robustmri.tensor.Torch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The paper's dataset converters (MLI-lab/mri_data_diversity, {@code convert_datasets/}), one preset per source and
 * view, each reproducing its script's numeric steps and the flip its data folder in the paper's CSVs went through;
 * checked against vectors their own code made ({@code tools/golden/presets/}). {@code dataset_name} is the CSV's
 * {@code datasetName}; the converters state no field strength or protocol, so those stay what the source's header says.
 */
public enum Preset {
    STANFORD2D("stanford2d", "stanford_2d", "knee", "ISMRMRD, mridata loader (rec_std weights, ChopY, FSE Ahn-Cho), / 1e8, ky padding, recon crop; vertical flip"),
    NYU("nyu", "nyu", "knee", "ISMRMRD, mridata loader, scale 1, ky padding, recon crop (the CSV's nyu_2d/data: no flip)"),
    STANFORD3D("stanford3d", "stanford_3d_sag", "knee", "ISMRMRD 3-D FSE, mridata loader (maximum lines, no FSE), / 1e7, ky padding, recon crop; vertical flip"),
    STANFORD3D_AX("stanford3d-ax", "stanford_3d_ax", "knee", "stanford3d sagittal before its flip, resliced axial (transpose 2,1,3,0), fftshift of the last axis; vertical flip"),
    STANFORD3D_COR("stanford3d-cor", "stanford_3d_cor", "knee", "stanford3d sagittal before its flip, resliced coronal (transpose 3,1,2,0), fftshift of the last axis; vertical flip"),
    CC359("cc359", "cc-359_ax", "brain", "HDF5 'kspace' [S,H,W,2C] interleaved, * 1e-10, uncentred k-space, axial; vertical flip"),
    CC359_COR("cc359-cor", "cc-359_cor", "brain", "as cc359, resliced coronal (transpose 2,1,0,3); vertical flip"),
    CC359_SAG("cc359-sag", "cc-359_sag", "brain", "as cc359, resliced sagittal (transpose 3,1,0,2); vertical flip"),
    M4RAW("m4raw", "m4raw", "brain", "M4Raw T1/T2/FLAIR fastMRI files, vertical flip only"),
    M4RAW_GRE("m4raw-gre", "m4raw_gre_rot", "brain", "M4Raw GRE: roll -45 columns, transpose, horizontal flip, crop to the swapped target size"),
    SKMTEA("skmtea", "skm-tea", "knee", "HDF5 'kspace' [x,ky,kz,echo,coil], hybrid x, ifft2c over (ky,kz), sagittal, / 1e11, a file per echo (E1_, E2_), padding 48..464 (the CSV's data_sag: no flip)"),
    SEVEN_T("7t", "7T_sag", "brain", "ISMRMRD 3-D, every acquisition at (ky, kz), / 1e14, ifft3c in float32, sagittal [X,C,Z,Y]"),
    SEVEN_T_COR("7t-cor", "7T_cor", "brain", "as 7t, coronal [Y,C,Z,X]"),
    SEVEN_T_AX("7t-ax", "7T_ax", "brain", "as 7t, axial [Z,C,Y,X]"),
    PROSTATE("prostate", "fastmri_prostate_T2", "prostate", "fastMRI prostate T2 [avg,S,C,H,W]: odd columns (avg0+avg2)/2, even avg1; ky padding; 320x320 crop");

    private final String id;
    private final String datasetName;
    private final String anatomy;
    private final String steps;

    Preset(String id, String datasetName, String anatomy, String steps) {
        this.id = id;
        this.datasetName = datasetName;
        this.anatomy = anatomy;
        this.steps = steps;
    }

    public String id() {
        return id;
    }

    public static Preset of(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (Preset p : values()) if (p.id.equals(n)) return p;
        throw new IllegalArgumentException("unknown preset '" + name + "'; known: " + Arrays.stream(values()).map(Preset::id).toList());
    }

    /** The format the source arrives in. */
    String format() {
        return switch (this) {
            case STANFORD2D, NYU, STANFORD3D, STANFORD3D_AX, STANFORD3D_COR, SEVEN_T, SEVEN_T_COR, SEVEN_T_AX -> "ismrmrd";
            case M4RAW, M4RAW_GRE -> "fastmri";
            default -> "hdf5";
        };
    }

    VolumeFields fields() {
        return new VolumeFields(Map.of("dataset_name", datasetName, "anatomy", anatomy));
    }

    String describe() {
        return id + ": " + steps;
    }

    /** Converts one source file as the paper's script does; each part is one output file. */
    List<IsmrmrdConversion.Part> convert(Path in) {
        try (PointerScope scope = new PointerScope()) {
            return switch (this) {
                case STANFORD2D -> List.of(part("", flip(mridata(in, false, 1e8))));
                case NYU -> List.of(part("", mridata(in, false, 1.0)));
                case STANFORD3D -> List.of(part("", flip(mridata(in, true, 1e7))));
                case STANFORD3D_AX -> List.of(part("", flip(reslice(mridata(in, true, 1e7), new long[]{2, 1, 3, 0}))));
                case STANFORD3D_COR -> List.of(part("", flip(reslice(mridata(in, true, 1e7), new long[]{3, 1, 2, 0}))));
                case CC359 -> List.of(part("", flip(cc359(in, null))));
                case CC359_COR -> List.of(part("", flip(cc359(in, new long[]{2, 1, 0, 3}))));
                case CC359_SAG -> List.of(part("", flip(cc359(in, new long[]{3, 1, 0, 2}))));
                case M4RAW -> List.of(part("", flip(fastmri(in))));
                case M4RAW_GRE -> List.of(part("", m4rawGre(in)));
                case SKMTEA -> skmtea(in);
                case SEVEN_T -> List.of(part("", sevenT(in, new long[]{1, 0, 3, 2})));
                case SEVEN_T_COR -> List.of(part("", sevenT(in, new long[]{2, 0, 3, 1})));
                case SEVEN_T_AX -> List.of(part("", sevenT(in, new long[]{3, 0, 2, 1})));
                case PROSTATE -> List.of(part("", prostate(in)));
            };
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new DataException(in, id + ": " + e.getMessage(), e);
        }
    }

    /**
     * k-space (slices, coils, H, W) on its way to a file: the target's crop, the acquired columns (ISMRMRD limits:
     * center, maximum) and what the source's header says.
     */
    private record Stage(Tensor k, int reconH, int reconW, int center, int maximum, VolumeFields fields) {
        Stage with(Tensor next) {
            long h = next.size(-2), w = next.size(-1);
            return new Stage(next, (int) Math.min(reconH, h), (int) Math.min(reconW, w), center, maximum, fields);
        }

        static Stage whole(Tensor k, VolumeFields fields) {
            int w = (int) k.size(-1);
            return new Stage(k, (int) k.size(-2), w, w / 2, w - 1, fields);
        }
    }

    private static IsmrmrdConversion.Part part(String suffix, Stage s) {
        long[] shape = Torch.shape(s.k());
        KspaceVolume v = new KspaceVolume((int) shape[0], (int) shape[1], (int) shape[2], (int) shape[3], PaperSteps.pairs(s.k()),
                s.reconH(), s.reconW(), s.center(), s.maximum(), s.fields());
        return new IsmrmrdConversion.Part(suffix, v);
    }

    private static Stage flip(Stage s) {
        return s.with(PaperSteps.flipVertical(s.k()));
    }

    /** Stanford 2D/3D and NYU: the mridata loader, the scale, readout to rows, ky padding, the header's recon crop. */
    private static Stage mridata(Path in, boolean threeD, double scale) {
        MridataLoader.Loaded l = MridataLoader.load(in, threeD);
        IsmrmrdEncoding enc = l.encoding();
        Tensor k = l.kspace().div(Torch.scalar(scale)).transpose(-2, -1);
        IsmrmrdEncoding.Limit step1 = enc.step1();
        int center = step1 == null ? enc.encoded()[1] / 2 : step1.center(), max = step1 == null ? enc.encoded()[1] - 1 : step1.maximum();
        k = PaperSteps.padPhaseEncode(k, enc.encoded()[1], center, in.toString());
        VolumeFields f = VolumeFields.of(org.robustmri.io.IsmrmrdHeader.parse(l.xml()));
        return new Stage(k, Math.min(enc.recon()[0], (int) k.size(-2)), Math.min(enc.recon()[1], (int) k.size(-1)), center, max, f);
    }

    /** Stanford 3D axial/coronal: the image volume transposed, back to k-space, its last axis fftshifted; no crop. */
    private static Stage reslice(Stage sag, long[] order) {
        Tensor view = PaperSteps.ifft2c(sag.k()).permute(order);
        Tensor k = torch.fft_fftshift(PaperSteps.fft2c(view.contiguous()), -1);
        return Stage.whole(k, sag.fields());
    }

    /** CC-359: real and imaginary channels interleaved, * 1e-10, uncentred k-space; a view of the image, back to k-space. */
    private static Stage cc359(Path in, long[] order) {
        NdArray raw = Hdf5Array.read(in, "kspace");
        long[] s = raw.shape();
        if (s.length != 4 || s[3] % 2 != 0 || raw.complex()) {
            throw new IllegalArgumentException("expects real kspace [slices, H, W, 2 x coils], got " + raw.describe());
        }
        Tensor k = torch.view_as_complex(Tensors.fromFloats(raw.data(), s[0], s[1], s[2], s[3] / 2, 2).to(torch.ScalarType.Double))
                .permute(0, 3, 1, 2).mul(Torch.scalar(1e-10));
        Tensor img = torch.fft_ifftshift(PaperSteps.ifft2c(k.contiguous()), -2, -1);
        Tensor view = order == null ? img : img.permute(order).contiguous();
        return Stage.whole(PaperSteps.fft2c(view), VolumeFields.none());
    }

    /** A fastMRI file whole: k-space, its target's size, the header's acquired columns and fields, its attributes. */
    private static Stage fastmri(Path in) {
        try (FastMriFile f = FastMriFile.open(in)) {
            KspaceGeometry g = f.kspace();
            float[] pairs = new float[Math.toIntExact(2L * g.slices() * g.coils() * g.height() * g.width())];
            int per = pairs.length / g.slices();
            for (int s = 0; s < g.slices(); s++) f.readKspaceSlice(s).asFloatBuffer().get(pairs, s * per, per);
            Tensor k = PaperSteps.complex128(pairs, g.slices(), g.coils(), g.height(), g.width());
            int[] t = f.shapeOf(f.requireTargetKey());
            var h = f.header();
            VolumeFields fields = h.map(VolumeFields::of).orElse(VolumeFields.none()).with(attributes(f));
            boolean limits = h.isPresent() && h.get().hasEncodingLimits();
            return new Stage(k, t[t.length - 2], t[t.length - 1], limits ? h.get().peCenter() : g.width() / 2,
                    limits ? h.get().peMaximum() : g.width() - 1, fields);
        }
    }

    private static VolumeFields attributes(FastMriFile f) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        f.stringAttribute("acquisition").ifPresent(v -> m.put("protocol", v));
        f.stringAttribute("patient_id").ifPresent(v -> m.put("patient_id", v));
        return new VolumeFields(m);
    }

    /** M4Raw GRE: columns rolled by -45, rows and columns swapped, columns reversed (no k-space correction); the target's size swapped. */
    private static Stage m4rawGre(Path in) {
        Stage s = fastmri(in);
        Tensor k = torch.roll(s.k(), new long[]{-45}, -1).transpose(2, 3).flip(-1).contiguous();
        int w = (int) k.size(-1);
        return new Stage(k, (int) Math.min(s.reconW(), k.size(-2)), Math.min(s.reconH(), w), w / 2, w - 1, s.fields());
    }

    /** SKM-TEA: [x, ky, kz, echo, coil] with x already in image space; sagittal slices along kz; / 1e11; a file per echo. */
    private static List<IsmrmrdConversion.Part> skmtea(Path in) {
        NdArray raw = Hdf5Array.read(in, "kspace");
        long[] s = raw.shape();
        if (s.length != 5 || !raw.complex()) throw new IllegalArgumentException("expects complex kspace [x, ky, kz, echo, coil], got " + raw.describe());
        Tensor k = PaperSteps.complex128(raw.data(), s).permute(3, 0, 4, 1, 2).contiguous(); // [echo, x, coil, ky, kz]
        Tensor img = PaperSteps.ifft2c(k).permute(0, 4, 2, 3, 1).div(Torch.scalar(1e11)).contiguous(); // [echo, z, coil, y, x]
        Tensor kspace = PaperSteps.fft2c(img);
        List<IsmrmrdConversion.Part> parts = new ArrayList<>();
        for (int e = 0; e < s[3]; e++) {
            Tensor one = kspace.select(0, e).contiguous();
            int w = (int) one.size(-1);
            Stage st = new Stage(one, (int) one.size(-2), w, w / 2 - 48, 463 - 48, VolumeFields.none());
            IsmrmrdConversion.Part p = part("", st);
            parts.add(new IsmrmrdConversion.Part("E" + (e + 1) + "_", "", p.volume(), Map.of("padding_left", 48, "padding_right", 464)));
        }
        return parts;
    }

    /** 7T MP2RAGE-ME: every acquisition at (ky, kz), / 1e14, the centred 3-D inverse FFT, one view, back to k-space. */
    private static Stage sevenT(Path in, long[] order) {
        IsmrmrdRawFile raw = IsmrmrdRawFile.read(in, "dataset");
        IsmrmrdEncoding enc = IsmrmrdEncoding.parse(raw.xml());
        int nx = enc.encoded()[0], ny = enc.encoded()[1], nz = enc.encoded()[2];
        int coils = enc.receiverChannels() > 0 ? enc.receiverChannels() : raw.acquisitions().get(0).channels();
        float[] k = new float[2 * coils * nx * ny * nz];
        for (IsmrmrdRawFile.Acquisition a : raw.acquisitions()) {
            if (a.samples() != nx || a.channels() != coils || a.step1() >= ny || a.step2() >= nz) {
                throw new IllegalArgumentException("an acquisition (" + a.channels() + " x " + a.samples() + " at " + a.step1() + ", " + a.step2()
                        + ") does not fit the encoded " + coils + " x " + nx + " x " + ny + " x " + nz);
            }
            for (int c = 0; c < coils; c++) {
                for (int x = 0; x < nx; x++) {
                    int o = 2 * (((c * nx + x) * ny + a.step1()) * nz + a.step2());
                    k[o] = a.re(c, x);
                    k[o + 1] = a.im(c, x);
                }
            }
        }
        Tensor t = Tensors.complexFromInterleaved(k, coils, nx, ny, nz).div(Torch.scalar(1e14));
        Tensor img = Fft.ifft1c(Fft.ifft1c(Fft.ifft1c(t, 1), 2), 3).permute(order).contiguous();
        return Stage.whole(Fft.fft2c(img).to(torch.ScalarType.ComplexDouble), VolumeFields.none());
    }

    /** fastMRI prostate T2: the three averages combined by column parity, ky padding from the header, a 320 x 320 target. */
    private static Stage prostate(Path in) {
        NdArray raw = Hdf5Array.read(in, "kspace");
        long[] s = raw.shape();
        if (s.length != 5 || s[0] != 3 || !raw.complex()) throw new IllegalArgumentException("expects kspace [3 averages, S, C, H, W], got " + raw.describe());
        Tensor k = PaperSteps.complex128(raw.data(), s);
        Tensor kc = k.select(0, 1).clone();
        long w = s[4];
        Tensor odd = torch.arange(new org.bytedeco.pytorch.Scalar(1), new org.bytedeco.pytorch.Scalar(w), new org.bytedeco.pytorch.Scalar(2),
                Torch.options(torch.ScalarType.Long));
        kc.index_copy_(3, odd, k.select(0, 0).index_select(3, odd).add(k.select(0, 2).index_select(3, odd)).div(Torch.scalar(2)));
        String xml = org.robustmri.io.Hdf5Array.string(in, FastMriFile.HEADER);
        org.robustmri.io.IsmrmrdHeader h = org.robustmri.io.IsmrmrdHeader.parse(xml);
        if (h.encodedX() != s[3]) throw new IllegalArgumentException("readout of " + s[3] + " samples, the header's encoded x is " + h.encodedX());
        Tensor padded = PaperSteps.padPhaseEncode(kc, h.encodedY(), h.peCenter(), in.toString());
        Map<String, String> attrs = new java.util.LinkedHashMap<>();
        org.robustmri.io.Hdf5Array.attribute(in, "acquisition").ifPresent(v -> attrs.put("protocol", v));
        org.robustmri.io.Hdf5Array.attribute(in, "patient_id").ifPresent(v -> attrs.put("patient_id", v));
        VolumeFields f = VolumeFields.of(h).with(new VolumeFields(attrs));
        return new Stage(padded, (int) Math.min(320, padded.size(-2)), (int) Math.min(320, padded.size(-1)), h.peCenter(), h.peMaximum(), f);
    }
}

package org.robustmri.io;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;

import java.lang.reflect.Array;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An ISMRMRD raw-data file (HDF5): the XML header ({@code GROUP/xml}) and the acquisitions ({@code GROUP/data}, a
 * compound of header, trajectory and samples), read with jHDF. Samples are (re, im) pairs, channel by channel.
 */
public final class IsmrmrdRawFile {
    /** ISMRMRD's acquisition flags (bit numbers as in ismrmrd.h 1.8, counted from 1). */
    public static final int FLAG_NOISE = 19, FLAG_PARALLEL_CALIBRATION = 20, FLAG_NAVIGATION = 23, FLAG_PHASECORR = 24,
            FLAG_LAST_IN_MEASUREMENT = 25, FLAG_HPFEEDBACK = 26, FLAG_DUMMYSCAN = 27, FLAG_RTFEEDBACK = 28, FLAG_SURFACECOILCORRECTION = 29,
            FLAG_PHASE_STABILIZATION_REFERENCE = 30, FLAG_PHASE_STABILIZATION = 31;

    /** One readout with its loop counters. */
    public record Acquisition(long flags, int samples, int channels, int centerSample, int discardPre, int discardPost,
                              int step1, int step2, int average, int slice, int contrast, int phase, int repetition, int set,
                              int segment, float[] data) {
        public boolean has(int flag) {
            return (flags >>> (flag - 1) & 1L) != 0;
        }

        /** The complex sample {@code s} of channel {@code c} as {re, im}. */
        public float re(int c, int s) {
            return data[2 * (c * samples + s)];
        }

        public float im(int c, int s) {
            return data[2 * (c * samples + s) + 1];
        }
    }

    private final Path path;
    private final String xml;
    private final List<Acquisition> acquisitions;
    private final Map<String, float[]> arrays;

    private IsmrmrdRawFile(Path path, String xml, List<Acquisition> acquisitions, Map<String, float[]> arrays) {
        this.path = path;
        this.xml = xml;
        this.acquisitions = List.copyOf(acquisitions);
        this.arrays = Map.copyOf(arrays);
    }

    /** A numeric array stored beside the acquisitions (e.g. mridata.org's {@code rec_std}), flattened; empty when absent. */
    public java.util.Optional<float[]> array(String name) {
        return java.util.Optional.ofNullable(arrays.get(name));
    }

    public Path path() {
        return path;
    }

    public String xml() {
        return xml;
    }

    public List<Acquisition> acquisitions() {
        return acquisitions;
    }

    /** True when {@code file} is HDF5 with an ISMRMRD group (its {@code xml} and {@code data}). */
    public static boolean looksLike(Path file, String group) {
        try (HdfFile f = new HdfFile(file)) {
            Node g = f.getByPath(group);
            return g instanceof Group gr && gr.getChildren().containsKey("data") && gr.getChildren().containsKey("xml");
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Reads the header and every acquisition of {@code group} (ISMRMRD's default is {@code dataset}). */
    public static IsmrmrdRawFile read(Path file, String group) {
        if (!Files.isRegularFile(file)) throw new DataException(file, "no such file");
        try (HdfFile f = new HdfFile(file)) {
            Node xmlNode, dataNode;
            try {
                xmlNode = f.getByPath(group + "/xml");
                dataNode = f.getByPath(group + "/data");
            } catch (RuntimeException e) {
                throw new DataException(file, "not an ISMRMRD raw-data file: no " + group + "/xml and " + group + "/data");
            }
            String xml = text(((Dataset) xmlNode).getData());
            Map<?, ?> data = (Map<?, ?>) ((Dataset) dataNode).getData();
            Map<?, ?> head = (Map<?, ?>) data.get("head");
            Map<?, ?> idx = (Map<?, ?>) head.get("idx");
            Object[] samples = (Object[]) data.get("data");
            List<Acquisition> out = new ArrayList<>(samples.length);
            for (int i = 0; i < samples.length; i++) {
                float[] d = (float[]) samples[i];
                int ns = integer(head, "number_of_samples", i), ch = integer(head, "active_channels", i);
                if (d.length != 2 * ns * ch) {
                    throw new DataException(file, "acquisition " + i + " holds " + d.length / 2 + " samples, its header says " + ns + " x "
                            + ch + " channels");
                }
                out.add(new Acquisition(flags(head.get("flags"), i), ns, ch, integer(head, "center_sample", i),
                        integer(head, "discard_pre", i), integer(head, "discard_post", i), integer(idx, "kspace_encode_step_1", i),
                        integer(idx, "kspace_encode_step_2", i), integer(idx, "average", i), integer(idx, "slice", i),
                        integer(idx, "contrast", i), integer(idx, "phase", i), integer(idx, "repetition", i), integer(idx, "set", i),
                        integer(idx, "segment", i), d));
            }
            Map<String, float[]> arrays = new java.util.LinkedHashMap<>();
            if (f.getByPath(group) instanceof Group g) {
                for (Node n : g.getChildren().values()) {
                    if (n instanceof Dataset ds && !n.getName().equals("data") && !n.getName().equals("xml") && ds.getSize() <= 1 << 20) {
                        try {
                            arrays.put(n.getName(), MatFile.flatten(ds.getData(), ds.getSize()));
                        } catch (RuntimeException e) {
                            // not a plain numeric array (waveforms, images): not needed for k-space
                        }
                    }
                }
            }
            return new IsmrmrdRawFile(file, xml, out, arrays);
        } catch (DataException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new DataException(file, "not a readable ISMRMRD raw-data file: " + e.getMessage(), e);
        }
    }

    private static String text(Object o) {
        if (o instanceof String s) return s;
        if (o != null && o.getClass().isArray() && Array.getLength(o) > 0) return text(Array.get(o, 0));
        if (o instanceof byte[] b) return new String(b, java.nio.charset.StandardCharsets.UTF_8);
        throw new IllegalStateException("the xml header is not text");
    }

    private static int integer(Map<?, ?> m, String key, int i) {
        Object a = m.get(key);
        if (a == null) throw new IllegalStateException("acquisition header has no '" + key + "'");
        return ((Number) Array.get(a, i)).intValue();
    }

    private static long flags(Object a, int i) {
        Object v = Array.get(a, i);
        return v instanceof BigInteger b ? b.longValue() : ((Number) v).longValue();
    }
}

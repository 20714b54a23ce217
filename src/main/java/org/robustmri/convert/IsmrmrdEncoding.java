package org.robustmri.convert;

import org.robustmri.io.DataException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;


/**
 * The first encoding of an ISMRMRD raw-data header: encoded and recon matrices with their fields of view, and the
 * encoding limits (minimum, maximum, center) of the counters a Cartesian reconstruction places samples by.
 */
record IsmrmrdEncoding(int[] encoded, int[] recon, double[] encodedFov, double[] reconFov, Limit step1, Limit step2, Limit slice,
                       Limit average, Limit repetition, Limit contrast, Limit phase, Limit segment, String trajectory, double h1Hz,
                       int receiverChannels, java.util.Map<String, Long> userLongs) {

    /** One counter's limits; absent ones are null. */
    record Limit(int minimum, int maximum, int center) {
    }

    /** Field strength from the proton resonance frequency when the header states no field strength. */
    double fieldStrengthFromFrequency() {
        return Double.isNaN(h1Hz) ? Double.NaN : Math.round(h1Hz / 42.577478e6 * 100) / 100.0;
    }

    static IsmrmrdEncoding parse(String xml) {
        Document doc = org.robustmri.io.IsmrmrdHeader.parseXml(xml, "the ISMRMRD header");
        Element root = doc.getDocumentElement();
        Element enc = child(root, "encoding");
        if (enc == null) throw new DataException("the ISMRMRD header has no <encoding>");
        Element encoded = child(enc, "encodedSpace"), recon = child(enc, "reconSpace"), limits = child(enc, "encodingLimits");
        Element cond = child(root, "experimentalConditions");
        return new IsmrmrdEncoding(matrix(encoded), matrix(recon), fov(encoded), fov(recon), limit(limits, "kspace_encoding_step_1"),
                limit(limits, "kspace_encoding_step_2"), limit(limits, "slice"), limit(limits, "average"), limit(limits, "repetition"),
                limit(limits, "contrast"), limit(limits, "phase"), limit(limits, "segment"), text(enc, "trajectory"),
                number(text(cond, "H1resonanceFrequency_Hz")), (int) number(text(child(root, "acquisitionSystemInformation"), "receiverChannels")),
                userLongs(child(root, "userParameters")));
    }

    /** {@code userParameterLong} entries by name. */
    private static java.util.Map<String, Long> userLongs(Element params) {
        java.util.Map<String, Long> out = new java.util.LinkedHashMap<>();
        if (params == null) return out;
        NodeList kids = params.getChildNodes();
        for (int i = 0; i < kids.getLength(); i++) {
            if (kids.item(i) instanceof Element e && "userParameterLong".equals(e.getLocalName() != null ? e.getLocalName() : e.getNodeName())) {
                double v = number(text(e, "value"));
                String name = text(e, "name");
                if (name != null && !Double.isNaN(v)) out.put(name, (long) v);
            }
        }
        return out;
    }

    private static int[] matrix(Element space) {
        Element m = child(space, "matrixSize");
        if (m == null) throw new DataException("the ISMRMRD header has no matrixSize in " + (space == null ? "its encoding" : space.getLocalName()));
        return new int[]{(int) number(text(m, "x")), (int) number(text(m, "y")), Math.max(1, (int) number(text(m, "z")))};
    }

    private static double[] fov(Element space) {
        Element m = child(space, "fieldOfView_mm");
        return m == null ? null : new double[]{number(text(m, "x")), number(text(m, "y")), number(text(m, "z"))};
    }

    private static Limit limit(Element limits, String name) {
        Element l = child(limits, name);
        if (l == null) return null;
        return new Limit((int) number(text(l, "minimum")), (int) number(text(l, "maximum")), (int) number(text(l, "center")));
    }

    private static Element child(Element parent, String name) {
        if (parent == null) return null;
        NodeList kids = parent.getChildNodes();
        for (int i = 0; i < kids.getLength(); i++) {
            Node k = kids.item(i);
            if (k instanceof Element e && name.equals(e.getLocalName() != null ? e.getLocalName() : e.getNodeName())) return e;
        }
        return null;
    }

    private static String text(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? null : e.getTextContent().trim();
    }

    private static double number(String s) {
        if (s == null) return Double.NaN;
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
